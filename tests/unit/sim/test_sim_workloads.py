"""Helpers shared by the simulators: nodes, pods, owners, conditions, settings, the CLI."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pytest
from typer.testing import CliRunner

from airunway.cli.sim import app
from airunway.sim.settings import SimSettings
from airunway.sim.workloads import (
    controller_of,
    controller_ref,
    labels_match,
    node_ready,
    placeholder_deployment,
    unschedulable_message,
    with_condition,
)


def pod(name: str, *conditions: dict[str, str]) -> dict[str, Any]:
    return {"metadata": {"name": name}, "status": {"conditions": list(conditions)}}


UNSCHEDULABLE = {"type": "PodScheduled", "status": "False", "reason": "Unschedulable"}


def test_unschedulable_message_comes_from_the_first_pending_pod() -> None:
    pods = [
        pod("ws-1", UNSCHEDULABLE | {"message": "second"}),
        pod("ws-0", UNSCHEDULABLE | {"message": "first"}),
        pod("ws-2", {"type": "PodScheduled", "status": "True"}),
    ]
    assert unschedulable_message(pods) == "first"
    assert unschedulable_message(pods[2:]) is None
    assert unschedulable_message([pod("ws-3", UNSCHEDULABLE)]) == "the pod cannot be scheduled"
    assert unschedulable_message([{"metadata": {"name": "p"}}]) is None


def test_labels_match_a_match_labels_selector() -> None:
    labels = {"nvidia.com/gpu.present": "true", "kubernetes.io/os": "linux"}
    assert labels_match(labels, {})
    assert labels_match(labels, {"kubernetes.io/os": "linux"})
    assert not labels_match(labels, {"kubernetes.io/os": "windows"})
    assert not labels_match(None, {"type": "kwok"})


def test_node_ready() -> None:
    ready = {"metadata": {}, "status": {"conditions": [{"type": "Ready", "status": "True"}]}}
    assert node_ready(ready)
    assert not node_ready({"metadata": {}, "status": {}})
    assert not node_ready(ready | {"metadata": {"deletionTimestamp": "2026-01-01T00:00:00Z"}})


def test_owner_references() -> None:
    owner = {
        "apiVersion": "kaito.sh/v1beta1",
        "kind": "Workspace",
        "metadata": {"name": "ws", "uid": "u"},
    }
    ref = controller_ref(owner)
    assert ref["controller"] is True
    owned = {"metadata": {"ownerReferences": [ref]}}
    assert controller_of(owned, "kaito.sh/v1beta1", "Workspace") == "ws"
    assert controller_of(owned, "apps/v1", "Deployment") is None
    assert controller_of({"metadata": {}}, "kaito.sh/v1beta1", "Workspace") is None
    not_controller = {"metadata": {"ownerReferences": [ref | {"controller": False}]}}
    assert controller_of(not_controller, "kaito.sh/v1beta1", "Workspace") is None


def test_placeholder_deployment_runs_one_replica_on_a_kwok_node() -> None:
    labels = {"app.kubernetes.io/name": "workspace"}
    deployment = placeholder_deployment("kaito-workspace", "kaito-workspace", labels, "kaito")
    assert deployment["metadata"]["labels"] == labels
    spec = deployment["spec"]
    assert spec["replicas"] == 1
    assert spec["selector"] == {"matchLabels": labels}
    assert spec["template"]["metadata"]["labels"] == labels
    assert spec["template"]["spec"]["nodeSelector"] == {"type": "kwok"}


def test_with_condition_keeps_the_transition_time_unless_the_status_flips() -> None:
    t0 = datetime(2026, 1, 1, tzinfo=UTC)
    t1 = datetime(2026, 1, 2, tzinfo=UTC)
    first = with_condition(
        [], "Ready", status=False, reason="Waiting", message="a", generation=1, now=t0
    )
    same = with_condition(
        first, "Ready", status=False, reason="StillWaiting", message="b", generation=2, now=t1
    )
    assert same == [
        {
            "type": "Ready",
            "status": "False",
            "observedGeneration": 2,
            "lastTransitionTime": "2026-01-01T00:00:00Z",
            "reason": "StillWaiting",
            "message": "b",
        }
    ]
    flipped = with_condition(
        same, "Ready", status=True, reason="Done", message="", generation=2, now=t1
    )
    assert flipped[0]["lastTransitionTime"] == "2026-01-02T00:00:00Z"


def test_settings_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("AIRUNWAY_SIM_READY_DELAY", "0.5")
    monkeypatch.setenv("AIRUNWAY_SIM_NAMESPACE", "t-1")
    settings = SimSettings()
    assert settings.ready_delay == 0.5
    assert settings.namespace == "t-1"
    assert settings.field_manager == "airunway-sim-kaito"
    assert SimSettings(ready_delay=0).ready_delay == 0


def test_cli_rejects_a_negative_ready_delay() -> None:
    result = CliRunner().invoke(app, ["kaito", "run", "--ready-delay", "-1"])
    assert result.exit_code == 2
    assert "invalid simulator settings" in result.output


def test_cli_lists_the_kaito_simulator() -> None:
    result = CliRunner().invoke(app, ["--help"])
    assert result.exit_code == 0
    assert "kaito" in result.output
