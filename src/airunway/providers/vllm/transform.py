"""Direct vLLM: compatibility and rendering (spec §5.2, §5.3).

The provider runs the upstream vLLM OpenAI server image as a Deployment + Service of the shape it
shares with llm-d (:mod:`airunway.providers.sdk.workloads`).  What is its own is here: the server
always listens on 0.0.0.0:8000 (the Service and probes depend on it, so host/port flags are
refused), a flag derived from a structured field yields to the same flag set explicitly (recipes
set ``--tensor-parallel-size`` in args *and* size the GPUs, and the GPU count stays editable), a
flag set in both ``args`` and ``extraArgs`` is refused, multi-GPU pods get a memory-backed
``/dev/shm``, and storage volumes are mounted (managed PVCs and the model download are the SDK's
:mod:`~airunway.providers.sdk.storage`; serving pods get ``HF_HOME`` on the downloaded cache).
Error texts, including the reference's ``failed to build ...:`` wrapping, are what users see.
"""

from __future__ import annotations

from typing import Any

from airunway.api import EngineType, ModelDeployment, ServingMode
from airunway.api.gostr import flag_key as flag_key  # noqa: PLC0414 - re-exported
from airunway.api.gostr import go_trim_space
from airunway.providers.sdk.base import Rendered
from airunway.providers.sdk.errors import TransformError
from airunway.providers.sdk.render import (
    engine_args,
    extra_args,
    full_env,
    gpu_count,
    mount_path,
    storage_volumes,
)
from airunway.providers.sdk.storage import cache_env
from airunway.providers.sdk.workloads import (
    HTTP_PORT,
    Component,
    Sizing,
    Workload,
    http_probe,
    planned_components,
    render_workloads,
)
from airunway.providers.vllm.image import container_image, go_quote

HOST = "0.0.0.0"  # noqa: S104 -- the server must listen on the pod IP the Service targets
SHM_VOLUME = "shm"
SHM_SIZE = "20Gi"
SHM_PATH = "/dev/shm"  # noqa: S108 -- a memory-backed emptyDir mount, not a temp file
RESERVED_KEYS = ("host", "port")
PROBES = {
    "startupProbe": http_probe(15, 10, 60),
    "livenessProbe": http_probe(15, 10, 3),
    "readinessProbe": http_probe(15, 5, 3),
}
_RESERVED_TAIL = (
    f"conflicts with Direct vLLM generated networking; Direct vLLM currently requires host {HOST} "
    f"and port {HTTP_PORT} to keep the container, Service, and probes aligned"
)
# Go's strings.TrimSpace: Python's str.isspace also counts the ASCII separators \x1c-\x1f.


def check(md: ModelDeployment) -> str | None:
    """Why Direct vLLM cannot serve ``md`` (ProviderCompatible=False), or None."""
    engine = md.resolved_engine_type()
    if engine != EngineType.VLLM:
        return f"vLLM provider only supports vllm engine, got {engine}"
    if md.spec.resolved_serving_mode() == ServingMode.DISAGGREGATED:
        return (
            "vLLM provider does not support disaggregated serving mode; "
            "use spec.serving.mode: aggregated"
        )
    if gpu_count(md) == 0:
        return "vLLM provider requires GPU resources (spec.resources.gpu.count > 0)"
    return None


def _is_reserved(key: str) -> bool:
    name = go_trim_space(key).lstrip("-").split("=", 1)[0]
    return go_trim_space(name) in RESERVED_KEYS


def validate_args(md: ModelDeployment) -> None:
    """Reserved host/port flags, then flags set in both ``args`` and ``extraArgs``."""
    args = (md.spec.engine.args if md.spec.engine is not None else None) or {}
    tokens = extra_args(md)
    for key in sorted(args):
        if _is_reserved(key):
            raise TransformError(f"engine arg {go_quote(key)} {_RESERVED_TAIL}")
    for token in tokens:
        flag = flag_key(token)
        if flag is not None and _is_reserved(flag):
            raise TransformError(f"engine extraArg {go_quote(token)} {_RESERVED_TAIL}")
    if not args:
        return
    for token in tokens:
        flag = flag_key(token)
        if flag is not None and flag in args:
            raise TransformError(
                f"launch flag {go_quote(flag)} is set in both spec.engine.args and "
                f"spec.engine.extraArgs ({go_quote(token)}); set it in exactly one place so the "
                "engine does not receive conflicting values"
            )


