"""What the provider's watches last saw, so a reconcile reads memory instead of the API server.

Every pod that becomes ready changes its Deployment, which triggers a reconcile; reading the
ModelDeployment and each rendered object back with GETs made three API calls per such change,
per deployment.  The watches already deliver those bodies.  A body missing here is read from the
API server; a stale one is harmless: the status write carries the ModelDeployment's
resourceVersion (a conflict drops the entry and the retry reads afresh), and the newer watch
event that made it stale triggers the next reconcile.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

from airunway.api import API_VERSION, MODEL_DEPLOYMENT_KIND

Manifest = dict[str, Any]
ObjectKey = tuple[str, str, str, str]  # apiVersion, kind, namespace, name


def object_key(obj: Manifest) -> ObjectKey:
    """The cache key of a manifest."""
    meta = obj.get("metadata") or {}
    return (
        str(obj.get("apiVersion")),
        str(obj.get("kind")),
        str(meta.get("namespace") or ""),
        str(meta.get("name")),
    )


class WatchCache:
    """Bodies by key, fed by watch events (ADDED/MODIFIED put, DELETED drops)."""

    def __init__(self) -> None:
        self._bodies: dict[ObjectKey, Manifest] = {}

    def observe(self, event_type: str, body: Manifest) -> None:
        """Record one watch event."""
        key = object_key(body)
        if event_type == "DELETED":
            self._bodies.pop(key, None)
        else:
            self._bodies[key] = body

    def forget(self, obj: Manifest) -> None:
        """Drop what we hold for ``obj`` (it proved stale)."""
        self._bodies.pop(object_key(obj), None)

    async def read(self, obj: Manifest, fallback: Callable[[], Awaitable[Manifest]]) -> Manifest:
        """The body of ``obj`` as last watched, else ``fallback()`` (a GET)."""
        cached = self._bodies.get(object_key(obj))
        return cached if cached is not None else await fallback()


def md_stub(namespace: str, name: str) -> Manifest:
    """The identity of a ModelDeployment, for cache lookups."""
    return {
        "apiVersion": API_VERSION,
        "kind": MODEL_DEPLOYMENT_KIND,
        "metadata": {"namespace": namespace, "name": name},
    }
