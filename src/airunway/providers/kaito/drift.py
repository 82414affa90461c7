"""Drift detection for KAITO Workspaces through the last-applied annotation (providers.md §1.5).

Why not server-side apply or a plain compare: the KAITO operator defaults fields inside the very
maps the shim writes (``inference.preset.accessMode``), so comparing whole maps would see drift on
every reconcile, while ignoring every extra key would never delete a field the shim stopped
rendering.  The reference resolves this by recording what it wrote: the desired ``labels``,
``annotations``, ``resource`` and ``inference`` go into the ``airunway.ai/kaito-last-applied``
annotation, and an existing key that the desired object lacks counts as drift (and is removed)
only if the previous write had it.  Workspaces written before the annotation existed have no
record; for them extra keys directly under ``resource.labelSelector`` and its ``matchLabels`` are
still treated as ours, since no operator defaults them.

Everything here is pure: the runtime GETs the Workspace, asks :func:`needs_update`, and sends
:func:`merge_patch` as a JSON merge patch.  The annotation value is Go-encoded (``gojson``) so a
Workspace written by the reference matches without a patch.
"""

from __future__ import annotations

import copy
import json
from dataclasses import dataclass
from typing import Any, Final

from airunway.providers.sdk import gojson

LAST_APPLIED_ANNOTATION: Final = "airunway.ai/kaito-last-applied"
#: The top-level Workspace maps the shim owns (KAITO puts them at the root, not under ``spec``).
MANAGED_FIELDS: Final = ("resource", "inference")
#: Paths whose extra keys are ours even without a last-applied record.
_SELECTOR_PATHS: Final = (
    ("resource", "labelSelector"),
    ("resource", "labelSelector", "matchLabels"),
)

JSONMap = dict[str, Any]


@dataclass(frozen=True)
class LastApplied:
    """What the previous write recorded; None where the record is missing or malformed."""

    resource: JSONMap | None = None
    inference: JSONMap | None = None
    labels: dict[str, str] | None = None
    annotations: dict[str, str] | None = None

    def field(self, name: str) -> JSONMap | None:
        """The record of ``resource`` or ``inference``."""
        return self.resource if name == "resource" else self.inference


def _map(obj: JSONMap, key: str) -> JSONMap | None:
    value = obj.get(key)
    return value if isinstance(value, dict) else None


def _metadata_map(obj: JSONMap, key: str) -> dict[str, str]:
    metadata = _map(obj, "metadata") or {}
    values = _map(metadata, key) or {}
    return {k: v for k, v in values.items() if isinstance(v, str)}


def _managed_annotations(annotations: dict[str, str]) -> dict[str, str]:
    return {k: v for k, v in annotations.items() if k != LAST_APPLIED_ANNOTATION}


def _strict_string_map(value: object) -> dict[str, str] | None:
    if not isinstance(value, dict) or not all(isinstance(v, str) for v in value.values()):
        return None
    return dict(value)


def last_applied(workspace: JSONMap) -> str:
    """The annotation value recording ``workspace``'s managed fields: Go JSON with sorted keys."""
    fields: JSONMap = {
        "labels": _metadata_map(workspace, "labels"),
        "annotations": _managed_annotations(_metadata_map(workspace, "annotations")),
    }
    for name in MANAGED_FIELDS:
        value = _map(workspace, name)
        if value is not None:
            fields[name] = value
    return gojson.dumps(fields, sort_keys=True)


def with_last_applied(workspace: JSONMap) -> JSONMap:
    """A copy of ``workspace`` carrying its own last-applied annotation."""
    out = copy.deepcopy(workspace)
    metadata = out.setdefault("metadata", {})
    annotations = metadata.get("annotations") or {}
    metadata["annotations"] = {**annotations, LAST_APPLIED_ANNOTATION: last_applied(out)}
    return out


def _reject_constant(name: str) -> None:
    raise ValueError(f"invalid JSON constant {name}")


def read_last_applied(existing: JSONMap) -> LastApplied:
    """The record on an existing Workspace (all None when absent or unparseable)."""
    text = _metadata_map(existing, "annotations").get(LAST_APPLIED_ANNOTATION, "")
    if not text:
        return LastApplied()
    try:
        fields = json.loads(text, parse_constant=_reject_constant)
    except ValueError:
        return LastApplied()
    if not isinstance(fields, dict):
        return LastApplied()
    return LastApplied(
        resource=_map(fields, "resource"),
        inference=_map(fields, "inference"),
        labels=_strict_string_map(fields.get("labels")),
        annotations=_strict_string_map(fields.get("annotations")),
    )


def json_equal(left: object, right: object) -> bool:
    """Semantic equality of JSON values: booleans are not numbers, 1 equals 1.0."""
    if isinstance(left, bool) or isinstance(right, bool):
        return type(left) is type(right) and left == right
    if isinstance(left, dict) and isinstance(right, dict):
        return left.keys() == right.keys() and all(json_equal(left[k], right[k]) for k in left)
    if isinstance(left, list) and isinstance(right, list):
        return len(left) == len(right) and all(map(json_equal, left, right))
    if isinstance(left, int | float) and isinstance(right, int | float):
        return left == right
    return type(left) is type(right) and left == right


