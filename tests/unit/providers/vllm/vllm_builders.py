"""ModelDeployments as the core controller hands them to the Direct vLLM provider."""

from __future__ import annotations

from typing import Any

from airunway.api import ModelDeployment

UID = "6f1c2d3e-0000-4000-8000-00000000abcd"
SELECTED = {
    "provider": {"name": "vllm", "selectedReason": "explicit provider selection"},
    "engine": {"type": "vllm", "selectedReason": "explicit engine selection"},
}


def vllm_md(
    name: str = "qwen",
    *,
    annotations: dict[str, str] | None = None,
    status: dict[str, Any] | None = None,
    **spec: Any,
) -> ModelDeployment:
    """A 1-GPU vllm ModelDeployment; keyword arguments replace top-level spec fields."""
    body: dict[str, Any] = {
        "provider": {"name": "vllm"},
        "model": {"id": "Qwen/Qwen3-0.6B"},
        "engine": {"type": "vllm"},
        "resources": {"gpu": {"count": 1}},
    } | spec
    metadata: dict[str, Any] = {"name": name, "namespace": "default", "uid": UID}
    if annotations is not None:
        metadata["annotations"] = annotations
    return ModelDeployment.model_validate(
        {"metadata": metadata, "spec": body, "status": SELECTED | (status or {})}
    )


def engine(**fields: Any) -> dict[str, Any]:
    """``spec.engine`` of type vllm with ``fields``."""
    return {"type": "vllm"} | fields
