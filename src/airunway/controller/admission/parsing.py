"""Turn an admission object (raw dict or model) into what the validation rules read.

Why this shape: the rules read the typed ``ModelDeployment`` model, but two things do not survive
parsing into it. ``spec.provider.overrides`` is declared as a JSON object, so the non-object
values rules V4/V5 exist to reject would make parsing fail before the rules could name them; the
raw value is therefore set aside before parsing and handed to the override rules as is. And an
object the strict model rejects (the API server's schema check runs before the validating
webhook, so this means the model is stricter than the CRD) must still be denied with field
errors, not crash the webhook; pydantic's errors are converted here, an invalid enum becoming
``Unsupported value`` with the allowed values as the reference's ``field.NotSupported`` prints
them (e.g. an unknown volume ``accessMode``).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Final

from pydantic import ValidationError
from pydantic_core import ErrorDetails

from airunway.api import ModelDeployment
from airunway.controller.admission.field_errors import (
    ErrorType,
    FieldError,
    FieldValue,
    internal,
    invalid,
    not_supported,
)


class _Absent:
    """Marker type of ``ABSENT``: the object has no ``spec.provider.overrides`` key."""

    def __repr__(self) -> str:
        return "ABSENT"


ABSENT: Final = _Absent()

#: The raw ``spec.provider.overrides`` value, or ``ABSENT``.
RawOverrides = object

_QUOTED_RE: Final = re.compile(r"'([^']*)'")


@dataclass(frozen=True)
class AdmissionObject:
    """A parsed ModelDeployment and its raw ``spec.provider.overrides`` value (or ``ABSENT``)."""

    md: ModelDeployment
    overrides: RawOverrides


class ParseFailedError(Exception):
    """The object does not parse into the ModelDeployment model; ``errors`` say where."""

    def __init__(self, errors: list[FieldError]) -> None:
        super().__init__("; ".join(str(e) for e in errors))
        self.errors = errors


def _loc_path(loc: tuple[int | str, ...]) -> str:
    path = ""
    for part in loc:
        if isinstance(part, int):
            path += f"[{part}]"
        else:
            path = f"{path}.{part}" if path else part
    return path


def _scalar(value: object) -> FieldValue:
    if value is None or isinstance(value, str | int | bool):
        return value
    return None


def _field_error(error: ErrorDetails, *, stored: bool) -> FieldError:
    path = _loc_path(error["loc"]) or "<root>"
    if stored:
        return internal(path, f"stored object does not parse: {error['msg']}")
    if error["type"] == "missing":
        return FieldError(path, ErrorType.REQUIRED)
    if error["type"] == "enum":
        expected = str(error.get("ctx", {}).get("expected", ""))
        return not_supported(path, _scalar(error["input"]), _QUOTED_RE.findall(expected))
    return invalid(path, _scalar(error["input"]), error["msg"])


def _set_aside_overrides(raw: Mapping[str, Any]) -> tuple[dict[str, Any], RawOverrides]:
    """Return ``raw`` without a non-object ``spec.provider.overrides``, and that raw value."""
    obj = dict(raw)
    spec = obj.get("spec")
    provider = spec.get("provider") if isinstance(spec, Mapping) else None
    if not isinstance(spec, Mapping) or not isinstance(provider, Mapping):
        return obj, ABSENT
    if "overrides" not in provider:
        return obj, ABSENT
    value = provider["overrides"]
    if not isinstance(value, Mapping):
        provider = {k: v for k, v in provider.items() if k != "overrides"}
        obj["spec"] = {**spec, "provider": provider}
    return obj, value


def from_raw(raw: Mapping[str, Any], *, stored: bool = False) -> AdmissionObject:
    """Parse a raw ModelDeployment dict, keeping its raw overrides value.

    Parameters
    ----------
    raw
        The ``AdmissionReview`` ``request.object`` (or ``oldObject``); it is not modified.
    stored
        True for ``oldObject``: its parse errors become ``Internal error``s (the user cannot fix
        the stored object).

    Raises
    ------
    ParseFailedError
        When the object does not parse; its ``errors`` are field errors to deny with.
    """
    obj, overrides = _set_aside_overrides(raw)
    try:
        md = ModelDeployment.model_validate(obj)
    except ValidationError as exc:
        raise ParseFailedError([_field_error(e, stored=stored) for e in exc.errors()]) from exc
    return AdmissionObject(md, overrides)


def from_model(md: ModelDeployment) -> AdmissionObject:
    """Wrap a parsed model; an explicit ``overrides: null`` counts as a present, null value."""
    provider = md.spec.provider
    if provider is None:
        return AdmissionObject(md, ABSENT)
    if provider.overrides is None and "overrides" not in provider.model_fields_set:
        return AdmissionObject(md, ABSENT)
    return AdmissionObject(md, provider.overrides)


def admission_object(
    obj: ModelDeployment | Mapping[str, Any], *, stored: bool = False
) -> AdmissionObject:
    """Return ``obj`` ready for the rules, whether a model or a raw dict (see ``from_raw``)."""
    if isinstance(obj, ModelDeployment):
        return from_model(obj)
    return from_raw(obj, stored=stored)
