"""Workspace -> ModelDeployment status (§1.3) and the upstream controller probe verdicts (§1.6)."""

from __future__ import annotations

from typing import Any

import pytest

from airunway.providers.kaito import probe_result, translate
from airunway.providers.kaito.status import (
    CONTROLLER_SELECTOR,
    MESSAGE_CONTROLLER_MISSING,
    UNREGISTERED,
    ProbeResult,
    crd_check_failed,
    list_failed,
)
from airunway.providers.sdk.status import Phase, Replicas, UpstreamState


def _ws(
    *, state: Any = None, conditions: list[Any] | None = None, count: Any = 2
) -> dict[str, Any]:
    status: dict[str, Any] = {}
    if state is not None:
        status["state"] = state
    if conditions is not None:
        status["conditions"] = conditions
    obj: dict[str, Any] = {
        "apiVersion": "kaito.sh/v1beta1",
        "kind": "Workspace",
        "metadata": {"name": "ws", "namespace": "ns"},
        "resource": {"count": count, "labelSelector": {"matchLabels": {}}},
        "inference": {"preset": {"name": "x"}},
    }
    if status:
        obj["status"] = status
    return obj


def _cond(ctype: str, status: str, message: str = "") -> dict[str, str]:
    return {"type": ctype, "status": status, "reason": "R", "message": message}


READY = Replicas(2, 2, 2)
NOT_READY = Replicas(2, 0, 0)


@pytest.mark.parametrize(
    ("state", "phase", "message", "replicas"),
    [
        ("Ready", Phase.RUNNING, "", READY),
        ("Succeeded", Phase.RUNNING, "", READY),
        ("NotReady", Phase.DEPLOYING, "", NOT_READY),
        ("Running", Phase.DEPLOYING, "fine-tuning in progress", NOT_READY),
        ("Failed", Phase.FAILED, "", NOT_READY),
        ("Pending", Phase.PENDING, "", NOT_READY),
        ("Exploded", Phase.PENDING, "unknown state: Exploded", NOT_READY),
    ],
)
def test_state_table(state: str, phase: Phase, message: str, replicas: Replicas) -> None:
    assert translate(_ws(state=state)) == UpstreamState(phase, message, replicas, ("ws", 80))


def test_state_wins_over_conditions() -> None:
    ws = _ws(state="NotReady", conditions=[_cond("WorkspaceSucceeded", "False", "boom")])
    assert translate(ws) == UpstreamState(Phase.DEPLOYING, "", NOT_READY, ("ws", 80))


def test_ready_condition_makes_replicas_ready_under_any_state() -> None:
    ws = _ws(state="NotReady", conditions=[_cond("WorkspaceSucceeded", "True")])
    assert translate(ws).replicas == READY


@pytest.mark.parametrize(
    ("conditions", "phase", "message", "replicas"),
    [
        ([_cond("WorkspaceSucceeded", "True")], Phase.RUNNING, "", READY),
        ([_cond("WorkspaceSucceeded", "False", "no nodes")], Phase.FAILED, "no nodes", NOT_READY),
        ([_cond("WorkspaceSucceeded", "Unknown")], Phase.PENDING, "", NOT_READY),
        ([_cond("ResourceReady", "True")], Phase.DEPLOYING, "", NOT_READY),
        (
            [_cond("ResourceReady", "True"), _cond("InferenceReady", "False")],
            Phase.DEPLOYING,
            "",
            NOT_READY,
        ),
        (
            [_cond("ResourceReady", "True"), _cond("InferenceReady", "True")],
            Phase.PENDING,
            "",
            NOT_READY,
        ),
        ([_cond("ResourceReady", "False")], Phase.PENDING, "", NOT_READY),
        ([_cond("InferenceReady", "True")], Phase.PENDING, "", NOT_READY),
        (
            [_cond("WorkspaceSucceeded", "True"), _cond("ResourceReady", "False")],
            Phase.RUNNING,
            "",
            READY,
        ),
        # the last condition of a type wins; malformed entries are skipped
        (
            [_cond("WorkspaceSucceeded", "False", "old"), _cond("WorkspaceSucceeded", "True")],
            Phase.RUNNING,
            "",
            READY,
        ),
        (
            ["junk", {"status": "True"}, {"type": "", "status": "True"}],
            Phase.PENDING,
            "",
            NOT_READY,
        ),
    ],
)
def test_condition_fallback(
    conditions: list[Any], phase: Phase, message: str, replicas: Replicas
) -> None:
    assert translate(_ws(conditions=conditions)) == UpstreamState(
        phase, message, replicas, ("ws", 80)
    )


