"""KubeRay: compatibility and rendering of the RayService (spec providers.md §3.2, §3.4).

One ModelDeployment becomes one ``ray.io/v1`` RayService: a Ray Serve application running vLLM
(``vllm_serve:deployment``) on a Ray cluster whose head carries the model settings in its
environment and whose GPU worker group(s) are sized from the ModelDeployment.  Disaggregated
serving becomes separate prefill and decode worker groups.  KubeRay applies no overrides and
does not validate engine-arg keys, as in the reference.  Pure.
"""

from __future__ import annotations

from typing import Any, Final

from airunway.api import (
    DEFAULT_GPU_RESOURCE,
    ComponentScalingSpec,
    EngineType,
    ModelDeployment,
    ServingMode,
)
from airunway.providers.sdk.base import Rendered
from airunway.providers.sdk.render import (
    MODEL_DEPLOYMENT_LABEL,
    engine_args,
    gpu_count,
    owner_reference,
    pod_template_metadata,
    replicas,
    serving_gpus_requested,
    simple_env,
    standard_labels,
)

API_VERSION: Final = "ray.io/v1"
KIND: Final = "RayService"
DEFAULT_IMAGE: Final = "rayproject/ray-llm:2.55.0-py311-cu128"
HEAD_CPU: Final = "4"
HEAD_MEMORY: Final = "16Gi"
WORKER_MEMORY: Final = "32Gi"
SERVE_PORT: Final = 8000
DASHBOARD_HOST: Final = "0.0.0.0"  # noqa: S104 - the Ray dashboard listens on the pod IP
SERVE_CONFIG: Final = """applications:
  - name: llm
    route_prefix: /
    import_path: vllm_serve:deployment
    deployments:
      - name: VLLMDeployment
        num_replicas: {replicas}
"""


def check(md: ModelDeployment) -> str | None:
    """Why KubeRay cannot serve ``md`` (ProviderCompatible=False), or None (§3.4)."""
    engine = md.resolved_engine_type()
    if engine != EngineType.VLLM:
        return f"KubeRay only supports vllm engine, got {engine}"
    if not serving_gpus_requested(md):
        return "KubeRay requires GPU (set resources.gpu.count > 0)"
    return None


def vllm_engine_args(md: ModelDeployment) -> str:
    """``VLLM_ENGINE_ARGS``: the flags the Serve application passes to vLLM, space-joined."""
    spec, engine = md.spec, md.spec.engine
    out = ["--model", spec.model.id or ""]
    if engine is not None and engine.context_length:
        out += ["--max-model-len", str(engine.context_length)]
    if spec.model.served_name:
        out += ["--served-model-name", spec.model.served_name]
    if engine is not None and engine.trust_remote_code:
        out.append("--trust-remote-code")
    return " ".join(out + engine_args(md, validate=False))


def _gpu_key(md: ModelDeployment) -> str:
    gpu = md.spec.resources.gpu if md.spec.resources is not None else None
    return (gpu.type if gpu is not None else None) or DEFAULT_GPU_RESOURCE


def _pod(md: ModelDeployment, container: dict[str, Any]) -> dict[str, Any]:
    return {
        "metadata": {"labels": {MODEL_DEPLOYMENT_LABEL: md.metadata.name or ""}},
        "spec": {"containers": [container]},
    }


def _head(md: ModelDeployment, image: str) -> dict[str, Any]:
    memory = (md.spec.resources.memory if md.spec.resources is not None else None) or HEAD_MEMORY
    env = [
        {"name": "MODEL_ID", "value": md.spec.model.id or ""},
        {"name": "VLLM_ENGINE_ARGS", "value": vllm_engine_args(md)},
        *simple_env(md),
    ]
    container = {
        "name": "ray-head",
        "image": image,
        "resources": {"limits": {"cpu": HEAD_CPU, "memory": memory}},
        "env": env,
    }
    return {"rayStartParams": {"dashboard-host": DASHBOARD_HOST}, "template": _pod(md, container)}


def _group(
    md: ModelDeployment,
    image: str,
    name: str,
    count: int,
    limits: dict[str, str],
) -> dict[str, Any]:
    container = {"name": "ray-worker", "image": image, "resources": {"limits": limits}}
    return {
        "groupName": name,
        "replicas": count,
        "minReplicas": count,
        "maxReplicas": count,
        "rayStartParams": {},
        "template": _pod(md, container),
    }


def _component_group(
    md: ModelDeployment, image: str, name: str, part: ComponentScalingSpec
) -> dict[str, Any]:
    gpus = int(part.gpu.count) if part.gpu is not None else 0
    limits = {_gpu_key(md): str(gpus)} if gpus > 0 else {}
    limits["memory"] = part.memory or WORKER_MEMORY
    return _group(md, image, name, int(part.replicas), limits)


def worker_groups(md: ModelDeployment, image: str) -> list[dict[str, Any]]:
    """One ``gpu-workers`` group, or ``prefill-workers`` then ``decode-workers``."""
    if md.spec.resolved_serving_mode() == ServingMode.DISAGGREGATED:
        scaling = md.spec.scaling
        groups = []
        for name, part in (
            ("prefill-workers", scaling.prefill if scaling is not None else None),
            ("decode-workers", scaling.decode if scaling is not None else None),
        ):
            if part is not None:
                groups.append(_component_group(md, image, name, part))
        return groups
    memory = (md.spec.resources.memory if md.spec.resources is not None else None) or WORKER_MEMORY
    limits = {"memory": memory}
    if (gpus := gpu_count(md)) > 0:
        limits[_gpu_key(md)] = str(gpus)
    return [_group(md, image, "gpu-workers", replicas(md), limits)]


def transform(md: ModelDeployment) -> Rendered:
    """The RayService of ``md``."""
    image = md.spec.image_override() or DEFAULT_IMAGE
    pod_labels, pod_annotations = pod_template_metadata(md)
    meta: dict[str, Any] = {"name": md.metadata.name}
    if md.metadata.namespace:
        meta["namespace"] = md.metadata.namespace
    meta["labels"] = {k: str(v) for k, v in {**standard_labels(md), **pod_labels}.items()}
    if pod_annotations:
        meta["annotations"] = pod_annotations
    meta["ownerReferences"] = [owner_reference(md)]
    spec = {
        "serveConfigV2": SERVE_CONFIG.format(replicas=replicas(md)),
        "rayClusterConfig": {
            "headGroupSpec": _head(md, image),
            "workerGroupSpecs": worker_groups(md, image),
        },
    }
    return Rendered(
        objects=[{"apiVersion": API_VERSION, "kind": KIND, "metadata": meta, "spec": spec}]
    )
