"""Builders for selection tests: ModelDeployments from spec dicts and the five shipped providers.

The shipped InferenceProviderConfigs are transcribed from shared/spec/providers.md (§1.1 KAITO,
§2.1 Dynamo, §3.1 KubeRay, §4.1 llm-d, §5.1 Direct vLLM): capabilities and selection rules only,
because nothing else takes part in selection.
"""

from __future__ import annotations

import importlib
from typing import Any, Final

from airunway.api import InferenceProviderConfig, ModelDeployment, ModelDeploymentStatus
from airunway.controller.selection import EngineDecision

AGG: Final = ["aggregated"]
BOTH: Final = ["aggregated", "disaggregated"]

SHIPPED_SPECS: Final[dict[str, dict[str, Any]]] = {
    "kaito": {
        "capabilities": {
            "engines": [
                {"name": "vllm", "servingModes": AGG, "gpuSupport": True},
                {"name": "llamacpp", "servingModes": AGG, "gpuSupport": True, "cpuSupport": True},
            ]
        },
        "selectionRules": [
            {
                "condition": "!has(spec.resources.gpu) || spec.resources.gpu.count == 0",
                "priority": 100,
            },
            {"condition": "spec.engine.type == 'llamacpp'", "priority": 100},
        ],
    },
    "dynamo": {
        "capabilities": {
            "engines": [
                {"name": "vllm", "servingModes": BOTH, "gpuSupport": True},
                {"name": "sglang", "servingModes": BOTH, "gpuSupport": True},
                {"name": "trtllm", "servingModes": AGG, "gpuSupport": True},
            ]
        },
        "selectionRules": [
            {"condition": "spec.engine.type == 'trtllm'", "priority": 100},
            {"condition": "spec.engine.type == 'sglang'", "priority": 100},
            {
                "condition": "has(spec.serving) && spec.serving.mode == 'disaggregated'",
                "priority": 90,
            },
            {
                "condition": "has(spec.resources.gpu) && spec.resources.gpu.count > 0 && "
                "spec.engine.type == 'vllm'",
                "priority": 50,
            },
        ],
    },
    "kuberay": {
        "capabilities": {"engines": [{"name": "vllm", "servingModes": BOTH, "gpuSupport": True}]},
        "selectionRules": [
            {
                "condition": "has(spec.resources.gpu) && spec.resources.gpu.count > 1 && "
                "spec.engine.type == 'vllm'",
                "priority": 80,
            }
        ],
    },
    "llmd": {
        "capabilities": {
            "engines": [
                {"name": "vllm", "servingModes": BOTH, "gpuSupport": True, "requiresCRD": False}
            ]
        },
        "selectionRules": [],
    },
    "vllm": {
        "capabilities": {
            "engines": [
                {"name": "vllm", "servingModes": AGG, "gpuSupport": True, "cpuSupport": False}
            ]
        },
    },
}
SHIPPED_RULES: Final = [
    rule["condition"] for spec in SHIPPED_SPECS.values() for rule in spec.get("selectionRules", [])
]


def ipc(
    name: str, spec: dict[str, Any] | None = None, *, ready: bool | None = True
) -> InferenceProviderConfig:
    """An InferenceProviderConfig named ``name`` with ``spec`` and ``status.ready``."""
    body: dict[str, Any] = {"metadata": {"name": name}}
    if spec is not None:
        body["spec"] = spec
    if ready is not None:
        body["status"] = {"ready": ready}
    return InferenceProviderConfig.model_validate(body)


def engines_ipc(
    name: str,
    *engines: dict[str, Any],
    rules: list[dict[str, Any]] | None = None,
    ready: bool = True,
) -> InferenceProviderConfig:
    """An InferenceProviderConfig declaring ``engines`` and ``rules``."""
    spec: dict[str, Any] = {"capabilities": {"engines": list(engines)}}
    if rules is not None:
        spec["selectionRules"] = rules
    return ipc(name, spec, ready=ready)


def registered_spec(name: str) -> dict[str, Any]:
    """``spec`` of the InferenceProviderConfig provider ``name`` registers (its config.py)."""
    module = importlib.import_module(f"airunway.providers.{name}.config")
    spec: dict[str, Any] = module.config("test")["spec"]
    return spec


def shipped(*names: str, ready: bool = True) -> list[InferenceProviderConfig]:
    """The InferenceProviderConfigs the providers ``names`` register, in the order given.

    Built by each provider's own ``config.py``; ``SHIPPED_SPECS`` (the spec's transcription)
    must agree with them on everything selection reads (test_selection_registered_configs.py).
    """
    return [ipc(name, registered_spec(name), ready=ready) for name in names]


def md(
    spec: dict[str, Any] | None = None,
    *,
    status: dict[str, Any] | None = None,
    annotations: dict[str, str] | None = None,
) -> ModelDeployment:
    """A ModelDeployment ``qwen`` whose spec defaults to a bare HuggingFace model."""
    metadata: dict[str, Any] = {"name": "qwen", "namespace": "default", "generation": 3}
    if annotations is not None:
        metadata["annotations"] = annotations
    body: dict[str, Any] = {
        "metadata": metadata,
        "spec": spec if spec is not None else {"model": {"id": "Qwen/Qwen3-0.6B"}},
    }
    if status is not None:
        body["status"] = status
    return ModelDeployment.model_validate(body)


def gpu_md(count: int | None, *, engine: str | None = None, **extra: Any) -> ModelDeployment:
    """An aggregated ModelDeployment with ``count`` GPUs (None: no resources at all)."""
    spec: dict[str, Any] = {"model": {"id": "Qwen/Qwen3-0.6B"}, **extra}
    if count is not None:
        spec["resources"] = {"gpu": {"count": count}}
    if engine is not None:
        spec["engine"] = {"type": engine}
    return md(spec)


def disaggregated_md(*, engine: str | None = None) -> ModelDeployment:
    """A disaggregated ModelDeployment with one GPU per prefill and decode worker."""
    spec: dict[str, Any] = {
        "model": {"id": "Qwen/Qwen3-0.6B"},
        "serving": {"mode": "disaggregated"},
        "scaling": {"prefill": {"gpu": {"count": 1}}, "decode": {"gpu": {"count": 1}}},
    }
    if engine is not None:
        spec["engine"] = {"type": engine}
    return md(spec)


def apply_engine(deployment: ModelDeployment, decision: EngineDecision) -> ModelDeployment:
    """``deployment`` with ``decision.status`` written to ``status.engine`` (as the reconciler)."""
    if decision.status is None:
        return deployment
    status = deployment.status or ModelDeploymentStatus()
    return deployment.model_copy(
        update={"status": status.model_copy(update={"engine": decision.status})}
    )
