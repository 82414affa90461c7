"""DynamoGraphDeployment status -> ModelDeployment state (spec providers.md §2.6).  Pure.

The Dynamo operator summarises the graph in ``status.state`` and reports each service's replica
counts under ``status.services``; the endpoint is the graph's frontend Service unless the status
names another.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Final

from airunway.providers.sdk.status import Phase, Replicas, UpstreamState, first_false_message

DEFAULT_PORT: Final = 8000
FAILED_FALLBACK: Final = "deployment failed"
_PHASES: Final = {
    "successful": Phase.RUNNING,
    "initializing": Phase.DEPLOYING,
    "deploying": Phase.DEPLOYING,
    "failed": Phase.FAILED,
}


def _int(value: object) -> int | None:
    return value if isinstance(value, int) and not isinstance(value, bool) else None


def _replicas(status: Mapping[str, Any]) -> Replicas | None:
    services = status.get("services")
    desired = ready = available = 0
    seen = isinstance(services, Mapping)
    for service in services.values() if isinstance(services, Mapping) else ():
        if not isinstance(service, Mapping):
            continue
        ready_n, available_n = (
            _int(service.get("readyReplicas")),
            _int(service.get("availableReplicas")),
        )
        desired += _int(service.get("replicas")) or 0
        ready += ready_n if ready_n is not None else available_n or 0
        available += available_n if available_n is not None else ready_n or 0
    top = {
        key: _int(status.get(key))
        for key in ("desiredReplicas", "readyReplicas", "availableReplicas")
    }
    if not seen and all(v is None for v in top.values()):
        return None
    return Replicas(
        desired=top["desiredReplicas"] if top["desiredReplicas"] is not None else desired,
        ready=top["readyReplicas"] if top["readyReplicas"] is not None else ready,
        available=top["availableReplicas"] if top["availableReplicas"] is not None else available,
    )


def error_message(status: Mapping[str, Any]) -> str:
    """``status.message``, else ``status.error``, else the first False condition's, else fixed."""
    for key in ("message", "error"):
        if isinstance(value := status.get(key), str) and value:
            return value
    return first_false_message(status.get("conditions")) or FAILED_FALLBACK


def translate(dgd: Mapping[str, Any]) -> UpstreamState:
    """Phase, message, replicas and endpoint of a DynamoGraphDeployment."""
    status = dgd.get("status")
    if not isinstance(status, Mapping) or not status:
        return UpstreamState(phase=Phase.PENDING)
    state = status.get("state")
    phase = _PHASES.get(state, Phase.PENDING) if isinstance(state, str) else Phase.PENDING
    message = status.get("message")
    message = message if isinstance(message, str) else ""
    if phase is Phase.FAILED and not message:
        message = error_message(status)
    endpoint = status.get("endpoint")
    name = str((dgd.get("metadata") or {}).get("name") or "")
    service, port = f"{name}-frontend", DEFAULT_PORT
    if isinstance(endpoint, Mapping):
        if isinstance(endpoint.get("service"), str) and endpoint["service"]:
            service = endpoint["service"]
        port = _int(endpoint.get("port")) or DEFAULT_PORT
    return UpstreamState(
        phase=phase, message=message, replicas=_replicas(status), endpoint=(service, port)
    )
