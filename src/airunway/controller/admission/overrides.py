"""Rules V4-V7: ``spec.provider.overrides`` must be a JSON object without dangerous keys.

Why this shape: overrides are a raw escape hatch merged into provider-rendered objects after
admission, so the webhook filters them by key, anywhere in the tree (objects inside arrays
included). Two independent walks run, as in the reference: the security walk (V6) and the sizing
walk (V7); each reports a forbidden key once and does not descend below it, but the walks do not
know about each other, so a sizing key under a security key is still reported by the sizing walk.
The walk is iterative (deeply nested input cannot exhaust Python's recursion limit) and visits
keys in document order, so errors come out in a stable order (the reference's Go map order is
random). The raw value arrives as parsed JSON, or as JSON text when the caller had it as a
string; Go's decoder is matched by rejecting ``NaN``/``Infinity`` literals that Python accepts.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any, Final

from airunway.controller.admission.field_errors import (
    FieldError,
    child,
    forbidden,
    go_quote,
    index,
    invalid,
)
from airunway.controller.admission.parsing import ABSENT, RawOverrides

OVERRIDES_PATH: Final = "spec.provider.overrides"

#: Keys that could escalate privileges or bypass security controls (V6).
BLOCKED_OVERRIDE_KEYS: Final = (
    "securityContext",
    "serviceAccountName",
    "serviceAccount",
    "hostNetwork",
    "hostPID",
    "hostIPC",
    "automountServiceAccountToken",
    "nodeName",
    "priorityClassName",
    "runtimeClassName",
)
#: Keys that could bypass the admission resource ceilings (V7).
SIZING_OVERRIDE_KEYS: Final = ("replicas", "resources")

MSG_INVALID_JSON: Final = "overrides must be valid JSON"
MSG_NOT_OBJECT: Final = "overrides must be a JSON object"


def security_detail(key: str) -> str:
    """Return the V6 detail for ``key``."""
    return f"overriding {go_quote(key)} is not allowed for security reasons"


def sizing_detail(key: str) -> str:
    """Return the V7 detail for ``key``."""
    return (
        f"overriding {go_quote(key)} is not allowed because it can bypass "
        "admission resource limits; use spec.resources / spec.scaling instead"
    )


def redacted(size: int) -> str:
    """Return the stand-in value the errors show instead of the overrides payload."""
    return f"<redacted {size} bytes>"


def _reject_constant(name: str) -> object:
    raise ValueError(f"{name} is not valid JSON")


def _scalar_size(value: object) -> int:
    text = json.dumps(value, ensure_ascii=False, default=str)
    return len(text.encode())


def encoded_size(value: object) -> int:
    """Byte length of ``value`` as compact JSON (what the API server sends), without recursion."""
    size = 0
    stack = [value]
    while stack:
        item = stack.pop()
        if isinstance(item, dict):
            # braces, a colon per member, commas between members, and the quoted keys
            size += 2 + len(item) + max(len(item) - 1, 0)
            size += sum(_scalar_size(str(k)) for k in item)
            stack.extend(item.values())
        elif isinstance(item, list | tuple):
            size += 2 + max(len(item) - 1, 0)
            stack.extend(item)
        else:
            size += _scalar_size(item)
    return size


def find_keys(
    tree: dict[str, Any], path: str, keys: tuple[str, ...], detail: Callable[[str], str]
) -> list[FieldError]:
    """Report every key of ``keys`` in ``tree``, at any depth, without descending below one.

    Parameters
    ----------
    tree
        The overrides object.
    path
        The field path of ``tree``.
    keys
        The forbidden keys.
    detail
        The error detail for a forbidden key.
    """
    errors: list[FieldError] = []
    stack: list[tuple[str, object]] = [(path, tree)]
    while stack:
        where, value = stack.pop()
        children: list[tuple[str, object]] = []
        if isinstance(value, dict):
            for key, item in value.items():
                key_path = child(where, str(key))
                if key in keys:
                    errors.append(forbidden(key_path, detail(key)))
                else:
                    children.append((key_path, item))
        elif isinstance(value, list):
            children = [(index(where, i), item) for i, item in enumerate(value)]
        stack.extend(reversed(children))
    return errors


def check_overrides(raw: RawOverrides) -> list[FieldError]:
    """Return the V4-V7 errors of a raw overrides value (``ABSENT`` when the key is missing).

    A ``str`` is taken as JSON text (V4 when it does not parse); any other value is the parsed
    JSON. Anything but an object (array, string, number, boolean, null) fails V5.
    """
    if raw is ABSENT:
        return []
    value: object = raw
    if isinstance(raw, str):
        try:
            value = json.loads(raw, parse_constant=_reject_constant)
        except (ValueError, RecursionError):
            return [invalid(OVERRIDES_PATH, redacted(len(raw.encode())), MSG_INVALID_JSON)]
    if not isinstance(value, dict):
        size = len(raw.encode()) if isinstance(raw, str) else encoded_size(raw)
        return [invalid(OVERRIDES_PATH, redacted(size), MSG_NOT_OBJECT)]
    return find_keys(value, OVERRIDES_PATH, BLOCKED_OVERRIDE_KEYS, security_detail) + find_keys(
        value, OVERRIDES_PATH, SIZING_OVERRIDE_KEYS, sizing_detail
    )
