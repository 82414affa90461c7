"""llm-d: compatibility and rendering (spec providers.md §4.2, §4.4).

llm-d runs the upstream vLLM server as plain Deployments + Services, the shape it shares with
Direct vLLM (:mod:`airunway.providers.sdk.workloads`), and leaves request scheduling to the
llm-d inference scheduler that the core gateway reconciler deploys as the pool's endpoint picker
(its image and config are in the registration, :mod:`airunway.providers.llmd.config`).  What is
llm-d's own: the image's entrypoint runs (no host/port flags, no probes, no volumes), prefix
caching is always stated (on or off, since the scheduler's prefix-cache scorer depends on it),
disaggregated serving is a decode and a prefill Deployment connected through PyNccl, and
overrides may not touch ``spec.template.spec``.  Pods do not get
``airunway.ai/model-deployment``: the core gateway reconciler labels the pods its InferencePool
selects.  Pure.
"""

from __future__ import annotations

from typing import Final

from airunway.api import EngineType, ModelDeployment, ServingMode
from airunway.providers.sdk.base import Rendered
from airunway.providers.sdk.errors import TransformError
from airunway.providers.sdk.render import engine_args, extra_args, gpu_count, simple_env
from airunway.providers.sdk.workloads import (
    Component,
    Workload,
    planned_components,
    render_workloads,
)

DEFAULT_IMAGE: Final = "vllm/vllm-openai:v0.9.1"
BLOCKED_OVERRIDE_PATHS: Final = (("spec", "template", "spec"),)


def check(md: ModelDeployment) -> str | None:  # noqa: PLR0911 - first failure wins, one return per rule
    """Why llm-d cannot serve ``md`` (ProviderCompatible=False), or None (§4.4)."""
    engine = md.resolved_engine_type()
    if engine != EngineType.VLLM:
        return f"llm-d provider only supports vllm engine, got {engine}"
    if md.spec.resolved_serving_mode() != ServingMode.DISAGGREGATED:
        if gpu_count(md) == 0:
            return "llm-d provider requires GPU resources (spec.resources.gpu.count > 0)"
        return None
    scaling = md.spec.scaling
    if scaling is None or scaling.prefill is None:
        return "spec.scaling.prefill is required for disaggregated serving mode"
    if scaling.decode is None:
        return "spec.scaling.decode is required for disaggregated serving mode"
    for role, part in (("prefill", scaling.prefill), ("decode", scaling.decode)):
        if part.gpu is None or part.gpu.count == 0:
            return (
                f"llm-d provider requires GPU resources for {role} "
                f"(spec.scaling.{role}.gpu.count > 0)"
            )
    return None


def vllm_args(md: ModelDeployment, component: Component, gpus: int) -> list[str]:
    """The server's flags (§4.2 order); ``gpus`` sets tensor parallelism when above 1."""
    spec, engine = md.spec, md.spec.engine
    out = ["--model", spec.model.id or ""]
    if spec.model.served_name:
        out += ["--served-model-name", spec.model.served_name]
    if engine is not None and engine.context_length:
        out += ["--max-model-len", str(engine.context_length)]
    if engine is not None and engine.trust_remote_code:
        out.append("--trust-remote-code")
    prefix = engine is None or engine.enable_prefix_caching
    out.append("--enable-prefix-caching" if prefix else "--no-enable-prefix-caching")
    if engine is not None and engine.enforce_eager:
        out.append("--enforce-eager")
    if gpus > 1:
        out += ["--tensor-parallel-size", str(gpus)]
    if kv_transfer := component.kv_transfer_config:
        out += ["--kv-transfer-config", kv_transfer]
    return out + engine_args(md) + extra_args(md)


def transform(md: ModelDeployment) -> Rendered:
    """Deployments then Services: ``<md>``, or ``<md>-decode`` (primary) and ``<md>-prefill``."""
    engine = md.resolved_engine_type()
    if engine != EngineType.VLLM:
        raise TransformError(f"llm-d provider only supports vllm engine, got {engine}")
    image = md.spec.image_override() or DEFAULT_IMAGE
    workloads = []
    for component, count, sizing in planned_components(md, require_gpu=False):
        try:
            args = vllm_args(md, component, sizing.gpus)
        except TransformError as exc:
            label = component.qualify("vLLM args")
            raise TransformError(f"failed to build {label}: {exc}") from exc
        workloads.append(
            Workload(
                component=component,
                replicas=count,
                sizing=sizing,
                image=image,
                args=args,
                env=simple_env(md),
            )
        )
    return render_workloads(md, workloads, blocked_override_paths=BLOCKED_OVERRIDE_PATHS)
