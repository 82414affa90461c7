"""The Workspace status the simulated KAITO workspace controller writes: a pure computation.

THIS IS A SIMULATOR, NOT KAITO.  The status follows KAITO v0.10's inference path with node
auto-provisioning disabled (bring-your-own nodes, the only mode without a node provisioner):

* ``NodesReady`` / ``ResourceReady``: enough Ready nodes match ``resource.labelSelector``
  (at least ``targetNodeCount``).  ResourceReady repeats NodesReady, as KAITO does without
  NodeClaims.  Simulator addition: while an inference pod is unschedulable both are False with
  reason ``NodeNotReady`` and the scheduler's ``FailedScheduling`` text in the message.
* ``InferenceReady``: the StatefulSet has all its replicas Ready (and, in the simulator, they
  have been Ready for the readiness delay that stands in for model loading).
* ``WorkspaceSucceeded``: True exactly when inference is ready.
* ``state``: ``Ready``; otherwise ``NotReady`` once the workspace had been ready (or not ready)
  before, else ``Pending``.  ``workerNodes``: the names of all nodes matching the selector.
  ``targetNodeCount``: recorded once.
* A failed reconcile appends ``(last reconcile error: ...)`` to every condition message.

Failure injection (annotation ``sim.airunway.ai/fail``, simulator only): ``inference`` makes
InferenceReady False (the model failed to load), ``resource`` makes ResourceReady False (the GPU
nodes could not be provisioned); both set WorkspaceSucceeded False (``workspaceFailed``) and
``state: Failed``.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Final

from airunway.sim.workloads import FAIL_ANNOTATION, with_condition

NODES_READY: Final = "NodesReady"
RESOURCE_READY: Final = "ResourceReady"
INFERENCE_READY: Final = "InferenceReady"
WORKSPACE_SUCCEEDED: Final = "WorkspaceSucceeded"

STATE_PENDING: Final = "Pending"
STATE_READY: Final = "Ready"
STATE_NOT_READY: Final = "NotReady"
STATE_FAILED: Final = "Failed"

FAIL_INFERENCE: Final = "inference"
FAIL_RESOURCE: Final = "resource"

_NODES_OK = ("NodesReady", "Enough Nodes are ready")
_NODES_SHORT = ("NodeNotReady", "Not enough Nodes are ready")
_RESOURCE_OK = ("workspaceResourceStatusSuccess", "workspace resource is ready")
_RESOURCE_FAILED = (
    "workspaceResourceStatusNotReady",
    (
        "node claim or node status condition not ready: the GPU nodes for this workspace could "
        "not be provisioned (simulated failure, annotation sim.airunway.ai/fail=resource)"
    ),
)
_INFERENCE_OK = ("WorkspaceInferenceStatusSuccess", "Inference has been deployed successfully")
_INFERENCE_PENDING = ("WorkspaceInferenceStatusPending", "Inference workload is not ready")
_INFERENCE_FAILED = (
    "WorkspaceInferenceStatusFailed",
    (
        "Inference workload failed: the model failed to load (CUDA error: out of memory), the "
        "inference container keeps restarting (simulated failure, annotation "
        "sim.airunway.ai/fail=inference)"
    ),
)
_SUCCEEDED = ("workspaceSucceeded", "workspace succeeds")
_WAITING = ("workspacePending", "workspace is waiting for inference workload readiness")
_FAILED_REASON = "workspaceFailed"


@dataclass(frozen=True)
class Observed:
    """What the simulator saw of one Workspace and its workload, for one status computation."""

    generation: int
    previous: Mapping[str, Any]
    target_node_count: int
    nodes: Sequence[tuple[str, bool]] = ()
    """Nodes matching the selector: (name, ready)."""
    workload_replicas: int | None = None
    """``spec.replicas`` of the StatefulSet; None while it does not exist."""
    workload_ready: int = 0
    unschedulable: str | None = None
    """The scheduler's message for a pod that does not fit, if any."""
    model_loaded: bool = True
    failure: str | None = None
    reconcile_error: str | None = None


def failure_of(annotations: Mapping[str, str] | None) -> str | None:
    """The injected failure named by the Workspace's annotation, if it is a known one."""
    value = (annotations or {}).get(FAIL_ANNOTATION, "").strip().lower()
    return value if value in {FAIL_INFERENCE, FAIL_RESOURCE} else None


def workload_ready(observed: Observed) -> bool:
    """All replicas of the StatefulSet are Ready."""
    return (
        observed.workload_replicas is not None
        and observed.workload_ready == observed.workload_replicas
    )


def compute_status(observed: Observed, now: datetime) -> dict[str, Any]:
    """The complete ``status`` of the Workspace (conditions, state, nodes, target count)."""
    ready_nodes = sum(1 for _, ready in observed.nodes if ready)
    nodes_ok = ready_nodes >= observed.target_node_count and observed.unschedulable is None
    nodes = _NODES_OK if nodes_ok else _NODES_SHORT
    if observed.unschedulable is not None:
        nodes = (nodes[0], f"{nodes[1]}: {observed.unschedulable}")
    resource_ok = nodes_ok and observed.failure != FAIL_RESOURCE
    if observed.failure == FAIL_RESOURCE:
        resource = _RESOURCE_FAILED
    else:
        resource = _RESOURCE_OK if nodes_ok else nodes

    serving = resource_ok and workload_ready(observed) and observed.model_loaded
    if observed.failure == FAIL_INFERENCE:
        inference, serving = _INFERENCE_FAILED, False
    else:
        inference = _INFERENCE_OK if serving else _INFERENCE_PENDING

    previous_state = observed.previous.get("state")
    if observed.failure is not None:
        failed_message = (inference if observed.failure == FAIL_INFERENCE else resource)[1]
        succeeded, state = (_FAILED_REASON, failed_message), STATE_FAILED
    elif serving:
        succeeded, state = _SUCCEEDED, STATE_READY
    else:
        established = previous_state in {STATE_READY, STATE_NOT_READY}
        succeeded, state = _WAITING, STATE_NOT_READY if established else STATE_PENDING

    conditions: list[dict[str, Any]] = list(observed.previous.get("conditions") or [])
    for kind, ok, (reason, message) in (
        (NODES_READY, nodes_ok, nodes),
        (RESOURCE_READY, resource_ok, resource),
        (INFERENCE_READY, serving, inference),
        (WORKSPACE_SUCCEEDED, serving, succeeded),
    ):
        text = message
        if observed.reconcile_error:
            text = f"{message} (last reconcile error: {observed.reconcile_error})"
        conditions = with_condition(
            conditions,
            kind,
            status=ok,
            reason=reason,
            message=text,
            generation=observed.generation,
            now=now,
        )
    return {
        "conditions": conditions,
        "state": state,
        "workerNodes": sorted(name for name, _ in observed.nodes),
        "targetNodeCount": observed.target_node_count,
    }


def status_changed(previous: Mapping[str, Any], status: Mapping[str, Any]) -> bool:
    """Whether writing ``status`` would change what the Workspace reports."""
    return any(previous.get(key) != value for key, value in status.items())
