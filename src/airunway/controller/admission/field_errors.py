"""Field errors rendered exactly as Kubernetes' ``field.Error`` renders them, and their aggregate.

Why this shape: admission denials are API surface (users, scripts and tests match on them), so the
text must be the reference's byte for byte (spec controller-and-crds §2.3). The reference builds
them with ``k8s.io/apimachinery/pkg/util/validation/field``; this module reproduces that
package's ``Error.Error()`` (``<path>: <Type>[: <value>]: <detail>``), its value printing (Go
``%q`` for strings, bare numbers and booleans, ``null`` for nil, Go syntax for composites) and
``ErrorList.ToAggregate().Error()`` (duplicates dropped, one error bare, several in ``[…]``).
Errors are plain frozen data so rules can be tested by comparing them, and rendering lives in one
place. Composite values are carried pre-rendered (``GoLiteral``) because the reference prints them
with Go's ``%#v``, which only a few call sites need and which tests must never match on.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from enum import StrEnum
from typing import Final

from airunway.api.gostr import go_quote as go_quote  # noqa: PLC0414 - re-exported

#: Name of the validating webhook; the API server prefixes every denial with it.
VALIDATING_WEBHOOK_NAME: Final = "vmodeldeployment-v1alpha1.kb.io"


class ErrorType(StrEnum):
    """The ``field.ErrorType`` texts the admission rules use."""

    INVALID = "Invalid value"
    REQUIRED = "Required value"
    FORBIDDEN = "Forbidden"
    NOT_SUPPORTED = "Unsupported value"
    INTERNAL = "Internal error"


#: Types whose rendering never shows the value (``field.Error.ErrorBody``).
_VALUELESS: Final = frozenset({ErrorType.REQUIRED, ErrorType.FORBIDDEN, ErrorType.INTERNAL})


@dataclass(frozen=True)
class GoLiteral:
    """A value already spelt the way Go's ``%#v`` prints it (slices, structs)."""

    text: str


class _Omitted:
    """Marker type of ``OMITTED``: the error carries no value at all."""

    def __repr__(self) -> str:
        return "OMITTED"


OMITTED: Final = _Omitted()

#: What an error can carry as its offending value.
FieldValue = str | int | bool | GoLiteral | None


def go_string_slice(items: Sequence[str] | None) -> GoLiteral:
    """Return a ``[]string`` as ``%#v`` prints it: ``[]string{"a", "b"}`` or ``[]string(nil)``."""
    if items is None:
        return GoLiteral("[]string(nil)")
    return GoLiteral("[]string{" + ", ".join(go_quote(i) for i in items) + "}")


def render_value(value: FieldValue) -> str:
    """Return ``value`` as ``field.Error`` prints a bad value."""
    if value is None:
        return "null"
    if isinstance(value, GoLiteral):
        return value.text
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    return go_quote(str(value))


@dataclass(frozen=True)
class FieldError:
    """One rule violation: where (``path``), what kind (``type``), the value and why (``detail``).

    ``path`` uses dots and ``[i]`` indices, as ``field.Path.String()`` does.
    """

    path: str
    type: ErrorType
    detail: str = ""
    value: FieldValue | _Omitted = OMITTED

    def body(self) -> str:
        """Return the text after ``<path>: `` (``field.Error.ErrorBody``)."""
        text = str(self.type)
        if self.type not in _VALUELESS and not isinstance(self.value, _Omitted):
            text += ": " + render_value(self.value)
        if self.detail:
            text += ": " + self.detail
        return text

    def __str__(self) -> str:
        return f"{self.path}: {self.body()}"


def invalid(path: str, value: FieldValue, detail: str) -> FieldError:
    """Return a ``field.Invalid`` error."""
    return FieldError(path, ErrorType.INVALID, detail, value)


def required(path: str, detail: str) -> FieldError:
    """Return a ``field.Required`` error."""
    return FieldError(path, ErrorType.REQUIRED, detail)


def forbidden(path: str, detail: str) -> FieldError:
    """Return a ``field.Forbidden`` error."""
    return FieldError(path, ErrorType.FORBIDDEN, detail)


def not_supported(path: str, value: FieldValue, supported: Sequence[str]) -> FieldError:
    """Return a ``field.NotSupported`` error listing the ``supported`` values."""
    detail = "supported values: " + ", ".join(go_quote(s) for s in supported)
    return FieldError(path, ErrorType.NOT_SUPPORTED, detail, value)


def internal(path: str, detail: str) -> FieldError:
    """Return a ``field.InternalError`` error whose wrapped error text is ``detail``."""
    return FieldError(path, ErrorType.INTERNAL, detail)


def child(path: str, *names: str) -> str:
    """Return ``path`` extended by field names (``field.Path.Child``)."""
    return ".".join((path, *names)) if path else ".".join(names)


def index(path: str, i: int) -> str:
    """Return ``path`` extended by a list index (``field.Path.Index``)."""
    return f"{path}[{i}]"


def aggregate_message(errors: Iterable[FieldError]) -> str:
    """Return the text of ``ErrorList.ToAggregate()``: the single error, or ``[e1, e2, …]``.

    Identical texts are reported once, in first-seen order; no errors give ``""``.
    """
    texts = list(dict.fromkeys(str(e) for e in errors))
    if len(texts) == 1:
        return texts[0]
    return f"[{', '.join(texts)}]" if texts else ""


def denial_message(errors: Iterable[FieldError], webhook: str = VALIDATING_WEBHOOK_NAME) -> str:
    """Return the message a client sees when the validating webhook denies a request.

    The webhook itself answers with ``aggregate_message`` as the response status message; the
    API server adds the ``admission webhook "<name>" denied the request: `` prefix. This helper
    builds the full client-side text (for tests, the CLI and documentation).
    """
    return f"admission webhook {go_quote(webhook)} denied the request: {aggregate_message(errors)}"