def _extra_is_managed(recorded: JSONMap | None, path: tuple[str, ...], key: str) -> bool:
    """Whether an existing key missing from desired was ours (so it is drift and goes)."""
    if recorded is not None:
        return key in recorded
    return path in _SELECTOR_PATHS


def _fields_match(
    desired: JSONMap, existing: JSONMap, recorded: JSONMap | None, path: tuple[str, ...]
) -> bool:
    for key, want in desired.items():
        if key not in existing:
            return False
        have = existing[key]
        if isinstance(want, dict) and isinstance(have, dict):
            if not _fields_match(want, have, _map(recorded or {}, key), (*path, key)):
                return False
        elif not json_equal(want, have):
            return False
    return not any(_extra_is_managed(recorded, path, key) for key in existing if key not in desired)


def _string_map_match(
    desired: dict[str, str], existing: dict[str, str], recorded: dict[str, str] | None
) -> bool:
    if any(existing.get(key) != value for key, value in desired.items()):
        return False
    return not any(key in (recorded or {}) for key in existing if key not in desired)


def needs_update(existing: JSONMap, desired: JSONMap) -> bool:
    """Whether the Workspace drifted from ``desired`` in a field the shim manages."""
    desired = _ensure_last_applied(desired)
    record = read_last_applied(existing)
    for name in MANAGED_FIELDS:
        want, have = _map(desired, name) or {}, _map(existing, name) or {}
        if not _fields_match(want, have, record.field(name), (name,)):
            return True
    desired_annotations = _metadata_map(desired, "annotations")
    existing_annotations = _metadata_map(existing, "annotations")
    metadata_matches = (
        _string_map_match(
            _metadata_map(desired, "labels"), _metadata_map(existing, "labels"), record.labels
        )
        and _string_map_match(
            _managed_annotations(desired_annotations),
            _managed_annotations(existing_annotations),
            record.annotations,
        )
        and existing_annotations.get(LAST_APPLIED_ANNOTATION, "")
        == desired_annotations.get(LAST_APPLIED_ANNOTATION, "")
    )
    return not metadata_matches


def _merge_managed_map(
    existing: JSONMap, desired: JSONMap, recorded: JSONMap | None, path: tuple[str, ...]
) -> JSONMap:
    merged = copy.deepcopy(existing)
    for key, want in desired.items():
        have = merged.get(key)
        if isinstance(want, dict) and isinstance(have, dict):
            merged[key] = _merge_managed_map(have, want, _map(recorded or {}, key), (*path, key))
        else:
            merged[key] = copy.deepcopy(want)
    for key in [k for k in merged if k not in desired]:
        if _extra_is_managed(recorded, path, key):
            del merged[key]
    return merged


def _merge_string_map(
    existing: dict[str, str], desired: dict[str, str], recorded: dict[str, str] | None
) -> dict[str, str] | None:
    merged = {**existing, **desired}
    for key in [k for k in merged if k not in desired and k in (recorded or {})]:
        del merged[key]
    return merged or None


def _set_metadata_map(obj: JSONMap, key: str, values: dict[str, str] | None) -> None:
    metadata = obj.setdefault("metadata", {})
    if values is None:
        metadata.pop(key, None)
    else:
        metadata[key] = values


def _ensure_last_applied(desired: JSONMap) -> JSONMap:
    if _metadata_map(desired, "annotations").get(LAST_APPLIED_ANNOTATION):
        return desired
    return with_last_applied(desired)


def updated(existing: JSONMap, desired: JSONMap) -> JSONMap:
    """``existing`` with the managed fields of ``desired`` written (the patch's target state)."""
    desired = _ensure_last_applied(desired)
    record = read_last_applied(existing)
    out = copy.deepcopy(existing)
    for name in MANAGED_FIELDS:
        want = _map(desired, name)
        if want is not None:
            out[name] = _merge_managed_map(_map(out, name) or {}, want, record.field(name), (name,))
        elif record.field(name) is not None:
            out.pop(name, None)
    labels = _merge_string_map(
        _metadata_map(out, "labels"), _metadata_map(desired, "labels"), record.labels
    )
    _set_metadata_map(out, "labels", labels)
    desired_annotations = _metadata_map(desired, "annotations")
    annotations = _merge_string_map(
        _managed_annotations(_metadata_map(out, "annotations")),
        _managed_annotations(desired_annotations),
        record.annotations,
    )
    if new_record := desired_annotations.get(LAST_APPLIED_ANNOTATION, ""):
        annotations = {**(annotations or {}), LAST_APPLIED_ANNOTATION: new_record}
    _set_metadata_map(out, "annotations", annotations)
    return out


def json_merge_patch(original: JSONMap, modified: JSONMap) -> JSONMap:
    """The RFC 7386 merge patch turning ``original`` into ``modified`` (maps recurse)."""
    patch: JSONMap = {}
    for key, value in modified.items():
        if key not in original:
            patch[key] = copy.deepcopy(value)
        elif isinstance(value, dict) and isinstance(original[key], dict):
            if nested := json_merge_patch(original[key], value):
                patch[key] = nested
        elif not json_equal(original[key], value):
            patch[key] = copy.deepcopy(value)
    for key in original:
        if key not in modified:
            patch[key] = None
    return patch


def merge_patch(existing: JSONMap, desired: JSONMap) -> JSONMap:
    """The JSON merge patch the runtime sends when :func:`needs_update` is true."""
    return json_merge_patch(existing, updated(existing, desired))
