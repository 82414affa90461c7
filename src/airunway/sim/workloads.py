"""Helpers every upstream-operator simulator reuses: owner references, nodes, pods, watches.

A simulator reads the cluster the way a real operator would (nodes by label, pods by their
scheduling condition, owned workloads through their controller reference) and reacts to watch
events, never to a polling loop.  These pieces are independent of any one operator, so the KAITO
simulator and those that follow share them; the pure ones are unit-tested without a cluster.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping, Sequence
from datetime import datetime
from typing import Any, Final

from airunway.api import Condition, ConditionStatus, set_condition
from airunway.kube.client import Manifest

log = logging.getLogger(__name__)

#: Marks every object a simulator creates, so nobody mistakes it for a real operator's work.
SIMULATOR_ANNOTATION: Final = "sim.airunway.ai/simulator"
#: Per-object failure injection: the simulated operator reports this part as failed.
FAIL_ANNOTATION: Final = "sim.airunway.ai/fail"
#: A pause image: the containers of simulated workloads never run (kwok fakes their pods).
PLACEHOLDER_IMAGE: Final = "registry.k8s.io/pause:3.10"
#: Label the dev cluster puts on every kwok-managed node.
KWOK_NODE_LABELS: Final = {"type": "kwok"}


def controller_ref(owner: Mapping[str, Any]) -> dict[str, Any]:
    """An ownerReference making ``owner`` the controller (garbage collection follows it)."""
    meta = owner["metadata"]
    return {
        "apiVersion": owner["apiVersion"],
        "kind": owner["kind"],
        "name": meta["name"],
        "uid": meta["uid"],
        "controller": True,
        "blockOwnerDeletion": True,
    }


def owned_metadata(
    owner: Mapping[str, Any], name: str, simulator: str, labels: Mapping[str, str] | None = None
) -> dict[str, Any]:
    """Metadata of an object ``simulator`` makes for ``owner``: same namespace, controlled by it."""
    out: dict[str, Any] = {"name": name, "namespace": owner["metadata"]["namespace"]}
    if labels is not None:
        out["labels"] = dict(labels)
    out["annotations"] = {SIMULATOR_ANNOTATION: simulator}
    out["ownerReferences"] = [controller_ref(owner)]
    return out


def controller_of(obj: Mapping[str, Any], api_version: str, kind: str) -> str | None:
    """Name of ``obj``'s controller when that controller is of ``api_version``/``kind``."""
    for ref in (obj.get("metadata") or {}).get("ownerReferences") or []:
        if (
            ref.get("controller")
            and ref.get("apiVersion") == api_version
            and ref.get("kind") == kind
        ):
            name = ref.get("name")
            return name if isinstance(name, str) else None
    return None


def labels_match(labels: Mapping[str, str] | None, match_labels: Mapping[str, str]) -> bool:
    """Whether ``labels`` satisfy a ``matchLabels`` selector (an empty one matches all)."""
    have = labels or {}
    return all(have.get(key) == value for key, value in match_labels.items())


def node_ready(node: Mapping[str, Any]) -> bool:
    """A node that is Ready and not being deleted."""
    if (node.get("metadata") or {}).get("deletionTimestamp"):
        return False
    conditions = (node.get("status") or {}).get("conditions") or []
    return any(c.get("type") == "Ready" and c.get("status") == "True" for c in conditions)


def pod_condition(pod: Mapping[str, Any], condition_type: str) -> Mapping[str, Any] | None:
    """One condition of a pod's status, if present."""
    for condition in (pod.get("status") or {}).get("conditions") or []:
        if condition.get("type") == condition_type:
            return dict(condition)
    return None


def unschedulable_message(pods: Sequence[Mapping[str, Any]]) -> str | None:
    """The scheduler's reason why a pod does not fit, from the first such pod by name.

    The scheduler records it on the pod's ``PodScheduled`` condition (status False, reason
    ``Unschedulable``), the same text as its ``FailedScheduling`` event.
    """
    for pod in sorted(pods, key=lambda p: str(p["metadata"]["name"])):
        scheduled = pod_condition(pod, "PodScheduled")
        if (
            scheduled is not None
            and scheduled.get("status") == "False"
            and scheduled.get("reason") == "Unschedulable"
        ):
            return str(scheduled.get("message") or "the pod cannot be scheduled")
    return None


def with_condition(
    conditions: Sequence[Mapping[str, Any]],
    condition_type: str,
    *,
    status: bool,
    reason: str,
    message: str,
    generation: int | None,
    now: datetime,
) -> list[dict[str, Any]]:
    """``conditions`` (as JSON) with one condition set, by Kubernetes' SetStatusCondition rules."""
    models = [Condition.model_validate(c) for c in conditions]
    updated = set_condition(
        models,
        condition_type,
        ConditionStatus.TRUE if status else ConditionStatus.FALSE,
        reason,
        message,
        generation,
        now,
    )
    return [c.model_dump(by_alias=True, mode="json", exclude_none=True) for c in updated]


def placeholder_deployment(
    namespace: str, name: str, labels: Mapping[str, str], simulator: str
) -> Manifest:
    """A one-replica Deployment on a kwok node: makes an upstream controller look installed.

    kwok moves its pod to Running/Ready, so ``status.readyReplicas`` becomes 1 like the real
    controller's Deployment, which is all that health probes of AI Runway providers look at.
    """
    return {
        "apiVersion": "apps/v1",
        "kind": "Deployment",
        "metadata": {
            "name": name,
            "namespace": namespace,
            "labels": dict(labels),
            "annotations": {SIMULATOR_ANNOTATION: simulator},
        },
        "spec": {
            "replicas": 1,
            "selector": {"matchLabels": dict(labels)},
            "template": {
                "metadata": {
                    "labels": dict(labels),
                    "annotations": {SIMULATOR_ANNOTATION: simulator},
                },
                "spec": {
                    "nodeSelector": dict(KWOK_NODE_LABELS),
                    "containers": [
                        {
                            "name": "manager",
                            "image": PLACEHOLDER_IMAGE,
                            "resources": {"requests": {"cpu": "10m", "memory": "16Mi"}},
                        }
                    ],
                },
            },
        },
    }
