"""Admission warnings (spec §2.6): settings that are accepted but probably not what was meant.

Why this shape: warnings never deny a request, so they are plain strings, kept apart from the
error rules and produced in the spec's order (after any V9 warning, which ``provider`` returns).
"""

from __future__ import annotations

from typing import Final

from airunway.api import EngineType, ModelDeploymentSpec, ModelSource, VolumePurpose
from airunway.controller.admission.field_errors import go_quote

WARN_SERVED_NAME_IGNORED: Final = (
    "servedName is ignored for custom source (model name is defined by the container)"
)
WARN_TRUST_REMOTE_CODE: Final = (
    "trustRemoteCode=true allows execution of arbitrary code from HuggingFace"
)
WARN_TRTLLM_CONTEXT_LENGTH: Final = (
    "contextLength is ignored for TensorRT-LLM (must be configured at engine build time)"
)


def compilation_cache_read_only_warning(name: str) -> str:
    """Return the warning for a read-only compilation cache volume."""
    return (
        f"storage volume {go_quote(name)} has purpose=compilationCache with readOnly=true; "
        "compilation cache requires write access"
    )


def model_cache_read_only_warning(name: str) -> str:
    """Return the warning for a read-only model cache volume of a Hugging Face model."""
    return (
        f"storage volume {go_quote(name)} has purpose=modelCache with readOnly=true; model "
        "download will be skipped (ensure the PVC already contains the model data)"
    )


def spec_warnings(spec: ModelDeploymentSpec) -> list[str]:
    """Return the §2.6 warnings of ``spec``, in order."""
    warnings: list[str] = []
    if spec.model.source == ModelSource.CUSTOM and spec.model.served_name:
        warnings.append(WARN_SERVED_NAME_IGNORED)
    engine = spec.engine
    if engine is not None and engine.trust_remote_code:
        warnings.append(WARN_TRUST_REMOTE_CODE)
    if (
        engine is not None
        and engine.type == EngineType.TRTLLM
        and engine.context_length is not None
    ):
        warnings.append(WARN_TRTLLM_CONTEXT_LENGTH)
    volumes = spec.model.storage.volumes if spec.model.storage is not None else None
    volumes = volumes or []
    warnings += [
        compilation_cache_read_only_warning(v.name)
        for v in volumes
        if v.purpose == VolumePurpose.COMPILATION_CACHE and v.read_only
    ]
    if spec.model.source == ModelSource.HUGGINGFACE:
        warnings += [
            model_cache_read_only_warning(v.name)
            for v in volumes
            if v.purpose == VolumePurpose.MODEL_CACHE and v.read_only
        ]
    return warnings
