"""What KAITO reports back: a Workspace's state (§1.3) and the upstream controller's health (§1.6).

Both are pure readings of objects the runtime fetched.  KAITO 0.10+ writes ``status.state``;
older operators only set conditions, so the state wins and the conditions are the fallback.  A
Workspace with neither has not been looked at by KAITO yet, and reports no replicas or endpoint.

The health probe decides whether a KAITO workspace controller is running at all: without one a
Workspace would sit unreconciled forever, so the shim refuses fast and says why (and the IPC's
``status.ready`` follows it).  The runtime does the I/O (a discovery lookup for the CRD and a
cluster-wide Deployment list with :data:`CONTROLLER_SELECTOR`) and hands the results to
:func:`probe_result`; the reasons and messages here are the reference's exact texts.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Final

from airunway.providers.kaito.transform import SERVICE_PORT
from airunway.providers.sdk.status import Phase, Replicas, UpstreamState

_STATE_PHASES: Final[dict[str, tuple[Phase, str]]] = {
    "Ready": (Phase.RUNNING, ""),
    "Succeeded": (Phase.RUNNING, ""),
    "NotReady": (Phase.DEPLOYING, ""),
    "Running": (Phase.DEPLOYING, "fine-tuning in progress"),
    "Failed": (Phase.FAILED, ""),
    "Pending": (Phase.PENDING, ""),
}
_READY_STATES: Final = frozenset({"Ready", "Succeeded"})

WORKSPACE_SUCCEEDED: Final = "WorkspaceSucceeded"
RESOURCE_READY: Final = "ResourceReady"
INFERENCE_READY: Final = "InferenceReady"


def _conditions(workspace: dict[str, Any]) -> dict[str, dict[str, Any]] | None:
    """Conditions by type (the last of a type wins); None when there are none at all."""
    status = workspace.get("status")
    items = status.get("conditions") if isinstance(status, dict) else None
    if not isinstance(items, list) or not items:
        return None
    by_type: dict[str, dict[str, Any]] = {}
    for item in items:
        if isinstance(item, dict) and isinstance(item.get("type"), str) and item["type"]:
            by_type[item["type"]] = item
    return by_type


def _field(condition: dict[str, Any] | None, key: str) -> str:
    value = condition.get(key) if condition is not None else None
    return value if isinstance(value, str) else ""


def _phase_from_conditions(conditions: dict[str, dict[str, Any]]) -> tuple[Phase, str]:
    succeeded = conditions.get(WORKSPACE_SUCCEEDED)
    if _field(succeeded, "status") == "True":
        return Phase.RUNNING, ""
    if _field(succeeded, "status") == "False":
        return Phase.FAILED, _field(succeeded, "message")
    if _field(conditions.get(RESOURCE_READY), "status") == "True" and (
        _field(conditions.get(INFERENCE_READY), "status") != "True"
    ):
        return Phase.DEPLOYING, ""
    return Phase.PENDING, ""


def translate(workspace: dict[str, Any]) -> UpstreamState:
    """The ModelDeployment state a Workspace stands for."""
    status = workspace.get("status")
    state = status.get("state") if isinstance(status, dict) else None
    state = state if isinstance(state, str) else ""
    conditions = _conditions(workspace)
    if state:
        phase, message = _STATE_PHASES.get(state, (Phase.PENDING, f"unknown state: {state}"))
    elif conditions is not None:
        phase, message = _phase_from_conditions(conditions)
    else:
        return UpstreamState(phase=Phase.PENDING)

    resource = workspace.get("resource")
    count = resource.get("count") if isinstance(resource, dict) else None
    desired = count if isinstance(count, int) and not isinstance(count, bool) else 0
    ready = state in _READY_STATES or (
        _field((conditions or {}).get(WORKSPACE_SUCCEEDED), "status") == "True"
    )
    metadata = workspace.get("metadata")
    name = metadata.get("name") if isinstance(metadata, dict) else None
    return UpstreamState(
        phase=phase,
        message=message,
        replicas=Replicas(desired, desired if ready else 0, desired if ready else 0),
        endpoint=(name if isinstance(name, str) else "", SERVICE_PORT),
    )


# --- upstream controller health probe (§1.6) -------------------------------------------------

#: The IPC condition the probe result is written to.
UPSTREAM_READY_CONDITION: Final = "UpstreamReady"
#: The runtime bounds each probe (discovery + list) by this many seconds.
PROBE_TIMEOUT_SECONDS: Final = 10.0
#: Discovery lookup that tells whether the Workspace CRD is installed.
CRD_GROUP: Final = "kaito.sh"
CRD_KIND: Final = "Workspace"
#: Deployments of the Helm chart (``workspace``) and of the AKS add-on, listed cluster-wide.
CONTROLLER_LABEL: Final = "app.kubernetes.io/name"
CONTROLLER_LABEL_VALUES: Final = ("workspace", "ai-toolchain-operator")
CONTROLLER_SELECTOR: Final = f"{CONTROLLER_LABEL} in ({','.join(CONTROLLER_LABEL_VALUES)})"

REASON_HEALTHY: Final = "UpstreamHealthy"
REASON_CRD_MISSING: Final = "CRDMissing"
REASON_CONTROLLER_MISSING: Final = "UpstreamControllerMissing"
REASON_CONTROLLER_NOT_READY: Final = "UpstreamControllerNotReady"
REASON_PROBE_FAILED: Final = "ProbeFailed"
REASON_UNREGISTERED: Final = "Unregistered"

MESSAGE_CRD_MISSING: Final = "KAITO Workspace CRD not found. Install KAITO."
MESSAGE_CONTROLLER_MISSING: Final = (
    "The KAITO workspace controller is not running. Install it with "
    "`helm install kaito-workspace kaito/workspace` (check the kaito-workspace namespace), or via "
    "the AKS AI toolchain operator add-on `az aks update --enable-ai-toolchain-operator ...` "
    "(check the kube-system namespace)."
)
MESSAGE_UNREGISTERED: Final = "Shim is shutting down."


@dataclass(frozen=True)
class ProbeResult:
    """Health of the upstream KAITO workspace controller, as surfaced in conditions and events."""

    #: The spec's "healthy": a controller Deployment has ready replicas (IPC ``status.ready``).
    ready: bool
    reason: str
    message: str

    @property
    def condition_status(self) -> str:
        """``True``/``False`` for the ``UpstreamReady`` condition."""
        return "True" if self.ready else "False"


#: Written by the shim on shutdown.
UNREGISTERED: Final = ProbeResult(
    ready=False, reason=REASON_UNREGISTERED, message=MESSAGE_UNREGISTERED
)


def crd_check_failed(error: object) -> ProbeResult:
    """The discovery lookup failed for another reason than "no kind match"."""
    return ProbeResult(
        ready=False, reason=REASON_PROBE_FAILED, message=f"check workspace crd: {error}"
    )


def list_failed(error: object) -> ProbeResult:
    """Listing the controller Deployments failed."""
    return ProbeResult(
        ready=False, reason=REASON_PROBE_FAILED, message=f"list deployments: {error}"
    )


def _ready_replicas(deployment: dict[str, Any]) -> int:
    status = deployment.get("status")
    value = status.get("readyReplicas") if isinstance(status, dict) else None
    return value if isinstance(value, int) and not isinstance(value, bool) else 0


def _ref(deployment: dict[str, Any]) -> str:
    metadata = deployment.get("metadata")
    metadata = metadata if isinstance(metadata, dict) else {}
    return f"{metadata.get('namespace') or ''}/{metadata.get('name') or ''}"


def probe_result(crd_present: bool, deployments: list[dict[str, Any]]) -> ProbeResult:  # noqa: FBT001 - the runtime's two findings, positionally
    """The probe's verdict from the CRD lookup and the listed controller Deployments."""
    if not crd_present:
        return ProbeResult(ready=False, reason=REASON_CRD_MISSING, message=MESSAGE_CRD_MISSING)
    if not deployments:
        return ProbeResult(
            ready=False, reason=REASON_CONTROLLER_MISSING, message=MESSAGE_CONTROLLER_MISSING
        )
    chosen = next((d for d in deployments if _ready_replicas(d) > 0), deployments[0])
    if _ready_replicas(chosen) > 0:
        return ProbeResult(
            ready=True,
            reason=REASON_HEALTHY,
            message=f"KAITO workspace controller {_ref(chosen)} is ready",
        )
    return ProbeResult(
        ready=False,
        reason=REASON_CONTROLLER_NOT_READY,
        message=f"The KAITO workspace controller Deployment {_ref(chosen)} exists but has no ready "
        "replicas.",
    )
