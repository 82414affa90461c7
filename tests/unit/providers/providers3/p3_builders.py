"""ModelDeployments as the core controller hands them to the Dynamo, KubeRay and llm-d providers."""

from __future__ import annotations

from typing import Any

from airunway.api import ModelDeployment

UID = "6f1c2d3e-0000-4000-8000-00000000beef"


def provider_md(
    provider: str,
    *,
    engine: str = "vllm",
    annotations: dict[str, str] | None = None,
    overrides: dict[str, Any] | None = None,
    **spec: Any,
) -> ModelDeployment:
    """A 1-GPU ModelDeployment selected for ``provider``; keyword arguments replace spec fields."""
    selected: dict[str, Any] = {"name": provider}
    if overrides is not None:
        selected["overrides"] = overrides
    body: dict[str, Any] = {
        "provider": selected,
        "model": {"id": "Qwen/Qwen3-0.6B"},
        "engine": {"type": engine},
        "resources": {"gpu": {"count": 1}},
    } | spec
    metadata: dict[str, Any] = {"name": "qwen", "namespace": "default", "uid": UID}
    if annotations is not None:
        metadata["annotations"] = annotations
    status = {
        "provider": {"name": provider, "selectedReason": "explicit provider selection"},
        "engine": {"type": engine, "selectedReason": "explicit engine selection"},
    }
    return ModelDeployment.model_validate({"metadata": metadata, "spec": body, "status": status})


def disaggregated(prefill_gpus: int = 1, decode_gpus: int = 1) -> dict[str, Any]:
    """Spec fields of a disaggregated ModelDeployment (no aggregated resources)."""
    return {
        "serving": {"mode": "disaggregated"},
        "resources": None,
        "scaling": {
            "prefill": {"replicas": 1, "gpu": {"count": prefill_gpus}},
            "decode": {"replicas": 1, "gpu": {"count": decode_gpus}},
        },
    }
