"""Builders for the KAITO tests: ModelDeployments as the core controller hands them over."""

from __future__ import annotations

from typing import Any, Final

from airunway.api import ModelDeployment

UID: Final = "11111111-2222-4333-8444-555555555555"


def md(
    *,
    name: str = "m",
    engine_type: str | None = "vllm",
    status_engine: str | None = None,
    **spec: Any,
) -> ModelDeployment:
    """A ModelDeployment served by KAITO; ``spec`` entries replace or add spec fields.

    ``engine_type`` is ``spec.engine.type`` (unless ``spec`` has an ``engine``); ``status.engine``
    is ``status_engine``, else the spec's engine type, as the core controller records it.
    """
    body_spec: dict[str, Any] = {"model": {"id": "Qwen/Qwen3-0.6B"}}
    if engine_type is not None:
        body_spec["engine"] = {"type": engine_type}
    body_spec.update(spec)
    status: dict[str, Any] = {"provider": {"name": "kaito"}}
    resolved = status_engine or (body_spec.get("engine") or {}).get("type")
    if resolved is not None:
        status["engine"] = {"type": resolved}
    return ModelDeployment.model_validate(
        {
            "metadata": {"name": name, "namespace": "ns", "uid": UID},
            "spec": body_spec,
            "status": status,
        }
    )


def llamacpp(**spec: Any) -> ModelDeployment:
    """A llama.cpp ModelDeployment with the legacy image set (as the compatibility check wants)."""
    return md(engine_type="llamacpp", **{"image": "ghcr.io/x/llama:1", **spec})
