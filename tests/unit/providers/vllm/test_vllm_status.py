"""Direct vLLM status translation (spec §4.3 via §5.3): Deployment conditions to a phase."""

from __future__ import annotations

from typing import Any

import pytest

from airunway.providers.sdk.status import Phase, Replicas, synced_fields
from airunway.providers.vllm import MESSAGES, translate

TIMED_OUT = "deployment timed out waiting for rollout"


def _deployment(*conditions: dict[str, Any], **status: Any) -> dict[str, Any]:
    body: dict[str, Any] = dict(status)
    if conditions:
        body["conditions"] = list(conditions)
    return {
        "apiVersion": "apps/v1",
        "kind": "Deployment",
        "metadata": {"name": "qwen"},
        "spec": {"replicas": 2},
        "status": body,
    }


def _cond(kind: str, status: str, reason: str = "", message: str = "") -> dict[str, Any]:
    return {"type": kind, "status": status, "reason": reason, "message": message}


AVAILABLE = _cond("Available", "True", "MinimumReplicasAvailable", "ok")
UNAVAILABLE = _cond("Available", "False", "MinimumReplicasUnavailable", "not enough pods")
PROGRESSING = _cond("Progressing", "True", "ReplicaSetUpdated", "rolling")
DEADLINE = _cond("Progressing", "False", "ProgressDeadlineExceeded", "rs has timed out")


@pytest.mark.parametrize(
    ("conditions", "phase", "message"),
    [
        ((), Phase.PENDING, ""),
        ((AVAILABLE,), Phase.RUNNING, ""),
        ((AVAILABLE, DEADLINE), Phase.RUNNING, ""),
        ((DEADLINE,), Phase.FAILED, "rs has timed out"),
        ((DEADLINE | {"message": ""}, AVAILABLE | {"status": "False"}), Phase.FAILED, TIMED_OUT),
        ((DEADLINE | {"reason": "Other"},), Phase.PENDING, ""),
        ((DEADLINE | {"reason": "Other"}, UNAVAILABLE), Phase.FAILED, "not enough pods"),
        ((PROGRESSING, UNAVAILABLE), Phase.DEPLOYING, ""),
        ((PROGRESSING,), Phase.DEPLOYING, ""),
        ((UNAVAILABLE,), Phase.FAILED, "not enough pods"),
        ((UNAVAILABLE | {"message": ""},), Phase.PENDING, ""),
        ((_cond("Available", "Unknown"), _cond("Progressing", "Unknown")), Phase.PENDING, ""),
        ((_cond("ReplicaFailure", "True", "FailedCreate", "quota"),), Phase.PENDING, ""),
    ],
)
def test_phase_table(conditions: tuple[dict[str, Any], ...], phase: Phase, message: str) -> None:
    state = translate(_deployment(*conditions))
    assert (state.phase, state.message) == (phase, message)


def test_replicas_and_endpoint_are_always_reported() -> None:
    state = translate(_deployment(readyReplicas=1, availableReplicas=1))
    assert state.replicas == Replicas(desired=2, ready=1, available=1)
    assert state.endpoint == ("qwen", 8000)
    bare = translate({"metadata": {"name": "qwen-decode"}})
    assert (bare.phase, bare.replicas, bare.endpoint) == (
        Phase.PENDING,
        Replicas(),
        ("qwen-decode", 8000),
    )


@pytest.mark.parametrize(
    "status",
    [
        {"conditions": "not a list"},
        {"conditions": ["text", {"status": "True"}, {"type": "", "status": "True"}]},
        {"conditions": [{"type": "Available", "status": True}]},
        "not a map",
    ],
)
def test_malformed_status_is_pending(status: Any) -> None:
    obj = _deployment()
    obj["status"] = status
    assert translate(obj).phase is Phase.PENDING


def test_non_integer_replica_counts_count_as_zero() -> None:
    obj = _deployment(readyReplicas="1", availableReplicas=True)
    assert translate(obj).replicas == Replicas(desired=2, ready=0, available=0)


def test_the_sdk_turns_the_state_into_provider_messages() -> None:
    running = synced_fields(translate(_deployment(AVAILABLE)), MESSAGES.running, MESSAGES.waiting)
    assert running["message"] == "Deployments created, pods are ready"
    assert running["endpoint"] == {"service": "qwen", "port": 8000}
    waiting = synced_fields(translate(_deployment(PROGRESSING)), MESSAGES.running, MESSAGES.waiting)
    assert (waiting["phase"], waiting["message"]) == (
        "Deploying",
        "Deployments created, waiting for pods to be ready",
    )
