"""The ``spec.services`` map of a DynamoGraphDeployment (spec providers.md §2.3, §2.4).

A Dynamo graph is a router in front of engine workers.  With the gateway on (the default), the
router is Dynamo's endpoint picker (``Epp``) and each worker pod carries a frontend sidecar;
with it off (or in mocker mode) a standalone ``Frontend`` routes.  Workers are one aggregated
``VllmWorker`` or a ``VllmPrefillWorker``/``VllmDecodeWorker`` pair (the names are the same for
every engine).  Everything here is pure data built from the ModelDeployment.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Final

from airunway.api import (
    ComponentScalingSpec,
    EngineType,
    ModelDeployment,
    ServingMode,
    VolumePurpose,
)
from airunway.providers.sdk.render import (
    engine_args,
    gpu_count,
    mount_path,
    replicas,
    storage_volumes,
    tolerations,
)
from airunway.providers.sdk.workloads import disaggregated_components

VERSION: Final = "1.1.1"
REGISTRY: Final = "nvcr.io/nvidia/ai-dynamo"
RUNTIME_IMAGES: Final = {
    EngineType.VLLM.value: "vllm-runtime",
    EngineType.SGLANG.value: "sglang-runtime",
    EngineType.TRTLLM.value: "tensorrtllm-runtime",
}
FRONTEND_IMAGE: Final = "dynamo-frontend"
PLANNER_IMAGE: Final = "dynamo-planner"
VLLM_KV_TRANSFER: Final = '{"kv_connector":"NixlConnector","kv_role":"kv_both"}'
LABEL_SUB_COMPONENT: Final = "nvidia.com/dynamo-sub-component-type"
MOCKER_ARGS: Final = (
    "--speedup-ratio",
    "1000.0",
    "--num-gpu-blocks-override",
    "4096",
    "--block-size",
    "16",
    "--max-num-seqs",
    "64",
)
MOCKER_RESOURCES: Final = {"cpu": "100m", "memory": "256Mi"}


def image(name: str, version: str = VERSION) -> str:
    """A Dynamo image of the given version."""
    return f"{REGISTRY}/{name}:{version}"


@dataclass(frozen=True)
class Typed:
    """The overrides keys the transform reads itself (the whole object is also deep-merged)."""

    router_mode: str = ""
    frontend_replicas: int | None = None
    frontend_cpu: str = ""
    frontend_memory: str = ""
    epp_replicas: int | None = None
    epp_image: str = ""


@dataclass(frozen=True)
class Graph:
    """What the services depend on besides the ModelDeployment."""

    engine: str
    mocker: bool
    gateway: bool
    typed: Typed
    version: str = VERSION

    def worker_image(self, md: ModelDeployment) -> str:
        """Mocker: the planner image; else the user's image; else the engine's runtime."""
        if self.mocker:
            return image(PLANNER_IMAGE, self.version)
        if override := md.spec.image_override():
            return override
        return image(RUNTIME_IMAGES.get(self.engine, RUNTIME_IMAGES["vllm"]), self.version)


def _hf_secret(md: ModelDeployment) -> str:
    return (md.spec.secrets.hugging_face_token if md.spec.secrets is not None else None) or ""


def engine_flags(md: ModelDeployment, engine: str) -> list[str]:
    """The worker's engine flags (§2.3 order); ``connector`` is dropped for vLLM."""
    spec, engine_spec = md.spec, md.spec.engine
    vllm, sglang = engine == EngineType.VLLM, engine == EngineType.SGLANG
    out = ["--model" if vllm else "--model-path", spec.model.id or ""]
    if spec.model.served_name:
        out += ["--served-model-name", spec.model.served_name]
    if engine_spec is not None:
        if engine_spec.context_length and (vllm or sglang):
            flag = "--max-model-len" if vllm else "--context-length"
            out += [flag, str(engine_spec.context_length)]
        if vllm or sglang:
            for enabled, flag in (
                (engine_spec.trust_remote_code, "--trust-remote-code"),
                (engine_spec.enable_prefix_caching, "--enable-prefix-caching"),
                (engine_spec.enforce_eager, "--enforce-eager"),
            ):
                if enabled:
                    out.append(flag)
    # vLLM's NIXL connector is configured by --kv-transfer-config; the old flag would clash
    return out + engine_args(md, skip=("connector",) if vllm else ())


