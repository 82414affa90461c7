"""What the gateway step of a reconcile decided for the status (pure data)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class GatewayResult:
    """``GatewayReady`` and ``status.gateway`` as decided by the gateway step.

    ``condition`` is (status, reason, message) or None to leave it; ``status`` replaces
    ``status.gateway`` when given; ``clear`` removes it (the integration was switched off).
    """

    condition: tuple[str, str, str] | None = None
    status: dict[str, Any] | None = None
    clear: bool = False
    #: look again after this many seconds (a provider-managed pool that does not exist yet)
    retry_after: float | None = None
