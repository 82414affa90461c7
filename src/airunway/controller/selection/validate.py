"""Reconciler-side validation (spec: controller-and-crds §3.5) and the reconciler's other guards.

The webhook already rejects most invalid objects, but objects can bypass admission (webhook
down, installed before it, tests), so the reconciler re-checks what selection depends on and
reports exactly one error, the first that fails, as a condition message.  That is why every
function here returns ``str | None`` rather than raising or collecting: the caller only ever
writes one message.  Provider compatibility is delegated to the shared
``check_provider_compatibility`` (with *all* listed configs, unlike admission) so that admission
and reconciliation cannot drift apart.  Messages use Go's ``%q`` quoting where the reference
does, so they match it byte for byte.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Final

from airunway.api import (
    EngineType,
    InferenceProviderConfig,
    ModelDeployment,
    ModelDeploymentSpec,
    ModelSource,
    ServingMode,
)
from airunway.api.constants import ANNOTATION_DYNAMO_TEST_BACKEND, DYNAMO_TEST_BACKEND_MOCKER
from airunway.api.gostr import go_quote as go_quote  # noqa: PLC0414 - re-exported
from airunway.api.validation import image_fields_error
from airunway.controller.compatibility import check_provider_compatibility
from airunway.controller.selection._common import gpu_count, is_literally_disaggregated

MSG_MODEL_ID_REQUIRED: Final = "model.id is required when source is huggingface"
MSG_ENGINE_REQUIRED: Final = (
    "engine.type must be specified or auto-selected from provider capabilities"
)
MSG_MOCKER_VLLM_ONLY: Final = "the dynamo mocker test backend only supports the vllm engine"
MSG_DISAGG_GPU_IN_RESOURCES: Final = (
    "cannot specify both resources.gpu and scaling.prefill/decode in disaggregated mode"
)
MSG_DISAGG_REQUIRES_COMPONENTS: Final = (
    "disaggregated mode requires scaling.prefill and scaling.decode"
)
MSG_DISAGG_PREFILL_GPU: Final = "disaggregated mode requires scaling.prefill.gpu.count > 0"
MSG_DISAGG_DECODE_GPU: Final = "disaggregated mode requires scaling.decode.gpu.count > 0"
_DYNAMO: Final = "dynamo"


def validate_spec(  # noqa: PLR0911 - first failure wins, one return per rule
    md: ModelDeployment,
    configs: Sequence[InferenceProviderConfig],
    resolved_engine: str,
    resolved_mode: ServingMode,
) -> str | None:
    """Return the first reconciler-side validation error of ``md``, or None (§3.5).

    Parameters
    ----------
    md
        The ModelDeployment (not modified).
    configs
        Every listed InferenceProviderConfig, ready or not.
    resolved_engine
        The engine after selection ("" when none could be resolved).
    resolved_mode
        ``spec.serving.mode``, else ``aggregated``.
    """
    spec = md.spec
    image_error = image_conflict_error(spec)
    if image_error is not None:
        return image_error
    if spec.model.source == ModelSource.HUGGINGFACE and not spec.model.id:
        return MSG_MODEL_ID_REQUIRED
    if not resolved_engine:
        return MSG_ENGINE_REQUIRED
    mocker = is_dynamo_mocker(md)
    if mocker and resolved_engine != EngineType.VLLM:
        return MSG_MOCKER_VLLM_ONLY
    if not mocker:
        provider_name = (spec.provider.name if spec.provider is not None else None) or ""
        named = next((c for c in configs if c.metadata.name == provider_name), None)
        issues = check_provider_compatibility(
            provider_name, named, configs, resolved_engine, resolved_mode, gpu_count(spec)
        )
        if issues:
            return issues[0].message
    if is_literally_disaggregated(spec):
        return _disaggregated_error(spec, mocker=mocker)
    return None


def provider_change_error(md: ModelDeployment) -> str | None:
    """The provider-switch guard of §3.3 step 11: spec names another provider than status."""
    wanted = md.spec.provider.name if md.spec.provider is not None else None
    recorded = md.status.provider.name if md.status and md.status.provider else None
    if wanted and recorded and wanted != recorded:
        return (
            f"changing spec.provider.name from {go_quote(recorded)} to {go_quote(wanted)} "
            "after a provider has been selected is not supported; delete and recreate the "
            "ModelDeployment to use a different provider"
        )
    return None


def is_dynamo_mocker(md: ModelDeployment) -> bool:
    """Whether ``md`` asks for Dynamo's GPU-less mocker backend (test-only; waives GPU checks)."""
    annotations = md.metadata.annotations or {}
    provider = md.spec.provider.name if md.spec.provider is not None else None
    return (
        annotations.get(ANNOTATION_DYNAMO_TEST_BACKEND) == DYNAMO_TEST_BACKEND_MOCKER
        and provider == _DYNAMO
    )


def _disaggregated_error(spec: ModelDeploymentSpec, *, mocker: bool) -> str | None:
    if gpu_count(spec) > 0:
        return MSG_DISAGG_GPU_IN_RESOURCES
    scaling = spec.scaling
    if scaling is None or scaling.prefill is None or scaling.decode is None:
        return MSG_DISAGG_REQUIRES_COMPONENTS
    if mocker:
        return None
    if scaling.prefill.gpu is None or scaling.prefill.gpu.count == 0:
        return MSG_DISAGG_PREFILL_GPU
    if scaling.decode.gpu is None or scaling.decode.gpu.count == 0:
        return MSG_DISAGG_DECODE_GPU
    return None


#: ``ValidateImageFields`` under the reconciler's name for it (spec §3.3 step 7).
image_conflict_error = image_fields_error