def vllm_args(
    md: ModelDeployment, component: Component = Component.AGGREGATED, gpus: int = 0
) -> list[str]:
    """The server's args: networking, derived flags (unless set explicitly), args, extraArgs."""
    validate_args(md)
    engine = md.spec.engine
    explicit = set((engine.args if engine is not None else None) or {})
    explicit |= {key for token in extra_args(md) if (key := flag_key(token)) is not None}
    model = md.spec.model
    derived: list[tuple[str, list[str]]] = [("model", [model.id or ""])]
    if model.served_name:
        derived.append(("served-model-name", [model.served_name]))
    if engine is not None and engine.context_length is not None:
        derived.append(("max-model-len", [str(engine.context_length)]))
    if engine is not None and engine.trust_remote_code:
        derived.append(("trust-remote-code", []))
    if engine is not None and engine.enforce_eager:
        derived.append(("enforce-eager", []))
    if engine is not None and engine.enable_prefix_caching:
        derived.append(("enable-prefix-caching", []))
    tensor_parallel = gpus or gpu_count(md)
    if tensor_parallel > 1:
        derived.append(("tensor-parallel-size", [str(tensor_parallel)]))
    out = ["--host", HOST, "--port", str(HTTP_PORT)]
    for key, values in derived:
        if key not in explicit:
            out += [f"--{key}", *values]
    if kv_transfer := component.kv_transfer_config:
        out += ["--kv-transfer-config", kv_transfer]
    return out + engine_args(md) + extra_args(md)


def volumes(md: ModelDeployment, gpus: int) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """Pod volumes and container mounts: ``/dev/shm`` when gpus > 1, then storage volumes."""
    pod: list[dict[str, Any]] = []
    mounts: list[dict[str, Any]] = []
    if gpus > 1:
        pod.append({"name": SHM_VOLUME, "emptyDir": {"medium": "Memory", "sizeLimit": SHM_SIZE}})
        mounts.append({"name": SHM_VOLUME, "mountPath": SHM_PATH})
    for volume in storage_volumes(md):
        claim = volume.resolved_claim_name(md.metadata.name or "")
        pod.append({"name": volume.name, "persistentVolumeClaim": {"claimName": claim}})
        if path := mount_path(volume):
            mount: dict[str, Any] = {"name": volume.name, "mountPath": path}
            if volume.read_only:
                mount["readOnly"] = True
            mounts.append(mount)
    return pod, mounts


def _workload(
    md: ModelDeployment, component: Component, count: int, sizing: Sizing, image: str
) -> Workload:
    try:
        args = vllm_args(md, component, sizing.gpus)
    except TransformError as exc:
        raise TransformError(f"failed to build {component.qualify('vLLM args')}: {exc}") from exc
    pod_volumes, mounts = volumes(md, sizing.gpus)
    return Workload(
        component=component,
        replicas=count,
        sizing=sizing,
        image=image,
        args=args,
        env=full_env(md) + cache_env(md),
        probes=PROBES,
        volumes=pod_volumes,
        volume_mounts=mounts,
    )


def transform(md: ModelDeployment, *, resolved_image: str | None = None) -> Rendered:
    """Deployment ``<md>`` (primary) + Service ``<md>``; raises ``TransformError``.

    ``resolved_image`` is the digest-pinned default image; when omitted, ``status.image.resolved``
    is used (the runtime writes it before rendering).  An image override always wins.
    """
    engine = md.resolved_engine_type()
    if engine != EngineType.VLLM:
        raise TransformError(f"vLLM provider only supports vllm engine, got {engine}")
    image = container_image(md, resolved_image)
    # Disaggregated is unreachable through the reconcile (check() refuses the mode) but kept
    # like the reference.
    workloads = [
        _workload(md, component, count, sizing, image)
        for component, count, sizing in planned_components(md, require_gpu=True)
    ]
    return render_workloads(md, workloads)
