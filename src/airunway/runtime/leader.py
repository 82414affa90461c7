"""Leader election on a coordination.k8s.io Lease, so two replicas never both reconcile.

The algorithm is client-go's: a replica takes the Lease when it is free or expired, renews it
every ``retry_period``, and steps down when it cannot renew within ``renew_deadline``.  Every
write carries the resourceVersion that was read, so two candidates racing for an expired Lease
cannot both win (the loser gets a conflict).  Losing leadership ends the led work: the process
exits and its supervisor restarts it as a follower, which is simpler and safer than trying to
un-start half a controller.
"""

from __future__ import annotations

import asyncio
import contextlib
import datetime as dt
import logging
from collections.abc import Callable, Coroutine
from dataclasses import dataclass
from typing import Any

from airunway.kube.client import Kube
from airunway.kube.errors import ConflictError, KubeError, NotFoundError

log = logging.getLogger(__name__)
LEASE_API = "coordination.k8s.io/v1"


class LeadershipLostError(Exception):
    """The Lease could not be renewed in time."""


@dataclass(frozen=True)
class LeaseConfig:
    """Name, place and timing of the Lease (client-go defaults: 15 s / 10 s / 2 s)."""

    name: str
    namespace: str
    identity: str
    lease_duration: float = 15.0
    renew_deadline: float = 10.0
    retry_period: float = 2.0


def _now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


def _fmt(t: dt.datetime) -> str:
    return t.strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def _parse(text: str) -> dt.datetime:
    return dt.datetime.fromisoformat(text)


class LeaderElector:
    """Acquire, hold and renew one Lease."""

    def __init__(self, kube: Kube, config: LeaseConfig) -> None:
        self._kube = kube
        self.config = config
        self.is_leader = False

    def _manifest(self, spec: dict[str, Any], resource_version: str | None) -> dict[str, Any]:
        meta: dict[str, Any] = {"name": self.config.name, "namespace": self.config.namespace}
        if resource_version:
            meta["resourceVersion"] = resource_version
        return {"apiVersion": LEASE_API, "kind": "Lease", "metadata": meta, "spec": spec}

    async def try_acquire_or_renew(self) -> bool:
        """One attempt; True when this replica holds the Lease afterwards."""
        c = self.config
        now = _now()
        try:
            lease = await self._kube.get(LEASE_API, "Lease", c.name, c.namespace)
        except NotFoundError:
            lease = None
        spec: dict[str, Any] = {
            "holderIdentity": c.identity,
            "leaseDurationSeconds": int(c.lease_duration),
            "renewTime": _fmt(now),
        }
        if lease is None:
            spec |= {"acquireTime": _fmt(now), "leaseTransitions": 0}
            try:
                await self._kube.create(self._manifest(spec, None))
            except ConflictError:
                return False
            return True
        current = lease.get("spec", {})
        holder = current.get("holderIdentity")
        renewed = current.get("renewTime")
        duration = float(current.get("leaseDurationSeconds") or c.lease_duration)
        expired = renewed is None or _parse(renewed) + dt.timedelta(seconds=duration) < now
        if holder != c.identity and holder and not expired:
            return False
        if holder == c.identity:
            spec["acquireTime"] = current.get("acquireTime", _fmt(now))
            spec["leaseTransitions"] = current.get("leaseTransitions", 0)
        else:
            spec["acquireTime"] = _fmt(now)
            spec["leaseTransitions"] = int(current.get("leaseTransitions", 0)) + 1
        rv = lease["metadata"]["resourceVersion"]
        try:
            await self._kube.apply(self._manifest(spec, rv), force=True)
        except ConflictError:
            return False
        return True

    async def run(self, led: Callable[[], Coroutine[Any, Any, None]]) -> None:
        """Wait for leadership, then run ``led`` while renewing; raise when leadership is lost."""
        c = self.config
        while not await self._attempt():  # noqa: ASYNC110 - polling the Lease is the protocol
            await asyncio.sleep(c.retry_period)
        self.is_leader = True
        log.info("became leader (lease %s/%s, identity %s)", c.namespace, c.name, c.identity)
        async with asyncio.TaskGroup() as group:
            work = group.create_task(led())
            try:
                await self._renew_forever()
            finally:
                self.is_leader = False
                work.cancel()

    async def _attempt(self) -> bool:
        try:
            return await self.try_acquire_or_renew()
        except KubeError as exc:
            log.warning("leader election attempt failed: %s", exc)
            return False

    async def _renew_forever(self) -> None:
        c = self.config
        last_renew = asyncio.get_running_loop().time()
        while True:
            await asyncio.sleep(c.retry_period)
            if await self._attempt():
                last_renew = asyncio.get_running_loop().time()
            elif asyncio.get_running_loop().time() - last_renew > c.renew_deadline:
                log.error("lost leadership of lease %s/%s", c.namespace, c.name)
                raise LeadershipLostError(c.identity)

    async def release(self) -> None:
        """Give the Lease up on a clean shutdown so a standby takes over at once."""
        if not self.is_leader:
            return
        c = self.config
        with contextlib.suppress(KubeError):
            lease = await self._kube.get(LEASE_API, "Lease", c.name, c.namespace)
            if lease.get("spec", {}).get("holderIdentity") == c.identity:
                spec = dict(lease["spec"]) | {"holderIdentity": "", "leaseDurationSeconds": 1}
                await self._kube.apply(
                    self._manifest(spec, lease["metadata"]["resourceVersion"]), force=True
                )