@pytest.mark.parametrize(
    "ws",
    [
        _ws(),
        _ws(state=""),
        _ws(conditions=[]),
        _ws(state="", conditions=[]),
        _ws(state=3),
        {"metadata": {"name": "ws"}, "status": None},
    ],
)
def test_no_state_no_conditions_is_pending_without_replicas_or_endpoint(
    ws: dict[str, Any],
) -> None:
    assert translate(ws) == UpstreamState(Phase.PENDING)


@pytest.mark.parametrize(("count", "desired"), [(None, 0), ("3", 0), (True, 0), (5, 5)])
def test_desired_from_top_level_resource_count(count: Any, desired: int) -> None:
    ws = _ws(state="Ready", count=count)
    if count is None:
        del ws["resource"]["count"]
    assert translate(ws).replicas == Replicas(desired, desired, desired)


def test_desired_without_resource() -> None:
    ws = _ws(state="Ready")
    del ws["resource"]
    assert translate(ws).replicas == Replicas(0, 0, 0)


# --- probe ------------------------------------------------------------------------------------


def _deployment(name: str, ready: Any, namespace: str = "kaito-workspace") -> dict[str, Any]:
    status = {} if ready is None else {"readyReplicas": ready}
    return {"metadata": {"name": name, "namespace": namespace}, "status": status}


def test_probe_crd_missing() -> None:
    result = probe_result(crd_present=False, deployments=[_deployment("w", 1)])
    assert result == ProbeResult(
        ready=False, reason="CRDMissing", message="KAITO Workspace CRD not found. Install KAITO."
    )


def test_probe_controller_missing() -> None:
    result = probe_result(crd_present=True, deployments=[])
    assert result == ProbeResult(False, "UpstreamControllerMissing", MESSAGE_CONTROLLER_MISSING)  # noqa: FBT003
    assert MESSAGE_CONTROLLER_MISSING == (
        "The KAITO workspace controller is not running. Install it with `helm install "
        "kaito-workspace kaito/workspace` (check the kaito-workspace namespace), or via the AKS AI "
        "toolchain operator add-on `az aks update --enable-ai-toolchain-operator ...` (check the "
        "kube-system namespace)."
    )


def test_probe_prefers_a_ready_deployment() -> None:
    deployments = [
        _deployment("workspace", 0),
        _deployment("ai-toolchain-operator", 1, namespace="kube-system"),
    ]
    assert probe_result(crd_present=True, deployments=deployments) == ProbeResult(
        ready=True,
        reason="UpstreamHealthy",
        message="KAITO workspace controller kube-system/ai-toolchain-operator is ready",
    )


@pytest.mark.parametrize("ready", [None, 0, "1", True])
def test_probe_not_ready_reports_the_first(ready: Any) -> None:
    deployments = [_deployment("workspace", ready), _deployment("other", None, namespace="x")]
    result = probe_result(crd_present=True, deployments=deployments)
    assert result == ProbeResult(
        ready=False,
        reason="UpstreamControllerNotReady",
        message="The KAITO workspace controller Deployment kaito-workspace/workspace exists but "
        "has no ready replicas.",
    )
    assert result.condition_status == "False"


def test_probe_failures_and_unregistered() -> None:
    assert crd_check_failed("timeout") == ProbeResult(
        ready=False, reason="ProbeFailed", message="check workspace crd: timeout"
    )
    assert list_failed(RuntimeError("forbidden")) == ProbeResult(
        ready=False, reason="ProbeFailed", message="list deployments: forbidden"
    )
    assert (
        ProbeResult(ready=False, reason="Unregistered", message="Shim is shutting down.")
        == UNREGISTERED
    )
    assert ProbeResult(ready=True, reason="UpstreamHealthy", message="").condition_status == "True"


def test_controller_selector() -> None:
    assert CONTROLLER_SELECTOR == "app.kubernetes.io/name in (workspace,ai-toolchain-operator)"
