"""Builders for the core-controller tests: raw ModelDeployments, a fleet and a status round trip.

``decide`` takes the object as read from the API server and returns the core-owned projection
of its status, which the reconciler applies server-side.  ``round_trip`` simulates that apply:
the projection replaces what the core owns and every provider-written field (replicas, endpoint,
gateway, ``status.provider.resourceName``/``resourceKind``, provider conditions) is kept, so a
second ``decide`` sees what the next watch event would carry.
"""

from __future__ import annotations

import copy
import datetime as dt
from typing import Any, Final

from airunway.api import InferenceProviderConfig
from airunway.controller.decide import CORE_CONDITIONS, Outcome, decide
from airunway.controller.gateway.result import GatewayResult
from tests.unit.controller.selection.builders import shipped

NOW: Final = dt.datetime(2025, 3, 1, 12, 0, 0, tzinfo=dt.UTC)
LATER: Final = NOW + dt.timedelta(minutes=5)
NOW_TEXT: Final = "2025-03-01T12:00:00Z"
LATER_TEXT: Final = "2025-03-01T12:05:00Z"
MODEL_ID: Final = "Qwen/Qwen3-0.6B"
NAME: Final = "qwen"
NAMESPACE: Final = "team-a"

#: The five shipped provider configs, in API-server list order (by name).
FLEET: Final[list[InferenceProviderConfig]] = shipped("dynamo", "kaito", "kuberay", "llmd", "vllm")

#: Top-level status fields the core writes; everything else in ``status`` is a provider's.
CORE_KEYS: Final = frozenset(
    {"observedGeneration", "phase", "message", "provider", "engine", "image", "conditions"}
)

#: A status as a provider would have written it next to the core's fields.
PROVIDER_FIELDS: Final[dict[str, Any]] = {
    "replicas": {"desired": 2, "ready": 1, "available": 1},
    "endpoint": {"service": "qwen", "port": 8000},
    "gateway": {"endpoint": "10.0.0.1", "modelName": MODEL_ID},
}
READY_CONDITION: Final[dict[str, Any]] = {
    "type": "Ready",
    "status": "False",
    "lastTransitionTime": "2025-02-01T00:00:00Z",
    "reason": "Deploying",
    "message": "1/2 replicas ready",
}


def raw_md(
    *,
    generation: int = 1,
    status: dict[str, Any] | None = None,
    annotations: dict[str, str] | None = None,
    **spec: Any,
) -> dict[str, Any]:
    """A raw ModelDeployment as read; ``spec`` entries replace ``model`` or add fields."""
    metadata: dict[str, Any] = {
        "name": NAME,
        "namespace": NAMESPACE,
        "uid": "0b8c3e1e-0000-4000-8000-000000000001",
        "resourceVersion": "42",
        "generation": generation,
        "creationTimestamp": "2025-02-28T12:00:00Z",
    }
    if annotations is not None:
        metadata["annotations"] = annotations
    obj: dict[str, Any] = {
        "apiVersion": "airunway.ai/v1alpha1",
        "kind": "ModelDeployment",
        "metadata": metadata,
        "spec": {"model": {"id": MODEL_ID}, **copy.deepcopy(spec)},
    }
    if status is not None:
        obj["status"] = copy.deepcopy(status)
    return obj


def gpu_spec(count: int, *, engine: str | None = None) -> dict[str, Any]:
    """Spec entries for an aggregated deployment on ``count`` GPUs (and an explicit engine)."""
    spec: dict[str, Any] = {"resources": {"gpu": {"count": count}}}
    if engine is not None:
        spec["engine"] = {"type": engine}
    return spec


def run(
    raw: dict[str, Any],
    configs: list[InferenceProviderConfig] | None = None,
    *,
    enable_selector: bool = True,
    now: dt.datetime = NOW,
    gateway: GatewayResult | None = None,
) -> Outcome:
    """``decide`` with the shipped fleet, the selector on and the clock at ``NOW`` by default."""
    return decide(
        copy.deepcopy(raw),
        FLEET if configs is None else configs,
        enable_selector=enable_selector,
        now=now,
        gateway=gateway,
    )


def _merge_conditions(old: list[dict[str, Any]], new: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The core's conditions replace theirs; other writers' conditions stay (list map by type)."""
    kept = [c for c in old if c.get("type") not in CORE_CONDITIONS]
    return kept + copy.deepcopy(new)


def applied_status(old: dict[str, Any] | None, projection: dict[str, Any]) -> dict[str, Any]:
    """The status after a server-side apply of ``projection`` by the core's field manager."""
    old = copy.deepcopy(old or {})
    status: dict[str, Any] = {k: v for k, v in old.items() if k not in CORE_KEYS}
    status.update(copy.deepcopy(projection))
    old_provider = old.get("provider") or {}
    provider_owned = {
        k: v for k, v in old_provider.items() if k in {"resourceName", "resourceKind"}
    }
    if provider_owned:
        status["provider"] = {**provider_owned, **status.get("provider", {})}
    conditions = _merge_conditions(old.get("conditions") or [], projection.get("conditions") or [])
    if conditions:
        status["conditions"] = conditions
    return status


def round_trip(raw: dict[str, Any], outcome: Outcome) -> dict[str, Any]:
    """``raw`` as the next read returns it after the reconciler applied ``outcome``."""
    out = copy.deepcopy(raw)
    if outcome.status_changed:
        out["status"] = applied_status(raw.get("status"), outcome.status)
    return out


def bump(raw: dict[str, Any], **spec: Any) -> dict[str, Any]:
    """``raw`` after a spec edit: ``spec`` entries replaced and the generation incremented."""
    out = copy.deepcopy(raw)
    out["metadata"]["generation"] += 1
    out["spec"].update(copy.deepcopy(spec))
    return out


def condition(status: dict[str, Any], condition_type: str) -> dict[str, Any] | None:
    """The condition of ``condition_type`` in a raw status, or None."""
    return next((c for c in status.get("conditions") or [] if c["type"] == condition_type), None)


def condition_types(status: dict[str, Any]) -> list[str]:
    """The types of the conditions of a raw status, in order."""
    return [c["type"] for c in status.get("conditions") or []]


def brief(status: dict[str, Any], condition_type: str) -> tuple[str, str, str] | None:
    """``(status, reason, message)`` of a condition, or None when it is absent."""
    found = condition(status, condition_type)
    if found is None:
        return None
    return found["status"], found["reason"], found["message"]
