"""Why a deployment's pod is pending, from its Warning events, in plain words (spec §9.8), pure.

On top of the reference's classification we add ``explanation``: what the pod asks for against
what the cluster has free, e.g. that the pod needs 8 GPUs and the largest free node has 4, which
is what a person needs to decide between asking for fewer GPUs and adding a node.
"""

from __future__ import annotations

from typing import Any, Literal

from airunway.backend.schemas.deployments import PendingReason

GPU = "nvidia.com/gpu"
TIMES = "\N{MULTIPLICATION SIGN}"


def resource_type(message: str) -> Literal["gpu", "cpu", "memory"] | None:
    """``gpu``, ``cpu`` or ``memory``: which resource a scheduling message is about."""
    if GPU in message:
        return "gpu"
    lower = message.lower()
    if "cpu" in lower:
        return "cpu"
    if "memory" in lower:
        return "memory"
    return None


def pod_gpu_request(pod: dict[str, Any]) -> int:
    """GPUs one pod asks for (requests, else limits, summed over its containers)."""
    total = 0
    for container in (pod.get("spec") or {}).get("containers") or []:
        resources = container.get("resources") or {}
        value = (resources.get("requests") or {}).get(GPU)
        if value is None:
            value = (resources.get("limits") or {}).get(GPU)
        total += int_quantity(value)
    return total


def int_quantity(value: object) -> int:
    """A whole-number Kubernetes quantity (as GPUs are); anything else counts as 0."""
    try:
        return int(str(value)) if value is not None else 0
    except ValueError:
        return 0


def explain(kind: str | None, requested_gpus: int, largest_free_gpus: int) -> str | None:
    """The plain-words reading of a GPU shortage, or None when it is not one."""
    if kind != "gpu" or requested_gpus <= 0:
        return None
    if largest_free_gpus <= 0:
        return f"needs {requested_gpus} {TIMES} {GPU}; no node has a free GPU"
    return f"needs {requested_gpus} {TIMES} {GPU}; the largest free node has {largest_free_gpus}"


def reasons(
    events: list[dict[str, Any]], requested_gpus: int, largest_free_gpus: int
) -> list[PendingReason]:
    """One reason per Warning event of the pod, in API order."""
    out: list[PendingReason] = []
    for event in events:
        if event.get("type") != "Warning":
            continue
        reason = event.get("reason") or "Unknown"
        message = event.get("message") or ""
        constraint = reason == "FailedScheduling" or "insufficient" in message.lower()
        kind = resource_type(message) if constraint else None
        lower = message.lower()
        helps = kind is not None and not any(
            word in lower for word in ("taint", "toleration", "node selector", "didn't match")
        )
        out.append(
            PendingReason(
                reason=reason,
                message=message,
                is_resource_constraint=constraint,
                resource_type=kind,
                can_autoscaler_help=helps,
                explanation=explain(kind, requested_gpus, largest_free_gpus),
            )
        )
    return out
