"""ModelDeployment -> KAITO ``Workspace`` (spec providers.md §1.2), and KAITO's compatibility check.

A Workspace is unusual: ``resource`` (node count and selector) and ``inference`` (a KAITO preset,
or a raw pod template) sit at the object root, not under ``spec``.  vLLM models use KAITO presets,
so KAITO picks the image and nothing else from the ModelDeployment reaches the pod; llama.cpp
runs the user's image from a template.  Node auto-provisioning is configured per process (the
runtime reads it from the environment through settings and passes :class:`KaitoEnv`), which keeps
this module pure.  The result carries the last-applied annotation (``drift``) that later
reconciles compare against.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Final

from airunway.api import EngineType, ModelDeployment, ModelSource, ServingMode
from airunway.providers.kaito.drift import with_last_applied
from airunway.providers.sdk.base import Manifest, Rendered
from airunway.providers.sdk.errors import OverrideError, TransformError
from airunway.providers.sdk.overrides import apply_overrides
from airunway.providers.sdk.render import (
    MODEL_DEPLOYMENT_LABEL,
    gpu_count,
    owner_reference,
    pod_template_metadata,
    replicas,
    resolved_engine,
    simple_env,
    standard_labels,
)

WORKSPACE_API_VERSION: Final = "kaito.sh/v1beta1"
WORKSPACE_KIND: Final = "Workspace"
#: KAITO creates a Service named like the Workspace on this port.
SERVICE_PORT: Final = 80
LLAMACPP_PORT: Final = 5000
GGUF_URL_ARG: Final = "ggufUrl"
GPU_PRESENT_LABEL: Final = "nvidia.com/gpu.present"

ENV_NODE_AUTO_PROVISIONING: Final = "AIRUNWAY_KAITO_NODE_AUTO_PROVISIONING"
ENV_GPU_INSTANCE_TYPE: Final = "AIRUNWAY_KAITO_GPU_INSTANCE_TYPE"
ENV_CPU_INSTANCE_TYPE: Final = "AIRUNWAY_KAITO_CPU_INSTANCE_TYPE"
#: Values of ``AIRUNWAY_KAITO_NODE_AUTO_PROVISIONING`` that turn it on (trimmed, any case).
TRUE_VALUES: Final = frozenset({"1", "t", "true", "y", "yes", "on", "enabled"})


def flag_enabled(raw: str | None) -> bool:
    """The reference's reading of ``AIRUNWAY_KAITO_NODE_AUTO_PROVISIONING``."""
    return (raw or "").strip().lower() in TRUE_VALUES


@dataclass(frozen=True)
class KaitoEnv:
    """Node auto-provisioning settings: with it on, Workspaces name the instance type to create."""

    node_auto_provisioning: bool = False
    gpu_instance_type: str = ""
    cpu_instance_type: str = ""

    @classmethod
    def from_raw(cls, nap: str | None, gpu: str | None, cpu: str | None) -> KaitoEnv:
        """From the three environment variables' raw values (None when unset)."""
        return cls(flag_enabled(nap), (gpu or "").strip(), (cpu or "").strip())

    def instance_type(self, *, gpu: bool) -> str:
        """``resource.instanceType`` for a GPU or CPU model ("" when none is rendered)."""
        if not self.node_auto_provisioning:
            return ""
        return self.gpu_instance_type if gpu else self.cpu_instance_type


def check(md: ModelDeployment) -> str | None:
    """Why KAITO cannot serve ``md`` (§1.4, in order), or None."""
    engine = resolved_engine(md)
    if engine == EngineType.SGLANG:
        return "KAITO does not support sglang engine"
    if engine == EngineType.TRTLLM:
        return "KAITO does not support trtllm engine"
    if md.spec.serving is not None and md.spec.serving.mode == ServingMode.DISAGGREGATED:
        return "KAITO does not support disaggregated serving mode"
    # The reference checks only the legacy field although the transform accepts engine.image.
    if engine == EngineType.LLAMACPP and not md.spec.image:
        return "llamacpp engine requires spec.image to be set"
    return None


