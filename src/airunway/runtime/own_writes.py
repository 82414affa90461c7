"""The watch echo of a controller's own writes, recognised so it is not reconciled again.

Every write comes back on the watch.  Deciding again on exactly what we wrote costs a
reconcile with nothing new to see; any later change has another resourceVersion and is
reconciled as usual.  The core controller and every provider keep one of these.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

Key = tuple[str, str]  # namespace, name


def _identity(body: Mapping[str, Any]) -> tuple[Key, str | None]:
    meta = body.get("metadata") or {}
    version = meta.get("resourceVersion")
    key = (str(meta.get("namespace")), str(meta.get("name")))
    return key, str(version) if version else None


class OwnWrites:
    """The resourceVersion each object had after our last write of it, per object."""

    def __init__(self) -> None:
        self._versions: dict[Key, str] = {}

    def record(self, written: Mapping[str, Any]) -> None:
        """Remember the object a write returned."""
        key, version = _identity(written)
        if version is not None:
            self._versions[key] = version

    def is_echo(self, body: Mapping[str, Any]) -> bool:
        """Whether a watch event shows exactly our last write (then it is forgotten)."""
        key, version = _identity(body)
        if version is not None and self._versions.get(key) == version:
            del self._versions[key]
            return True
        return False

    def forget(self, key: Key) -> None:
        """The object is gone."""
        self._versions.pop(key, None)
