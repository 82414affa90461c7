"""``spec.provider.overrides``: the raw escape hatch, deep-merged into a rendered object.

Maps merge recursively; anything else (lists included) replaces.  The four top-level keys that
would change an object's identity or status are blocked, and providers may block more (llm-d
blocks ``spec.template.spec``).  KAITO treats ``null`` as "delete this key"; the others write
``null`` through.  The admission webhook has already refused security- and sizing-sensitive keys.
"""

from __future__ import annotations

import copy
import json
from typing import Any

from airunway.api import ModelDeployment
from airunway.providers.sdk.errors import OverrideError

BLOCKED_TOP_LEVEL = ("apiVersion", "kind", "metadata", "status")


def overrides_of(md: ModelDeployment) -> dict[str, Any] | None:
    """The overrides object, or None when there are none."""
    provider = md.spec.provider
    raw = provider.overrides if provider is not None else None
    if raw is None:
        return None
    if isinstance(raw, str):
        try:
            raw = json.loads(raw)
        except json.JSONDecodeError as exc:
            raise OverrideError(f"failed to unmarshal overrides: {exc}") from exc
    if not isinstance(raw, dict):
        raise OverrideError("failed to unmarshal overrides: not a JSON object")
    return raw


def _has_path(obj: dict[str, Any], path: tuple[str, ...]) -> bool:
    node: Any = obj
    for part in path:
        if not isinstance(node, dict) or part not in node:
            return False
        node = node[part]
    return True


def deep_merge(
    base: dict[str, Any], patch: dict[str, Any], *, null_deletes: bool
) -> dict[str, Any]:
    """A new dict: ``patch`` merged into ``base`` (maps recurse, everything else replaces)."""
    out = copy.deepcopy(base)
    for key, value in patch.items():
        if value is None and null_deletes:
            out.pop(key, None)
        elif isinstance(value, dict) and isinstance(out.get(key), dict):
            out[key] = deep_merge(out[key], value, null_deletes=null_deletes)
        else:
            out[key] = copy.deepcopy(value)
    return out


def apply_overrides(
    obj: dict[str, Any],
    md: ModelDeployment,
    *,
    null_deletes: bool = False,
    blocked_paths: tuple[tuple[str, ...], ...] = (),
    consumed: tuple[str, ...] = (),
) -> dict[str, Any]:
    """``obj`` with the ModelDeployment's overrides merged in (unchanged when there are none).

    Top-level keys in ``consumed`` are settings the provider already read (Dynamo's typed keys);
    they are not merged: the upstream schema has no such fields, so the API server would prune
    them on an update and refuse them in a server-side apply.
    """
    overrides = overrides_of(md)
    if not overrides:
        return obj
    for key in BLOCKED_TOP_LEVEL:
        if key in overrides:
            raise OverrideError(f'overriding "{key}" is not allowed')
    for path in blocked_paths:
        if _has_path(overrides, path):
            raise OverrideError(f'overriding "{".".join(path)}" is not allowed')
    patch = {key: value for key, value in overrides.items() if key not in consumed}
    return deep_merge(obj, patch, null_deletes=null_deletes)