def _mocker_flags(md: ModelDeployment) -> list[str]:
    model_id = md.spec.model.id or ""
    return [
        "--model-path",
        model_id,
        "--model-name",
        md.spec.model.served_name or model_id,
        *MOCKER_ARGS,
    ]


def _storage(md: ModelDeployment) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """(volumeMounts, env) of a worker: every volume mounted, HF_HOME on the first model cache."""
    mounts: list[dict[str, Any]] = []
    env: list[dict[str, Any]] = []
    user_hf_home = any(var.name == "HF_HOME" for var in md.spec.env or [])
    for volume in storage_volumes(md):
        path = mount_path(volume)
        mount: dict[str, Any] = {
            "name": volume.resolved_claim_name(md.metadata.name or ""),
            "mountPoint": path,
        }
        if volume.purpose == VolumePurpose.COMPILATION_CACHE:
            mount["useAsCompilationCache"] = True
        # the reference also writes readOnly, which the DGD schema lacks and the API server
        # prunes; leaving it out stores the same object and keeps server-side apply valid
        mounts.append(mount)
        if volume.purpose == VolumePurpose.MODEL_CACHE and not env and not user_hf_home:
            env.append({"name": "HF_HOME", "value": path})
    return mounts, env


def _main_container(md: ModelDeployment, graph: Graph, role: str) -> dict[str, Any]:
    """Image, engine command and args, and env (HF_HOME, then vLLM's NIXL side channel)."""
    flags = _mocker_flags(md) if graph.mocker else engine_flags(md, graph.engine)
    nixl = bool(role) and graph.engine == EngineType.VLLM and not graph.mocker
    if role:
        flags += ["--disaggregation-mode", role]
    if nixl:
        flags += ["--kv-transfer-config", VLLM_KV_TRANSFER]
    module = "dynamo.mocker" if graph.mocker else f"dynamo.{graph.engine}"
    env = _storage(md)[1]
    if nixl:
        env.append(
            {
                "name": "VLLM_NIXL_SIDE_CHANNEL_HOST",
                "valueFrom": {"fieldRef": {"fieldPath": "status.podIP"}},
            }
        )
    main: dict[str, Any] = {
        "image": graph.worker_image(md),
        "command": ["python3", "-m", module],
        "args": flags,
    }
    if env:
        main["env"] = env
    return main


def _sidecar(md: ModelDeployment, graph: Graph, role: str) -> dict[str, Any]:
    """The frontend sidecar of a worker on the gateway path (direct routing when aggregated)."""
    args = ["-m", "dynamo.frontend"] + ([] if role else ["--router-mode", "direct"])
    out: dict[str, Any] = {"image": image(RUNTIME_IMAGES["vllm"], graph.version), "args": args}
    if secret := _hf_secret(md):
        out["envFromSecret"] = secret
    return out


def _worker(
    md: ModelDeployment, graph: Graph, count: int, resources: dict[str, Any], role: str = ""
) -> dict[str, Any]:
    """One worker service; ``role`` is ``prefill``/``decode`` in disaggregated mode."""
    pod: dict[str, Any] = {}
    if md.spec.node_selector:
        pod["nodeSelector"] = dict(md.spec.node_selector)
    if md.spec.tolerations:
        pod["tolerations"] = tolerations(md)
    pod["mainContainer"] = _main_container(md, graph, role)
    out: dict[str, Any] = {"componentType": "worker"}
    if role:
        out["subComponentType"] = role
    out |= {"replicas": count, "resources": resources, "extraPodSpec": pod}
    if graph.gateway:
        out["frontendSidecar"] = _sidecar(md, graph, role)
    if secret := _hf_secret(md):
        out["envFromSecret"] = secret
    if mounts := _storage(md)[0]:
        out["volumeMounts"] = mounts
    return out


def _sizing(gpus: int, memory: str | None, cpu: str | None, *, mocker: bool) -> dict[str, Any]:
    """Worker resources: GPU limit and request, memory/cpu limits (mocker: tiny, no GPU)."""
    if mocker:
        return {"limits": dict(MOCKER_RESOURCES), "requests": dict(MOCKER_RESOURCES)}
    limits: dict[str, str] = {}
    requests: dict[str, str] = {}
    if gpus > 0:
        limits["gpu"] = requests["gpu"] = str(gpus)
    if memory:
        limits["memory"] = memory
    if cpu:
        limits["cpu"] = cpu
    return {"limits": limits, "requests": requests}


