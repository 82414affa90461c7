"""Kubernetes ``resource.Quantity`` parsing with the API machinery's exact decimal semantics.

Why this shape: two admission rules depend on a quantity's *value*, not its spelling: the CPU
and memory ceilings (``512`` cores, ``4Ti``) and the immutability of managed volume sizes
(``1Gi`` equals ``1024Mi``). A float would make ``4Ti`` plus a nano unequal to ``4Ti`` or worse, so
values are ``decimal.Decimal``. The parser follows ``resource.ParseQuantity``
(``k8s.io/apimachinery/pkg/api/resource/quantity.go``) step by step, including its leniencies
(``"m"`` and ``"-"`` parse as zero, exponents wrap to int32) and its two value paths: a fast path
that keeps small exact values as they are, and a slow path that rounds non-zero values away from
zero to a multiple of 1n and caps the magnitude at 2^63-1. Only the int32 overflow of the internal
scale, reachable with exponents near ±2^31, is not reproduced.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import MAX_EMAX, MIN_EMIN, ROUND_UP, Context, Decimal
from typing import Final

_DIGITS: Final = frozenset("0123456789")
_SUFFIX_CHARS: Final = frozenset("eEinumkKMGTP")
_DECIMAL_SUFFIXES: Final = {
    "n": -9,
    "u": -6,
    "m": -3,
    "": 0,
    "k": 3,
    "M": 6,
    "G": 9,
    "T": 12,
    "P": 15,
    "E": 18,
}
_BINARY_SUFFIXES: Final = {"Ki": 10, "Mi": 20, "Gi": 30, "Ti": 40, "Pi": 50, "Ei": 60}
_EXPONENT_RE: Final = re.compile(r"[+-]?[0-9]+")
_INT64_MAX: Final = 2**63 - 1
_INT64_MIN: Final = -(2**63)
_INT32_SPAN: Final = 2**32
_INT32_MIN: Final = -(2**31)
_MAX_INT64_FACTORS: Final = 18
_NANO_SCALE: Final = -9
_NANO: Final = Decimal("1E-9")
_MAX_ALLOWED: Final = Decimal(_INT64_MAX)
_ROUNDING_CONTEXT: Final = Context(prec=64, Emax=MAX_EMAX, Emin=MIN_EMIN)


class QuantityError(ValueError):
    """The text is not a Kubernetes quantity."""


@dataclass(frozen=True)
class _Parts:
    """The pieces ``parseQuantityString`` cuts a quantity into."""

    positive: bool
    value: str
    num: str
    denom: str
    suffix: str


def _scan_digits(text: str, pos: int) -> int:
    while pos < len(text) and text[pos] in _DIGITS:
        pos += 1
    return pos


def _split_suffix(text: str, pos: int) -> str:
    """Return the suffix starting at ``pos``: suffix letters, an optional sign, then digits."""
    start, end = pos, len(text)
    while pos < end and text[pos] in _SUFFIX_CHARS:
        pos += 1
    if pos < end and text[pos] in "+-":
        pos += 1
    if _scan_digits(text, pos) < end:
        raise QuantityError(f"quantity {text!r} does not match the expected format")
    return text[start:]


def _split(text: str) -> _Parts:
    """Cut ``text`` into sign, number, numerator digits, fraction digits and suffix."""
    positive, pos, end = True, 0, len(text)
    if text[0] in "+-":
        positive, pos = text[0] == "+", 1
    while pos < end and text[pos] == "0":
        pos += 1
    if pos >= end:
        return _Parts(positive, "0", "0", "", "")
    start, pos = pos, _scan_digits(text, pos)
    num = text[start:pos] or "0"
    if pos >= end:
        return _Parts(positive, text, num, "", "")
    denom = ""
    if text[pos] == ".":
        start = pos + 1
        pos = _scan_digits(text, start)
        denom = text[start:pos]
        if pos >= end:
            return _Parts(positive, text, num, denom, "")
    return _Parts(positive, text[:pos], num, denom, _split_suffix(text, pos))


def _interpret(suffix: str) -> tuple[int, bool]:
    """Return the suffix's exponent and whether it is binary (powers of 2) or decimal."""
    if suffix in _DECIMAL_SUFFIXES:
        return _DECIMAL_SUFFIXES[suffix], False
    if suffix in _BINARY_SUFFIXES:
        return _BINARY_SUFFIXES[suffix], True
    if len(suffix) > 1 and suffix[0] in "eE" and _EXPONENT_RE.fullmatch(suffix[1:]):
        exponent = int(suffix[1:])
        if _INT64_MIN <= exponent <= _INT64_MAX:
            # Go converts the parsed int64 to int32, wrapping around.
            return (exponent - _INT32_MIN) % _INT32_SPAN + _INT32_MIN, False
    raise QuantityError(f"unable to parse quantity's suffix {suffix!r}")


def _fast_path(parts: _Parts, exponent: int, *, binary: bool) -> bool:
    """Whether ``ParseQuantity`` keeps the value as an exact int64 with a scale."""
    if binary:
        if exponent < 0 or parts.denom:
            return False
        precision = 15 - len(parts.num) - exponent * 3 // 10 - 1
        return precision >= 0 and int(parts.num) << exponent <= _INT64_MAX
    precision = _MAX_INT64_FACTORS - len(parts.num) - len(parts.denom)
    return precision >= 0 and exponent - len(parts.denom) >= _NANO_SCALE


def _magnitude(parts: _Parts, exponent: int, *, binary: bool) -> Decimal:
    """The exact absolute value the digits and the suffix denote."""
    if not binary:
        return Decimal(f"{parts.num}.{parts.denom}E{exponent}")
    digits = len(parts.num) + len(parts.denom)
    context = Context(prec=digits + 32, Emax=MAX_EMAX, Emin=MIN_EMIN)
    return context.multiply(Decimal(f"{parts.num}.{parts.denom}"), Decimal(2**exponent))


def _round_and_cap(magnitude: Decimal) -> Decimal:
    """Round a non-zero magnitude up to a multiple of 1n, then cap it at 2^63-1."""
    if magnitude.is_zero():
        return magnitude
    if magnitude > _MAX_ALLOWED:
        return _MAX_ALLOWED
    return magnitude.quantize(_NANO, rounding=ROUND_UP, context=_ROUNDING_CONTEXT)


def parse_quantity(text: str | int) -> Decimal:
    """Return the exact value of a Kubernetes quantity (``resource.ParseQuantity``).

    Parameters
    ----------
    text
        The quantity as written (``"40Gi"``, ``"500m"``, ``"1e3"``) or a JSON integer.

    Returns
    -------
    Decimal
        The value, exact (``1Gi`` and ``1024Mi`` compare equal).

    Raises
    ------
    QuantityError
        When ``text`` is not a quantity.
    """
    if isinstance(text, int):
        text = str(text)
    if not text:
        raise QuantityError("quantities must match the regular expression")
    if text == "0":
        return Decimal(0)
    parts = _split(text)
    exponent, binary = _interpret(parts.suffix)
    fast = _fast_path(parts, exponent, binary=binary)
    if not fast and not _DIGITS.intersection(parts.value):
        raise QuantityError(f"quantity {text!r} has no digits")
    magnitude = _magnitude(parts, exponent, binary=binary)
    if not fast:
        magnitude = _round_and_cap(magnitude)
    # copy_negate ignores the context's exponent limits, which unary minus would enforce
    return magnitude if parts.positive else magnitude.copy_negate()


def is_quantity(text: str | int) -> bool:
    """Return whether ``text`` parses as a quantity."""
    try:
        parse_quantity(text)
    except QuantityError:
        return False
    return True
