"""Deciding that a write would change nothing, so the provider loop can skip it.

Every upstream status change (a pod becoming ready) triggers a reconcile; re-applying every
rendered object and re-writing an identical status each time cost the API server and the
provider most of their CPU under a fleet of deployments.  These pure helpers let the loop write
only when something differs, while drift (a change by someone else) is still noticed.
"""

from __future__ import annotations

import hashlib
import json
from typing import Any

from airunway.providers.sdk.base import Manifest


def same_json(ours: Any, theirs: Any) -> bool:  # noqa: ANN401 - JSON values
    """JSON equality where a list of conditions compares by type, not by position."""
    if isinstance(ours, dict) and isinstance(theirs, dict):
        return ours.keys() == theirs.keys() and all(same_json(ours[k], theirs[k]) for k in ours)
    if isinstance(ours, list) and isinstance(theirs, list):
        if len(ours) != len(theirs):
            return False
        pairs = zip(sorted(ours, key=_by_type), sorted(theirs, key=_by_type), strict=True)
        return all(same_json(a, b) for a, b in pairs)
    return bool(ours == theirs)


def _by_type(item: Any) -> str:  # noqa: ANN401 - JSON values
    """Conditions sort by type; anything else keeps its position (stable sort, equal keys)."""
    return str(item.get("type")) if isinstance(item, dict) else ""


def digest(obj: Manifest) -> str:
    """A stable fingerprint of a manifest."""
    return hashlib.sha256(json.dumps(obj, sort_keys=True).encode()).hexdigest()


def live_version(obj: Manifest) -> str:
    """What changes when someone else changes an object's desired state.

    ``generation`` where the kind keeps one (status-only updates leave it alone, so a Deployment
    rolling its pods does not look like drift); otherwise the resourceVersion.
    """
    meta = obj.get("metadata") or {}
    generation = meta.get("generation")
    return f"g{generation}" if generation else f"r{meta.get('resourceVersion')}"


def metadata_kept(desired: Manifest, live: Manifest) -> bool:
    """Whether the labels and annotations we set are still on the live object."""
    for field_name in ("labels", "annotations"):
        ours = desired.get("metadata", {}).get(field_name) or {}
        theirs = live.get("metadata", {}).get(field_name) or {}
        if any(theirs.get(k) != v for k, v in ours.items()):
            return False
    return True


def owned_by(obj: Manifest, uid: str | None) -> bool:
    """Whether ``obj`` has an owner reference to the ModelDeployment ``uid``."""
    refs = obj.get("metadata", {}).get("ownerReferences") or []
    return uid is not None and any(r.get("uid") == uid for r in refs)


def conflict_message(obj: Manifest) -> str:
    """Why an object of the same name that we do not own blocks the deployment."""
    meta = obj["metadata"]
    return (
        f"resource {meta.get('namespace')}/{meta['name']} exists but is not managed by this "
        "ModelDeployment"
    )