def _resource(md: ModelDeployment, env: KaitoEnv) -> dict[str, Any]:
    has_gpu = gpu_count(md) > 0
    resource: dict[str, Any] = {"count": replicas(md)}
    if instance_type := env.instance_type(gpu=has_gpu):
        resource["instanceType"] = instance_type
    # The nodeSelector goes first so that the forced GPU label always wins.
    match_labels = {"kubernetes.io/os": "linux", **(md.spec.node_selector or {})}
    if has_gpu:
        match_labels[GPU_PRESENT_LABEL] = "true"
    resource["labelSelector"] = {"matchLabels": match_labels}
    return resource


def _model_arg(md: ModelDeployment) -> str:
    model = md.spec.model
    if model.source == ModelSource.CUSTOM or not model.id:
        return ""
    args = (md.spec.engine.args if md.spec.engine is not None else None) or {}
    return args.get(GGUF_URL_ARG) or f"huggingface://{model.id}"


def _llamacpp_template(md: ModelDeployment) -> dict[str, Any]:
    image = md.spec.image_override()
    if not image:
        raise TransformError("image is required for llamacpp engine type")
    args = [f"--address=:{LLAMACPP_PORT}"]
    if model_arg := _model_arg(md):
        args.insert(0, model_arg)
    container: dict[str, Any] = {
        "name": "model",
        "image": image,
        "args": args,
        "ports": [{"containerPort": LLAMACPP_PORT}],
    }
    sizes = md.spec.resources
    requests = {
        key: value
        for key, value in (
            ("memory", sizes.memory if sizes else None),
            ("cpu", sizes.cpu if sizes else None),
        )
        if value
    }
    if requests:
        container["resources"] = {"requests": requests}
    if env := simple_env(md):
        container["env"] = env
    return {
        "metadata": {"labels": {MODEL_DEPLOYMENT_LABEL: md.metadata.name or ""}},
        "spec": {"containers": [container]},
    }


def _inference(md: ModelDeployment) -> dict[str, Any]:
    engine = resolved_engine(md)
    if engine == EngineType.VLLM:
        return {"preset": {"name": md.spec.model.id or ""}}
    if engine == EngineType.LLAMACPP:
        return {"template": _llamacpp_template(md)}
    raise TransformError(f"unsupported engine type for KAITO: {engine}")


def _metadata(md: ModelDeployment) -> dict[str, Any]:
    name = md.metadata.name or ""
    extra_labels, annotations = pod_template_metadata(md)
    labels = {k: str(v) for k, v in standard_labels(md).items()}
    labels[MODEL_DEPLOYMENT_LABEL] = name
    labels.update(extra_labels)
    metadata: dict[str, Any] = {"name": name}
    if md.metadata.namespace:
        metadata["namespace"] = md.metadata.namespace
    metadata["labels"] = labels
    metadata["ownerReferences"] = [owner_reference(md)]
    if annotations:
        metadata["annotations"] = annotations
    return metadata


def workspace(md: ModelDeployment, env: KaitoEnv | None = None) -> Manifest:
    """The Workspace without its last-applied annotation (overrides applied)."""
    try:
        inference = _inference(md)
    except TransformError as exc:
        raise TransformError(f"failed to build inference spec: {exc}") from exc
    obj: Manifest = {
        "apiVersion": WORKSPACE_API_VERSION,
        "kind": WORKSPACE_KIND,
        "metadata": _metadata(md),
        "resource": _resource(md, env or KaitoEnv()),
        "inference": inference,
    }
    try:
        return apply_overrides(obj, md, null_deletes=True)
    except OverrideError as exc:
        raise OverrideError(f"failed to apply provider overrides: {exc}") from exc


def transform(md: ModelDeployment, *, env: KaitoEnv | None = None) -> Rendered:
    """The one Workspace ``md`` becomes, annotated with its last-applied record."""
    return Rendered(objects=[with_last_applied(workspace(md, env))])
