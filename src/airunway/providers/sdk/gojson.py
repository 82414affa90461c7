r"""JSON text byte-identical to Go's ``encoding/json.Marshal``, for values other programs compare.

Provider annotations (the IPC's ``airunway.ai/capabilities``, ``/installation`` and ``/health``,
KAITO's ``airunway.ai/kaito-last-applied``) are strings that the reference writes with
``json.Marshal`` and that readers compare as strings: a byte of difference means "changed" (a
needless update, or a drift patch on every reconcile after migrating from the reference).
Python's ``json`` differs from Go in three ways that matter here, and this module closes them:

* Go escapes ``<``, ``>`` and ``&`` as ``\u003c``, ``\u003e``, ``\u0026`` (HTML-safe), and
  U+2028/U+2029 as ``\u2028``/``\u2029``; it never escapes other non-ASCII text.
* Go writes floats in the shortest form without a fractional ``.0`` (``1.0`` is ``1``) and uses an
  exponent only below 1e-6 or from 1e21 on, with no zero padding (``1e-07`` is ``1e-7``).
* Go sorts map keys but keeps struct fields in declaration order.  Here a ``dict`` stands for
  either: its insertion order is kept (build struct-like dicts in the Go field order and leave out
  what ``omitempty`` would drop), unless ``sort_keys`` asks for map semantics at every level.

Output is compact (no spaces), as ``json.Marshal`` writes it.
"""

from __future__ import annotations

import json
import math
from collections.abc import Mapping, Sequence
from decimal import Decimal
from typing import Final

#: Go escapes these inside strings (HTML safety, and the JS line separators).
_GO_ESCAPES: Final = {char: f"\\u{ord(char):04x}" for char in "<>&\u2028\u2029"}
_GO_SMALL: Final = 1e-6
_GO_LARGE: Final = 1e21


def _string(value: str) -> str:
    text = json.dumps(value, ensure_ascii=False)
    for raw, escaped in _GO_ESCAPES.items():
        text = text.replace(raw, escaped)
    return text


def _float(value: float) -> str:
    if not math.isfinite(value):
        raise ValueError(f"json: unsupported value: {value!r}")
    if value == 0:
        return "-0" if math.copysign(1.0, value) < 0 else "0"
    text = repr(value)  # the shortest digits that round-trip, as Go's precision -1
    if _GO_SMALL <= abs(value) < _GO_LARGE:
        body = format(Decimal(text), "f")
        return body.rstrip("0").removesuffix(".") if "." in body else body
    # Python's repr uses an exponent outside [1e-4, 1e16), so it has one here.
    mantissa, _, exponent = text.partition("e")
    power = int(exponent)
    return f"{mantissa.removesuffix('.0')}e{'-' if power < 0 else '+'}{abs(power)}"


def _scalar(value: object) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str):
        return _string(value)
    if isinstance(value, int):
        return str(int(value))
    if isinstance(value, float):
        return _float(value)
    raise TypeError(f"json: unsupported type: {type(value).__name__}")


def dumps(value: object, *, sort_keys: bool = False) -> str:
    """``value`` encoded as Go's ``json.Marshal`` would.

    Parameters
    ----------
    value
        JSON-shaped data: dicts with string keys, lists/tuples, str, int, float, bool, None.
    sort_keys
        Sort every dict's keys (Go map semantics).  Without it dicts keep their insertion order
        (Go struct semantics).

    Returns
    -------
    str
        Compact JSON text.
    """
    if isinstance(value, Mapping):
        keys = sorted(value) if sort_keys else list(value)
        items = (f"{_string(str(k))}:{dumps(value[k], sort_keys=sort_keys)}" for k in keys)
        return "{" + ",".join(items) + "}"
    if isinstance(value, Sequence) and not isinstance(value, str | bytes):
        return "[" + ",".join(dumps(v, sort_keys=sort_keys) for v in value) + "]"
    return _scalar(value)
