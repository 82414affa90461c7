"""Self-registration: the provider's InferenceProviderConfig, its readiness and heartbeat (§0.3).

The config is server-side applied under the provider's field manager: our spec fields and our
annotations are replaced, anything an administrator added under another manager is kept.  The
heartbeat re-reports readiness every interval; the core controller treats a config whose
heartbeat is too old as not ready, so a provider that dies without unregistering stops being
selected instead of silently swallowing new deployments.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

from airunway.api import API_VERSION
from airunway.kube.client import Kube
from airunway.kube.errors import KubeError, NotFoundError
from airunway.providers.sdk.base import ProviderDefinition

log = logging.getLogger(__name__)
IPC_KIND = "InferenceProviderConfig"


@dataclass(frozen=True)
class Readiness:
    """Whether the provider (and its upstream operator) can serve now, and why."""

    ready: bool
    reason: str = ""
    message: str = ""


ReadinessFn = Callable[[], Awaitable[Readiness]]


async def always_ready() -> Readiness:
    """Providers with no upstream operator (llm-d, Direct vLLM) are ready while they run."""
    return Readiness(ready=True)


async def kind_served(kube: Kube, api_version: str, kind: str) -> Readiness:
    """Ready while the API server serves the upstream kind (its CRD is installed), §0.3.

    A list in a namespace that cannot exist is the cheapest request that fails with NotFound
    exactly when the group/version does not serve the kind.
    """
    try:
        await kube.list(api_version, kind, "airunway-probe-nonexistent-namespace")
    except NotFoundError:
        return Readiness(ready=False)
    except KubeError as exc:
        log.warning("could not check whether %s %s is served: %s", api_version, kind, exc)
        return Readiness(ready=False)
    return Readiness(ready=True)


def _now() -> str:
    return dt.datetime.now(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def status_manifest(
    definition: ProviderDefinition,
    version: str,
    readiness: Readiness,
    upstream_version: str,
) -> dict[str, Any]:
    """The IPC status the provider owns."""
    status: dict[str, Any] = {
        "ready": readiness.ready,
        "version": f"{definition.name}-provider:{version}",
        "lastHeartbeat": _now(),
        "upstreamCRDVersion": upstream_version,
    }
    if readiness.reason:
        status["conditions"] = [
            {
                "type": "UpstreamReady",
                "status": "True" if readiness.ready else "False",
                "reason": readiness.reason,
                "message": readiness.message,
                "lastTransitionTime": _now(),
            }
        ]
    return {
        "apiVersion": API_VERSION,
        "kind": IPC_KIND,
        "metadata": {"name": definition.name},
        "status": status,
    }


class Registration:
    """Registers, heartbeats and unregisters one provider."""

    def __init__(
        self,
        kube: Kube,
        definition: ProviderDefinition,
        *,
        version: str,
        readiness: ReadinessFn,
        upstream_version: str,
    ) -> None:
        self._kube = kube
        self._definition = definition
        self._version = version
        self._readiness = readiness
        self._upstream_version = upstream_version

    async def register(self) -> None:
        """Apply the config and report readiness; errors propagate (never run unregistered)."""
        await self._kube.apply(self._definition.config(self._version), force=True)
        await self.report()

    async def report(self, readiness: Readiness | None = None) -> None:
        """Write the status (readiness now unless given)."""
        current = readiness or await self._readiness()
        manifest = status_manifest(self._definition, self._version, current, self._upstream_version)
        await self._kube.apply_status(manifest, force=True)

    async def heartbeat(self, interval: float) -> None:
        """Re-report readiness every ``interval`` seconds until cancelled; errors are logged."""
        while True:
            await asyncio.sleep(interval)
            try:
                await self.report()
            except KubeError as exc:
                log.warning("heartbeat of %s failed: %s", self._definition.name, exc)

    async def unregister(self) -> None:
        """Report not-ready on a clean shutdown, so selection stops at once."""
        try:
            await self.report(
                Readiness(ready=False, reason="Unregistered", message="Shim is shutting down.")
            )
        except KubeError as exc:
            log.warning("could not unregister %s: %s", self._definition.name, exc)
