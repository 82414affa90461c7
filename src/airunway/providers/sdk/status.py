"""From an upstream object's state to the ModelDeployment status a provider owns (§0.5, §0.6).

A provider's ``status.py`` translates its upstream object into :class:`UpstreamState`; this module
turns that (and the reconcile's own outcomes) into the status fields the provider applies under
its field manager: ``phase``, ``message``, ``replicas``, ``endpoint``,
``provider.resourceName/resourceKind`` and the provider conditions.  Pure.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from typing import Any

PROVIDER_CONDITIONS = (
    "ProviderCompatible",
    "ResourceCreated",
    "Ready",
    "StorageReady",
    "ModelDownloaded",
    "ImageResolved",
    "ImageVerified",
    "UnsupportedImage",
    "RecipeResolved",
)


class Phase(StrEnum):
    """ModelDeployment phases a provider writes."""

    PENDING = "Pending"
    DEPLOYING = "Deploying"
    RUNNING = "Running"
    FAILED = "Failed"
    TERMINATING = "Terminating"


@dataclass(frozen=True)
class Replicas:
    """Desired, ready and available replicas of the primary workload."""

    desired: int = 0
    ready: int = 0
    available: int = 0

    def to_status(self) -> dict[str, int]:
        """``status.replicas``."""
        return {"desired": self.desired, "ready": self.ready, "available": self.available}


@dataclass(frozen=True)
class UpstreamState:
    """What a provider's status translator read from its upstream object."""

    phase: Phase
    message: str = ""
    replicas: Replicas | None = None
    endpoint: tuple[str, int] | None = None


def ready_condition(phase: Phase, message: str) -> tuple[str, str, str]:
    """(status, reason, message) of the ``Ready`` condition for a phase (§0.6)."""
    if phase is Phase.RUNNING:
        return "True", "DeploymentReady", "All replicas are ready"
    if phase is Phase.FAILED:
        return "False", "DeploymentFailed", message
    return "False", "DeploymentInProgress", "Deployment is in progress"


def synced_fields(
    state: UpstreamState, running_message: str, waiting_message: str
) -> dict[str, Any]:
    """Status fields from the upstream state, with §0.5 step 12 applied (Deploying + waiting)."""
    phase, message = state.phase, state.message
    if phase not in {Phase.RUNNING, Phase.FAILED}:
        phase, message = Phase.DEPLOYING, waiting_message
    elif not message and phase is Phase.RUNNING:
        message = running_message
    out: dict[str, Any] = {"phase": str(phase), "message": message}
    if state.replicas is not None:
        out["replicas"] = state.replicas.to_status()
    if state.endpoint is not None:
        out["endpoint"] = {"service": state.endpoint[0], "port": state.endpoint[1]}
    return out


def first_false_message(conditions: object) -> str:
    """The message of the first condition with status False ("" when none has one)."""
    for cond in conditions if isinstance(conditions, list) else []:
        if isinstance(cond, dict) and cond.get("status") == "False":
            message = cond.get("message")
            if isinstance(message, str) and message:
                return message
    return ""
