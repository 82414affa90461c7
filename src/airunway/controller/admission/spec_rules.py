"""Spec rules V1-V3, V8 and V10-V15: image and argument conflicts, model id, mocker, disaggregation.

Why this shape: each rule is a small function from the parsed spec to its field errors, so the
order of ``validation.validate_spec`` reads like the spec's table and each rule can be tested
alone. The two library checks the reference defines on the Go type (``ValidateImageFields`` and
``ValidateEngineArgs``, spec §1.1.2) are public here as message-returning functions because the
reconciler reports the same texts. Messages the API package already exports (shared with the
CRD's CEL rules) are imported from ``airunway.api.cel`` rather than retyped.
"""

from __future__ import annotations

from typing import Final

from airunway.api import (
    ComponentScalingSpec,
    EngineType,
    ModelDeployment,
    ModelDeploymentSpec,
    ModelSource,
    ServingMode,
)
from airunway.api.cel import (
    MSG_DISAGG_GPU_IN_RESOURCES,
    MSG_DISAGG_REQUIRES_DECODE,
    MSG_DISAGG_REQUIRES_DECODE_GPU,
    MSG_DISAGG_REQUIRES_PREFILL,
    MSG_DISAGG_REQUIRES_PREFILL_GPU,
    MSG_DISAGG_REQUIRES_SCALING,
    MSG_MODEL_ID_REQUIRED,
)
from airunway.api.constants import ANNOTATION_DYNAMO_TEST_BACKEND, DYNAMO_TEST_BACKEND_MOCKER
from airunway.api.gostr import flag_key
from airunway.api.validation import image_fields_error as image_fields_error  # noqa: PLC0414 - re-exported
from airunway.controller.admission.field_errors import (
    FieldError,
    GoLiteral,
    go_quote,
    go_string_slice,
    invalid,
    required,
)

MOCKER_PROVIDER: Final = "dynamo"
MSG_MOCKER_ENGINE: Final = "the dynamo mocker test backend only supports the vllm engine"
# Go's unicode.IsSpace is Python's str.isspace minus the four ASCII information separators.


def engine_args_error(spec: ModelDeploymentSpec) -> str | None:
    """Return the ``ValidateEngineArgs`` message for the first colliding flag, or None."""
    engine = spec.engine
    if engine is None or not engine.args or not engine.extra_args:
        return None
    for token in engine.extra_args:
        key = flag_key(token)
        if key is not None and key in engine.args:
            return (
                f"launch flag {go_quote(key)} is set in both spec.engine.args and "
                f"spec.engine.extraArgs ({go_quote(token)}); set it in exactly one place so the "
                "engine does not receive conflicting values"
            )
    return None


def is_dynamo_mocker(md: ModelDeployment) -> bool:
    """Whether ``md`` asks for the GPU-less Dynamo mocker test backend."""
    annotations = md.metadata.annotations or {}
    provider = md.spec.provider
    return (
        annotations.get(ANNOTATION_DYNAMO_TEST_BACKEND) == DYNAMO_TEST_BACKEND_MOCKER
        and provider is not None
        and provider.name == MOCKER_PROVIDER
    )


def check_engine_fields(spec: ModelDeploymentSpec) -> list[FieldError]:
    """V1 (image conflict) and V2 (args/extraArgs collision)."""
    errors: list[FieldError] = []
    engine = spec.engine
    if (message := image_fields_error(spec)) is not None:
        errors.append(invalid("spec.engine.image", engine.image if engine else "", message))
    if (message := engine_args_error(spec)) is not None:
        extra = engine.extra_args if engine is not None else None
        errors.append(invalid("spec.engine.extraArgs", go_string_slice(extra), message))
    return errors


def check_model_id(spec: ModelDeploymentSpec) -> list[FieldError]:
    """V3: a Hugging Face model needs ``model.id``."""
    if spec.model.source == ModelSource.HUGGINGFACE and not spec.model.id:
        return [required("spec.model.id", MSG_MODEL_ID_REQUIRED)]
    return []


def check_mocker_engine(md: ModelDeployment) -> list[FieldError]:
    """V8: the Dynamo mocker only simulates vLLM (an empty engine is allowed)."""
    engine_type = md.spec.engine.type if md.spec.engine is not None else None
    if is_dynamo_mocker(md) and engine_type and engine_type != EngineType.VLLM:
        return [invalid("spec.engine.type", engine_type, MSG_MOCKER_ENGINE)]
    return []


def _gpu_literal(count: int, gpu_type: str) -> GoLiteral:
    return GoLiteral(f"v1alpha1.GPUSpec{{Count:{count}, Type:{go_quote(gpu_type)}}}")


def _component_errors(
    component: ComponentScalingSpec | None,
    name: str,
    message: str,
    gpu_message: str,
    *,
    mocker: bool,
) -> list[FieldError]:
    if component is None:
        return [required(f"spec.scaling.{name}", message)]
    if not mocker and (component.gpu is None or component.gpu.count == 0):
        return [required(f"spec.scaling.{name}.gpu.count", gpu_message)]
    return []


def check_disaggregated(md: ModelDeployment) -> list[FieldError]:
    """V10-V15: disaggregated mode sizes GPUs per prefill/decode component, not globally."""
    spec = md.spec
    if spec.resolved_serving_mode() != ServingMode.DISAGGREGATED:
        return []
    errors: list[FieldError] = []
    gpu = spec.resources.gpu if spec.resources is not None else None
    if gpu is not None and gpu.count > 0:
        value = _gpu_literal(gpu.count, gpu.type)
        errors.append(invalid("spec.resources.gpu", value, MSG_DISAGG_GPU_IN_RESOURCES))
    if spec.scaling is None:
        return [*errors, required("spec.scaling", MSG_DISAGG_REQUIRES_SCALING)]
    mocker = is_dynamo_mocker(md)
    errors += _component_errors(
        spec.scaling.prefill,
        "prefill",
        MSG_DISAGG_REQUIRES_PREFILL,
        MSG_DISAGG_REQUIRES_PREFILL_GPU,
        mocker=mocker,
    )
    errors += _component_errors(
        spec.scaling.decode,
        "decode",
        MSG_DISAGG_REQUIRES_DECODE,
        MSG_DISAGG_REQUIRES_DECODE_GPU,
        mocker=mocker,
    )
    return errors
