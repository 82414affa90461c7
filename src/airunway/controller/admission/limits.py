"""Resource ceilings L1-L5: GPUs, replicas, CPU and memory per replica and per component.

Why this shape: the ceilings keep one ModelDeployment from requesting a runaway amount of
hardware. CPU and memory are free-form strings in the API (not schema quantities), so they are
parsed here with the exact Kubernetes quantity semantics of ``quantity`` and compared by value:
``4096Gi`` is at the ``4Ti`` ceiling, ``4097Gi`` above it. The limits are the API package's
constants, shared with the CRD's own CEL ceilings.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Final

from airunway.api import ComponentScalingSpec, GPUSpec, ModelDeploymentSpec
from airunway.api.cel import MSG_EXCEEDS_MAXIMUM, MSG_INVALID_QUANTITY
from airunway.api.constants import MAX_CPU, MAX_GPU_COUNT, MAX_MEMORY, MAX_REPLICAS
from airunway.controller.admission.field_errors import FieldError, child, invalid
from airunway.controller.admission.quantity import QuantityError, parse_quantity

_MAX_CPU_VALUE: Final = parse_quantity(MAX_CPU)
_MAX_MEMORY_VALUE: Final = parse_quantity(MAX_MEMORY)


def check_quantity(
    value: str | None, limit: str, limit_value: Decimal, path: str
) -> list[FieldError]:
    """Return the error of a quantity string that does not parse or exceeds ``limit``."""
    if not value:
        return []
    try:
        parsed = parse_quantity(value)
    except QuantityError:
        return [invalid(path, value, MSG_INVALID_QUANTITY)]
    if parsed > limit_value:
        return [invalid(path, value, MSG_EXCEEDS_MAXIMUM.format(limit=limit))]
    return []


def _count_ceiling(value: int, limit: int, path: str) -> list[FieldError]:
    if value > limit:
        return [invalid(path, value, MSG_EXCEEDS_MAXIMUM.format(limit=limit))]
    return []


def _gpu_ceiling(gpu: GPUSpec | None, path: str) -> list[FieldError]:
    return _count_ceiling(gpu.count, MAX_GPU_COUNT, child(path, "gpu", "count")) if gpu else []


def _component_ceilings(component: ComponentScalingSpec | None, path: str) -> list[FieldError]:
    """L5 for one of ``prefill``/``decode``."""
    if component is None:
        return []
    return [
        *_count_ceiling(component.replicas, MAX_REPLICAS, child(path, "replicas")),
        *_gpu_ceiling(component.gpu, path),
        *check_quantity(component.memory, MAX_MEMORY, _MAX_MEMORY_VALUE, child(path, "memory")),
    ]


def check_limits(spec: ModelDeploymentSpec) -> list[FieldError]:
    """Return the L1-L5 errors of ``spec``."""
    errors: list[FieldError] = []
    if spec.resources is not None:
        path = "spec.resources"
        errors += _gpu_ceiling(spec.resources.gpu, path)
        errors += check_quantity(spec.resources.cpu, MAX_CPU, _MAX_CPU_VALUE, child(path, "cpu"))
        errors += check_quantity(
            spec.resources.memory, MAX_MEMORY, _MAX_MEMORY_VALUE, child(path, "memory")
        )
    if spec.scaling is not None:
        path = "spec.scaling"
        errors += _count_ceiling(spec.scaling.replicas, MAX_REPLICAS, child(path, "replicas"))
        errors += _component_ceilings(spec.scaling.prefill, child(path, "prefill"))
        errors += _component_ceilings(spec.scaling.decode, child(path, "decode"))
    return errors
