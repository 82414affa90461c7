"""Kubernetes Events for every decision the controller makes about a ModelDeployment.

The reference emits none, so ``kubectl describe`` shows nothing about why a provider was chosen
or why a deployment failed validation.  We record one Event per *change* of decision (not per
reconcile), so a thousand reconciles of a stable object add no noise.  Recording is best effort:
an Event that cannot be written is logged and never fails a reconcile.
"""

from __future__ import annotations

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
    """Writes core/v1 Events about objects with this controller as the source."""

    def __init__(self, kube: Kube, instance: str) -> None:
        self._kube = kube
        self._instance = instance

    async def record(self, obj: dict[str, Any], event: EventSpec) -> None:
        """Record ``event`` about ``obj`` (a manifest with apiVersion, kind and metadata)."""
        meta = obj["metadata"]
        namespace = meta.get("namespace") or "default"
        now = dt.datetime.now(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
        manifest = {
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
        try:
            await self._kube.create(manifest)
        except KubeError as exc:
            log.warning("could not record event %s on %s: %s", event.reason, meta["name"], exc)
