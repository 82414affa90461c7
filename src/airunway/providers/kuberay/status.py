"""RayService status -> ModelDeployment state (spec providers.md §3.3).  Pure.

KubeRay reports readiness in the ``RayServiceReady`` condition and the Serve applications of the
active Ray cluster in ``status.activeServiceStatus.applicationStatuses``; the applications win
when present (a failed deployment is a failure even while the condition still says "not yet").
The endpoint is always the Serve Service KubeRay creates, ``<name>-serve-svc:8000``.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Final

from airunway.providers.sdk.status import Phase, Replicas, UpstreamState, first_false_message

READY_CONDITION: Final = "RayServiceReady"
SERVE_PORT: Final = 8000
FAILED_FALLBACK: Final = "deployment failed"


def _applications(status: Mapping[str, Any]) -> dict[str, Mapping[str, Any]]:
    active = status.get("activeServiceStatus")
    apps = active.get("applicationStatuses") if isinstance(active, Mapping) else None
    if not isinstance(apps, Mapping):
        return {}
    return {str(k): v for k, v in apps.items() if isinstance(v, Mapping)}


def _desired(rayservice: Mapping[str, Any]) -> int:
    cluster = (rayservice.get("spec") or {}).get("rayClusterConfig") or {}
    total = 0
    for group in cluster.get("workerGroupSpecs") or []:
        count = group.get("replicas") if isinstance(group, Mapping) else None
        total += count if isinstance(count, int) else 0
    return total


def error_message(status: Mapping[str, Any]) -> str:
    """A failed application's message, else the first False condition's, else fixed text."""
    for app in _applications(status).values():
        if app.get("status") == "DEPLOY_FAILED" and app.get("message"):
            return str(app["message"])
    return first_false_message(status.get("conditions")) or FAILED_FALLBACK


def translate(rayservice: Mapping[str, Any]) -> UpstreamState:
    """Phase, message, replicas and endpoint of a RayService."""
    status = rayservice.get("status")
    status = status if isinstance(status, Mapping) else {}
    phase, message = Phase.PENDING, ""
    for cond in status.get("conditions") or []:
        if isinstance(cond, Mapping) and cond.get("type") == READY_CONDITION:
            if cond.get("status") == "True":
                phase = Phase.RUNNING
            elif cond.get("status") == "False":
                phase, message = Phase.DEPLOYING, str(cond.get("message") or "")
    apps = _applications(status)
    states = [str(a.get("status") or "") for a in apps.values()]
    all_running = bool(apps) and all(s == "RUNNING" for s in states)
    if apps:
        if "DEPLOY_FAILED" in states:
            phase, message = Phase.FAILED, error_message(status)
        elif all_running:
            phase = Phase.RUNNING
        else:
            phase = Phase.DEPLOYING
            message = next((str(a["message"]) for a in apps.values() if a.get("message")), message)
    desired = _desired(rayservice)
    ready = desired if all_running else 0
    name = str((rayservice.get("metadata") or {}).get("name") or "")
    return UpstreamState(
        phase=phase,
        message=message,
        replicas=Replicas(desired=desired, ready=ready, available=ready),
        endpoint=(f"{name}-serve-svc", SERVE_PORT),
    )
