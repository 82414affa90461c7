"""The skeleton every simulated operator after KAITO shares: watches, queue, readiness delay.

THESE ARE SIMULATORS, NOT THE REAL OPERATORS (see :mod:`airunway.sim`).  A simulator watches its
custom resource and the workloads it creates, turns every event into the key of the custom
resource it belongs to, and reconciles one key at a time per object.  What differs per operator
is the reconcile itself; the loop, the stand-in "operator installed" Deployment, the
create-or-update of owned workloads and the readiness delay (pods must have been Ready this long
before the model counts as loaded) are here once.
"""

from __future__ import annotations

import asyncio
import logging
import time
from abc import ABC, abstractmethod
from collections.abc import Callable, Mapping
from typing import Any, Final

from airunway.kube.client import Kube, Manifest
from airunway.kube.errors import KubeError
from airunway.kube.watch import watch_forever
from airunway.runtime.queue import WorkQueue
from airunway.sim.settings import SimSettings
from airunway.sim.workloads import (
    SIMULATOR_ANNOTATION,
    controller_of,
    placeholder_deployment,
)

log = logging.getLogger(__name__)
Key = tuple[str, str]
Handler = Callable[[str, Manifest], None]
_MAX_RETRY_DELAY: Final = 30.0


class ReadinessDelay:
    """When pods became Ready, per object: the model is loaded ``delay`` seconds later."""

    def __init__(self, delay: float, clock: Callable[[], float] = time.monotonic) -> None:
        self._delay = delay
        self._clock = clock
        self._since: dict[Key, float] = {}

    def loaded(self, key: Key, *, ready: bool) -> tuple[bool, float]:
        """(loaded, seconds until it will be); not ready resets the clock."""
        if not ready:
            self._since.pop(key, None)
            return False, 0.0
        since = self._since.setdefault(key, self._clock())
        remaining = since + self._delay - self._clock()
        return remaining <= 0, max(remaining, 0.0)

    def forget(self, key: Key) -> None:
        """The object is gone."""
        self._since.pop(key, None)


