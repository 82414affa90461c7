"""Kubernetes Events for every decision the controller makes about a ModelDeployment.

The reference emits none, so ``kubectl describe`` shows nothing about why a provider was chosen
or why a deployment failed validation.  We record one Event per *change* of decision (not per
reconcile), so a thousand reconciles of a stable object add no noise.  Recording is best effort:
an Event that cannot be written is logged and never fails a reconcile.

Events are written by a few background senders, not by the reconcile that decided them: an
Event is an extra API round trip, and a reconcile worker waiting on it cannot start the next
object (under a burst of creates that wait halved the controller's throughput).
"""

from __future__ import annotations

import asyncio
import contextlib
import datetime as dt
import logging
import uuid
from dataclasses import dataclass
from typing import Any, Literal

from airunway.kube.client import Kube
from airunway.kube.errors import KubeError

log = logging.getLogger(__name__)
COMPONENT = "airunway-controller"


@dataclass(frozen=True)
class EventSpec:
    """What to say about an object."""

    type: Literal["Normal", "Warning"]
    reason: str
    message: str


class EventRecorder:
    """Writes core/v1 Events about objects with this controller as the source.

    ``record`` only queues; ``senders`` tasks write.  A full backlog drops the Event with a
    warning rather than stall reconciles (Events are a diagnostic, status is the record).
    """

    def __init__(
        self, kube: Kube, instance: str, *, senders: int = 4, backlog: int = 10_000
    ) -> None:
        self._kube = kube
        self._instance = instance
        self._senders = senders
        self._queue: asyncio.Queue[dict[str, Any]] = asyncio.Queue(maxsize=backlog)
        self._tasks: list[asyncio.Task[None]] = []

    async def record(self, obj: dict[str, Any], event: EventSpec) -> None:
        """Queue ``event`` about ``obj`` (a manifest with apiVersion, kind and metadata)."""
        manifest = self._manifest(obj, event)
        if not self._tasks:
            self._tasks = [asyncio.create_task(self._send()) for _ in range(self._senders)]
        try:
            self._queue.put_nowait(manifest)
        except asyncio.QueueFull:
            log.warning(
                "event backlog full: dropped %s on %s", event.reason, obj["metadata"]["name"]
            )

    async def flush(self) -> None:
        """Wait until every queued Event has been written (or failed)."""
        if self._tasks:
            await self._queue.join()

    async def aclose(self, timeout: float = 5.0) -> None:
        """Write what is queued (for at most ``timeout`` seconds), then stop the senders."""
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(self.flush(), timeout)
        for task in self._tasks:
            task.cancel()
        for task in self._tasks:
            with contextlib.suppress(asyncio.CancelledError):
                await task
        self._tasks = []

    async def _send(self) -> None:
        while True:
            manifest = await self._queue.get()
            try:
                await self._kube.create(manifest)
            except KubeError as exc:
                log.warning(
                    "could not record event %s on %s: %s",
                    manifest["reason"],
                    manifest["involvedObject"]["name"],
                    exc,
                )
            finally:
                self._queue.task_done()

    def _manifest(self, obj: dict[str, Any], event: EventSpec) -> dict[str, Any]:
        meta = obj["metadata"]
        namespace = meta.get("namespace") or "default"
        now = dt.datetime.now(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
        return {
            "apiVersion": "v1",
            "kind": "Event",
            "metadata": {
                "name": f"{meta['name']}.{uuid.uuid4().hex[:12]}",
                "namespace": namespace,
            },
            "involvedObject": {
                "apiVersion": obj["apiVersion"],
                "kind": obj["kind"],
                "name": meta["name"],
                "namespace": meta.get("namespace"),
                "uid": meta.get("uid"),
                "resourceVersion": meta.get("resourceVersion"),
            },
            "type": event.type,
            "reason": event.reason,
            "message": event.message[:1024],
            "source": {"component": COMPONENT},
            "reportingComponent": COMPONENT,
            "reportingInstance": self._instance,
            "firstTimestamp": now,
            "lastTimestamp": now,
            "count": 1,
        }
