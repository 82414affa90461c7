"""The status the simulated KAITO operator writes, checked against the real Workspace CRD."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import jsonschema
import pytest
import yaml

from airunway.devcluster.settings import DevClusterSettings
from airunway.providers.kaito.status import translate
from airunway.sim.kaito_status import (
    Observed,
    compute_status,
    failure_of,
    status_changed,
    workload_ready,
)

T0 = datetime(2026, 1, 1, tzinfo=UTC)
T1 = T0 + timedelta(minutes=1)
NODES = [("gpu-h100-0", True), ("cpu-0", True), ("gpu-a100-0", False)]
SCHEDULER = (
    "0/4 nodes are available: 1 node(s) didn't match Pod's node affinity/selector, "
    "3 Insufficient nvidia.com/gpu. preemption: 0/4 nodes are available: "
    "1 Preemption is not helpful for scheduling, 3 No preemption victims found for incoming pod."
)


def status_schema() -> dict[str, Any]:
    path = DevClusterSettings().upstream_crds / "kaito" / "workspaces.kaito.sh.yaml"
    crd = yaml.safe_load(path.read_text())
    (version,) = [v for v in crd["spec"]["versions"] if v["name"] == "v1beta1"]
    schema: dict[str, Any] = version["schema"]["openAPIV3Schema"]["properties"]["status"]
    return schema


SCHEMA = status_schema()


def observe(**changes: Any) -> Observed:
    fields: dict[str, Any] = {
        "generation": 2,
        "previous": {},
        "target_node_count": 1,
        "nodes": NODES,
        "workload_replicas": 1,
        "workload_ready": 0,
    }
    return Observed(**(fields | changes))


def conditions(status: dict[str, Any]) -> dict[str, tuple[str, str, str]]:
    return {c["type"]: (c["status"], c["reason"], c["message"]) for c in status["conditions"]}


def check(status: dict[str, Any]) -> None:
    jsonschema.validate(status, SCHEMA, format_checker=jsonschema.FormatChecker())
    for condition in status["conditions"]:
        assert condition["observedGeneration"] == 2


def test_new_workspace_is_pending_while_the_pods_start() -> None:
    status = compute_status(observe(), T0)
    check(status)
    assert status["state"] == "Pending"
    assert status["workerNodes"] == ["cpu-0", "gpu-a100-0", "gpu-h100-0"]
    assert status["targetNodeCount"] == 1
    assert conditions(status) == {
        "NodesReady": ("True", "NodesReady", "Enough Nodes are ready"),
        "ResourceReady": ("True", "workspaceResourceStatusSuccess", "workspace resource is ready"),
        "InferenceReady": (
            "False",
            "WorkspaceInferenceStatusPending",
            "Inference workload is not ready",
        ),
        "WorkspaceSucceeded": (
            "False",
            "workspacePending",
            "workspace is waiting for inference workload readiness",
        ),
    }
    assert [c["type"] for c in status["conditions"]] == [
        "NodesReady",
        "ResourceReady",
        "InferenceReady",
        "WorkspaceSucceeded",
    ]


def test_ready_workload_after_the_model_loaded_makes_the_workspace_ready() -> None:
    pending = compute_status(observe(), T0)
    status = compute_status(observe(previous=pending, workload_ready=1), T1)
    check(status)
    assert status["state"] == "Ready"
    found = conditions(status)
    assert found["InferenceReady"] == (
        "True",
        "WorkspaceInferenceStatusSuccess",
        "Inference has been deployed successfully",
    )
    assert found["WorkspaceSucceeded"] == ("True", "workspaceSucceeded", "workspace succeeds")
    times = {c["type"]: c["lastTransitionTime"] for c in status["conditions"]}
    assert times["ResourceReady"] == "2026-01-01T00:00:00Z"  # unchanged status keeps its time
    assert times["InferenceReady"] == "2026-01-01T00:01:00Z"


def test_ready_pods_still_loading_the_model_are_not_ready() -> None:
    status = compute_status(observe(workload_ready=1, model_loaded=False), T0)
    assert status["state"] == "Pending"
    assert conditions(status)["InferenceReady"][0] == "False"


def test_a_ready_workspace_that_loses_a_pod_is_not_ready() -> None:
    ready = compute_status(observe(workload_ready=1), T0)
    status = compute_status(observe(previous=ready, workload_ready=0), T1)
    check(status)
    assert status["state"] == "NotReady"
    again = compute_status(observe(previous=status, workload_ready=0), T1)
    assert again["state"] == "NotReady"


def test_unschedulable_pod_puts_the_scheduler_reason_in_resource_ready() -> None:
    status = compute_status(observe(unschedulable=SCHEDULER), T0)
    check(status)
    assert status["state"] == "Pending"
    found = conditions(status)
    assert found["ResourceReady"] == (
        "False",
        "NodeNotReady",
        f"Not enough Nodes are ready: {SCHEDULER}",
    )
    assert found["NodesReady"] == found["ResourceReady"]
    assert found["InferenceReady"][0] == "False"


def test_too_few_matching_nodes_is_not_enough_nodes() -> None:
    status = compute_status(observe(nodes=[], workload_replicas=None), T0)
    check(status)
    assert status["workerNodes"] == []
    assert status["state"] == "Pending"
    assert conditions(status)["ResourceReady"] == (
        "False",
        "NodeNotReady",
        "Not enough Nodes are ready",
    )
    two = compute_status(observe(target_node_count=2, workload_replicas=None), T0)
    assert conditions(two)["NodesReady"][0] == "True"
    three = compute_status(observe(target_node_count=3, workload_replicas=None), T0)
    assert conditions(three)["NodesReady"][0] == "False"  # one of the three nodes is not Ready


def test_injected_inference_failure_fails_the_workspace() -> None:
    status = compute_status(observe(workload_ready=1, failure="inference"), T0)
    check(status)
    assert status["state"] == "Failed"
    found = conditions(status)
    assert found["ResourceReady"][0] == "True"
    assert found["InferenceReady"][:2] == ("False", "WorkspaceInferenceStatusFailed")
    assert "model failed to load" in found["InferenceReady"][2]
    assert found["WorkspaceSucceeded"] == ("False", "workspaceFailed", found["InferenceReady"][2])


def test_injected_resource_failure_fails_the_workspace() -> None:
    status = compute_status(observe(workload_replicas=None, failure="resource"), T0)
    check(status)
    assert status["state"] == "Failed"
    found = conditions(status)
    assert found["NodesReady"][0] == "True"
    assert found["ResourceReady"][:2] == ("False", "workspaceResourceStatusNotReady")
    assert found["InferenceReady"][:2] == ("False", "WorkspaceInferenceStatusPending")
    assert found["WorkspaceSucceeded"] == ("False", "workspaceFailed", found["ResourceReady"][2])


def test_removing_the_failure_recovers() -> None:
    failed = compute_status(observe(failure="inference"), T0)
    status = compute_status(observe(previous=failed, workload_ready=1), T1)
    assert status["state"] == "Ready"


def test_reconcile_error_is_appended_to_every_message() -> None:
    status = compute_status(observe(workload_replicas=None, reconcile_error="boom"), T0)
    check(status)
    for _, _, message in conditions(status).values():
        assert message.endswith(" (last reconcile error: boom)")


def test_recomputing_an_unchanged_status_changes_nothing() -> None:
    first = compute_status(observe(workload_ready=1), T0)
    second = compute_status(observe(previous=first, workload_ready=1), T1)
    assert second == first
    assert not status_changed(first, second)
    assert status_changed({}, first)
    assert status_changed(first, compute_status(observe(previous=first), T1))


@pytest.mark.parametrize(
    ("annotations", "failure"),
    [
        (None, None),
        ({}, None),
        ({"sim.airunway.ai/fail": "inference"}, "inference"),
        ({"sim.airunway.ai/fail": " Resource "}, "resource"),
        ({"sim.airunway.ai/fail": "disk"}, None),
    ],
)
def test_failure_annotation(annotations: dict[str, str] | None, failure: str | None) -> None:
    assert failure_of(annotations) == failure


def test_workload_ready_needs_every_replica() -> None:
    assert not workload_ready(observe(workload_replicas=None))
    assert not workload_ready(observe(workload_replicas=2, workload_ready=1))
    assert workload_ready(observe(workload_replicas=2, workload_ready=2))


@pytest.mark.parametrize(
    ("changes", "phase"),
    [
        ({}, "Pending"),
        ({"workload_ready": 1}, "Running"),
        ({"workload_ready": 1, "failure": "inference"}, "Failed"),
        ({"unschedulable": SCHEDULER}, "Pending"),
    ],
)
def test_the_ai_runway_kaito_provider_reads_what_the_simulator_writes(
    changes: dict[str, Any], phase: str
) -> None:
    workspace = {
        "metadata": {"name": "ws"},
        "resource": {"count": 1},
        "status": compute_status(observe(**changes), T0),
    }
    assert translate(workspace).phase == phase