class Simulator(ABC):
    """One simulated operator: its primary kind, the kinds it owns, its stand-in Deployment."""

    #: apiVersion and kind of the custom resource the operator reconciles
    api_version: str
    kind: str
    #: value of ``sim.airunway.ai/simulator`` on everything it creates
    name: str
    #: namespace, name and labels of the stand-in operator Deployment
    upstream: tuple[str, str, Mapping[str, str]]
    #: owned kinds whose events re-reconcile their controller: (apiVersion, kind)
    owned: tuple[tuple[str, str], ...] = (("apps/v1", "Deployment"),)
    #: label on pods naming the custom resource they belong to
    pod_label: str

    def __init__(
        self, kube: Kube, settings: SimSettings, *, clock: Callable[[], float] = time.monotonic
    ) -> None:
        self.kube = kube
        self.settings = settings
        self.queue: WorkQueue[Key] = WorkQueue(self.reconcile, workers=settings.workers)
        self.readiness = ReadinessDelay(settings.ready_delay, clock)
        self._stop = asyncio.Event()

    @abstractmethod
    async def reconcile(self, key: Key) -> None:
        """Bring one custom resource's workloads and status up to date."""

    def stop(self) -> None:
        """Ask :meth:`run` to return."""
        self._stop.set()

    def model_loaded(self, key: Key, ready: bool) -> bool:  # noqa: FBT001 - a flag in
        """Whether the pods have been Ready for the delay; schedules the re-check when not yet."""
        loaded, remaining = self.readiness.loaded(key, ready=ready)
        if ready and not loaded:
            self.queue.add_after(key, remaining)
        return loaded

    async def install_upstream(self) -> None:
        """Namespace and operator Deployment that make the operator look installed."""
        namespace, name, labels = self.upstream
        await self.kube.apply(
            {
                "apiVersion": "v1",
                "kind": "Namespace",
                "metadata": {"name": namespace, "annotations": {SIMULATOR_ANNOTATION: self.name}},
            },
            force=True,
        )
        await self.kube.apply(
            placeholder_deployment(namespace, name, labels, self.name), force=True
        )

    async def _install_until_done(self) -> None:
        delay = self.settings.reconnect_delay
        while not self._stop.is_set():
            try:
                await self.install_upstream()
            except KubeError as exc:
                log.warning(
                    "installing the %s stand-in failed (retry in %.1fs): %s", self.name, delay, exc
                )
            else:
                return
            await asyncio.sleep(delay)
            delay = min(delay * 2, _MAX_RETRY_DELAY)

    def watches(self) -> list[tuple[str, str, Handler, dict[str, str | None] | None]]:
        """The primary kind, the owned kinds and pods (only those carrying ``pod_label``).

        The pod watch is selected by the API server: in a fleet of a thousand deployments, a
        simulator used to be sent, and to drop, every other pod's every change.
        """
        out: list[tuple[str, str, Handler, dict[str, str | None] | None]] = [
            (self.api_version, self.kind, self._on_primary, None)
        ]
        out += [(api, kind, self._on_owned, None) for api, kind in self.owned]
        out.append(("v1", "Pod", self._on_pod, {self.pod_label: None}))
        return out

    async def run(self) -> None:
        """Run until :meth:`stop` (or cancellation)."""
        if self.settings.install_upstream:
            await self._install_until_done()
        namespace = self.settings.namespace
        delay = self.settings.reconnect_delay
        log.info("%s simulator running (namespace: %s)", self.name, namespace or "all")
        async with asyncio.TaskGroup() as group:
            tasks = [group.create_task(self.queue.run())]
            tasks += [
                group.create_task(
                    watch_forever(
                        self.kube,
                        api,
                        kind,
                        namespace,
                        handle,
                        reconnect_delay=delay,
                        labels=labels,
                    )
                )
                for api, kind, handle, labels in self.watches()
            ]
            await self._stop.wait()
            for task in tasks:
                task.cancel()

    def _on_primary(self, _: str, obj: Manifest) -> None:
        meta = obj["metadata"]
        self.queue.add((meta["namespace"], meta["name"]))

    def _on_owned(self, _: str, obj: Manifest) -> None:
        owner = controller_of(obj, self.api_version, self.kind)
        if owner is not None:
            self.queue.add((obj["metadata"]["namespace"], owner))

    def _on_pod(self, _: str, obj: Manifest) -> None:
        owner = (obj["metadata"].get("labels") or {}).get(self.pod_label)
        if owner:
            self.queue.add((obj["metadata"]["namespace"], owner))

    async def apply_owned(
        self, api_version: str, kind: str, desired: list[Manifest], existing: list[Manifest]
    ) -> None:
        """Apply every desired object of a kind; delete the ``existing`` ones no longer desired."""
        wanted = {o["metadata"]["name"] for o in desired}
        for obj in existing:
            meta = obj["metadata"]
            if meta["name"] not in wanted and not meta.get("deletionTimestamp"):
                log.info("deleting %s %s/%s", kind, meta["namespace"], meta["name"])
                await self.kube.delete(api_version, kind, meta["name"], meta["namespace"])
        for obj in desired:
            await self.kube.apply(obj, force=True)

    async def write_status(self, obj: Manifest, status: dict[str, Any]) -> None:
        """Apply an object's status when it changed (ignoring condition timestamps)."""
        if _comparable(obj.get("status") or {}) == _comparable(status):
            return
        meta = obj["metadata"]
        await self.kube.apply_status(
            {
                "apiVersion": obj.get("apiVersion", self.api_version),
                "kind": obj.get("kind", self.kind),
                "metadata": {"name": meta["name"], "namespace": meta["namespace"]},
                "status": status,
            },
            force=True,
        )


def _comparable(status: Mapping[str, Any]) -> dict[str, Any]:
    out = dict(status)
    out["conditions"] = [
        {k: v for k, v in c.items() if k not in {"lastTransitionTime", "lastUpdateTime"}}
        for c in status.get("conditions") or []
    ]
    return out