def _component_sizing(component: ComponentScalingSpec, *, mocker: bool) -> dict[str, Any]:
    gpus = int(component.gpu.count) if component.gpu is not None else 0
    return _sizing(gpus, component.memory, None, mocker=mocker)


def _frontend(md: ModelDeployment, graph: Graph) -> dict[str, Any]:
    typed = graph.typed
    cpu, memory = ("100m", "256Mi") if graph.mocker else ("2", "4Gi")
    out: dict[str, Any] = {
        "componentType": "frontend",
        "replicas": typed.frontend_replicas if typed.frontend_replicas is not None else 1,
        "resources": {
            "requests": {
                "cpu": typed.frontend_cpu or cpu,
                "memory": typed.frontend_memory or memory,
            }
        },
        "extraPodSpec": {
            "mainContainer": {
                "image": graph.worker_image(md),
                "env": [{"name": "DYN_ROUTER_MODE", "value": typed.router_mode or "round-robin"}],
            }
        },
    }
    if secret := _hf_secret(md):
        out["envFromSecret"] = secret
    return out


def _label_filter(name: str, value: str, *, allows_no_label: bool) -> dict[str, Any]:
    return {
        "name": name,
        "type": "label-filter",
        "parameters": {
            "label": LABEL_SUB_COMPONENT,
            "validValues": [value],
            "allowsNoLabel": allows_no_label,
        },
    }


def _profile(name: str, *plugins: str) -> dict[str, Any]:
    return {"name": name, "plugins": [{"pluginRef": p, "weight": 1} for p in plugins]}


def epp_config(*, disaggregated: bool) -> dict[str, Any]:
    """The endpoint picker's plugins and scheduling profiles."""
    handler = {"type": "disagg-profile-handler"}
    picker = {"name": "picker", "type": "max-score-picker"}
    decode_scorer = {"name": "dyn-decode", "type": "dyn-decode-scorer"}
    decode_profile = _profile("decode", "decode-filter", "dyn-decode", "picker")
    if not disaggregated:
        decode_filter = _label_filter("decode-filter", "decode", allows_no_label=True)
        return {
            "plugins": [handler, decode_filter, picker, decode_scorer],
            "schedulingProfiles": [decode_profile],
        }
    return {
        "plugins": [
            handler,
            _label_filter("prefill-filter", "prefill", allows_no_label=False),
            _label_filter("decode-filter", "decode", allows_no_label=False),
            picker,
            {"name": "dyn-prefill", "type": "dyn-prefill-scorer"},
            decode_scorer,
        ],
        "schedulingProfiles": [
            _profile("prefill", "prefill-filter", "dyn-prefill", "picker"),
            decode_profile,
        ],
    }


def _epp(graph: Graph, *, disaggregated: bool) -> dict[str, Any]:
    typed = graph.typed
    flag = "true" if disaggregated else "false"
    fallback = "false" if disaggregated else "true"
    return {
        "componentType": "epp",
        "replicas": typed.epp_replicas if typed.epp_replicas is not None else 1,
        "extraPodSpec": {
            "mainContainer": {
                "image": typed.epp_image or image(FRONTEND_IMAGE, graph.version),
                "env": [
                    {"name": "DYN_DECODE_FALLBACK", "value": fallback},
                    {"name": "DYN_ENFORCE_DISAGG", "value": flag},
                ],
            }
        },
        "eppConfig": {"config": epp_config(disaggregated=disaggregated)},
    }


def services(md: ModelDeployment, graph: Graph) -> dict[str, Any]:
    """The router service, then the worker service(s)."""
    disaggregated = md.spec.resolved_serving_mode() == ServingMode.DISAGGREGATED
    out: dict[str, Any] = {}
    if graph.gateway:
        out["Epp"] = _epp(graph, disaggregated=disaggregated)
    else:
        out["Frontend"] = _frontend(md, graph)
    if not disaggregated:
        res = md.spec.resources
        sizing = _sizing(
            gpu_count(md),
            res.memory if res is not None else None,
            res.cpu if res is not None else None,
            mocker=graph.mocker,
        )
        out["VllmWorker"] = _worker(md, graph, replicas(md), sizing)
        return out
    decode, prefill = disaggregated_components(md, require_gpu=False, prefill_first=True)
    for key, role, part in (
        ("VllmPrefillWorker", "prefill", prefill),
        ("VllmDecodeWorker", "decode", decode),
    ):
        sizing = _component_sizing(part, mocker=graph.mocker)
        out[key] = _worker(md, graph, int(part.replicas), sizing, role)
    return out
