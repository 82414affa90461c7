"""Builders of raw ModelDeployments and InferenceProviderConfigs shared by the admission tests."""

from __future__ import annotations

import copy
from dataclasses import dataclass
from typing import Any

from airunway.api import InferenceProviderConfig
from airunway.controller.admission import (
    AdmissionResult,
    ErrorType,
    FieldError,
    ProviderLookup,
    ProviderLookupResult,
    default_model_deployment,
    validate_create,
    validate_update,
)

MODEL_ID = "Qwen/Qwen3-0.6B"
NAME = "qwen"


def raw_md(
    name: str = NAME,
    *,
    annotations: dict[str, str] | None = None,
    status: dict[str, Any] | None = None,
    **spec: Any,
) -> dict[str, Any]:
    """A raw ModelDeployment; ``spec`` entries replace the default ``model`` or add fields."""
    metadata: dict[str, Any] = {"name": name, "namespace": "team-a"}
    if annotations is not None:
        metadata["annotations"] = annotations
    obj: dict[str, Any] = {
        "apiVersion": "airunway.ai/v1alpha1",
        "kind": "ModelDeployment",
        "metadata": metadata,
        "spec": {"model": {"id": MODEL_ID}, **copy.deepcopy(spec)},
    }
    if status is not None:
        obj["status"] = status
    return obj


def defaulted(raw: dict[str, Any]) -> dict[str, Any]:
    """``raw`` after the mutating webhook (as the validating webhook receives it)."""
    return default_model_deployment(raw).obj


def create(raw: dict[str, Any], lookup: ProviderLookup | None = None) -> AdmissionResult:
    """Default then validate a CREATE, as the API server chains the two webhooks."""
    return validate_create(defaulted(raw), lookup)


def update(
    old: dict[str, Any], new: dict[str, Any], lookup: ProviderLookup | None = None
) -> AdmissionResult:
    """Validate an UPDATE of a stored (defaulted) ``old`` to a defaulted ``new``."""
    return validate_update(defaulted(old), defaulted(new), lookup)


def messages(result: AdmissionResult) -> list[str]:
    """The rendered errors of ``result``."""
    return [str(e) for e in result.errors]


def volume(name: str = "w", **fields: Any) -> dict[str, Any]:
    """A raw storage volume."""
    return {"name": name, **fields}


def storage(*volumes: dict[str, Any]) -> dict[str, Any]:
    """A raw ``spec.model`` with the default id and these volumes."""
    return {"id": MODEL_ID, "storage": {"volumes": list(volumes)}}


def engine_cap(
    name: str, modes: tuple[str, ...] = ("aggregated",), *, gpu: bool = True, cpu: bool = False
) -> dict[str, Any]:
    """A raw engine capability."""
    return {"name": name, "servingModes": list(modes), "gpuSupport": gpu, "cpuSupport": cpu}


def ipc(name: str, *engines: dict[str, Any]) -> InferenceProviderConfig:
    """An InferenceProviderConfig declaring ``engines``."""
    return InferenceProviderConfig.model_validate(
        {"metadata": {"name": name}, "spec": {"capabilities": {"engines": list(engines)}}}
    )


DYNAMO = ipc(
    "dynamo",
    engine_cap("vllm", ("aggregated", "disaggregated")),
    engine_cap("sglang", ("aggregated", "disaggregated")),
    engine_cap("trtllm", ("aggregated",)),
)
KAITO = ipc(
    "kaito",
    engine_cap("vllm", ("aggregated",)),
    engine_cap("llamacpp", ("aggregated",), cpu=True),
)
NO_CAPABILITIES = InferenceProviderConfig.model_validate({"metadata": {"name": "bare"}})


def lookup_of(*configs: InferenceProviderConfig) -> ProviderLookup:
    """A lookup that finds exactly ``configs`` (by name)."""
    by_name = {c.metadata.name: c for c in configs}

    def lookup(name: str, /) -> ProviderLookupResult:
        config = by_name.get(name)
        return (
            ProviderLookupResult.found(config)
            if config is not None
            else ProviderLookupResult.not_found()
        )

    return lookup


@dataclass(frozen=True)
class RuleCase:
    """A raw object that breaks exactly one rule, and the error it must get."""

    id: str
    raw: dict[str, Any]
    expected: FieldError
    with_lookup: bool = False


def expect_invalid(path: str, value: Any, detail: str) -> FieldError:
    """The expected ``Invalid value`` error."""
    return FieldError(path, ErrorType.INVALID, detail, value)


def expect_required(path: str, detail: str) -> FieldError:
    """The expected ``Required value`` error."""
    return FieldError(path, ErrorType.REQUIRED, detail)


def expect_forbidden(path: str, detail: str) -> FieldError:
    """The expected ``Forbidden`` error."""
    return FieldError(path, ErrorType.FORBIDDEN, detail)
