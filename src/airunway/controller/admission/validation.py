"""The validating webhook's logic: ``validate_create`` and ``validate_update`` (spec §2.3-§2.7).

Why this shape: this module only orders the rules, which live in one module per concern
(``spec_rules``, ``overrides``, ``provider``, ``storage``, ``limits``, ``update``,
``spec_warnings``). Every rule runs and all errors are collected (the reference does not stop at
the first), in the reference's order: V0 on CREATE, then ``validate_spec`` (V1-V3, V4-V7, V8,
V9, V10-V15, storage, L1-L5), then on UPDATE the §2.7 rules; warnings are V9's then §2.6's. The
functions are pure: the provider lookup is injected, and the result is data that the webhook
server turns into an ``AdmissionReview`` response (deny with ``AdmissionResult.message`` when
``errors`` is non-empty, and pass ``warnings`` either way).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from airunway.api import ModelDeployment
from airunway.api.cel import MSG_NAME_HAS_DOTS
from airunway.controller.admission.field_errors import (
    FieldError,
    aggregate_message,
    denial_message,
    invalid,
)
from airunway.controller.admission.limits import check_limits
from airunway.controller.admission.overrides import check_overrides
from airunway.controller.admission.parsing import (
    AdmissionObject,
    ParseFailedError,
    admission_object,
)
from airunway.controller.admission.provider import ProviderLookup, check_provider
from airunway.controller.admission.spec_rules import (
    check_disaggregated,
    check_engine_fields,
    check_mocker_engine,
    check_model_id,
)
from airunway.controller.admission.spec_warnings import spec_warnings
from airunway.controller.admission.storage import check_storage
from airunway.controller.admission.update import check_update

#: What the validators accept: the parsed model or the raw ``AdmissionReview`` object dict.
AdmissionInput = ModelDeployment | Mapping[str, Any]


@dataclass(frozen=True)
class AdmissionResult:
    """The verdict: allowed when there are no ``errors``; ``warnings`` are returned either way."""

    errors: list[FieldError] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)

    @property
    def allowed(self) -> bool:
        """Whether the request is admitted."""
        return not self.errors

    @property
    def message(self) -> str:
        """The denial's status message (the aggregate of ``errors``; ``""`` when allowed)."""
        return aggregate_message(self.errors)

    @property
    def denial_message(self) -> str:
        """The full text a client sees, with the API server's webhook prefix."""
        return denial_message(self.errors)


def validate_spec(
    obj: AdmissionObject, lookup: ProviderLookup | None
) -> tuple[list[FieldError], list[str]]:
    """Run the CREATE-and-UPDATE rules (§2.4) on ``obj``; return errors and V9's warnings."""
    md = obj.md
    spec = md.spec
    errors = [
        *check_engine_fields(spec),
        *check_model_id(spec),
        *check_overrides(obj.overrides),
        *check_mocker_engine(md),
    ]
    provider_errors, warnings = check_provider(md, lookup)
    errors += provider_errors
    errors += check_disaggregated(md)
    errors += check_storage(md)
    errors += check_limits(spec)
    return errors, warnings


def _name_errors(md: ModelDeployment) -> list[FieldError]:
    """V0: derived volume and service names cannot contain dots."""
    name = md.metadata.name or ""
    return [invalid("metadata.name", name, MSG_NAME_HAS_DOTS)] if "." in name else []


def validate_create(obj: AdmissionInput, lookup: ProviderLookup | None) -> AdmissionResult:
    """Validate a ModelDeployment being created.

    Parameters
    ----------
    obj
        The (already defaulted) object, parsed or raw.
    lookup
        Fetches the named InferenceProviderConfig for V9; None skips V9.
    """
    try:
        parsed = admission_object(obj)
    except ParseFailedError as exc:
        return AdmissionResult(exc.errors)
    errors, warnings = validate_spec(parsed, lookup)
    return AdmissionResult(
        [*_name_errors(parsed.md), *errors], [*warnings, *spec_warnings(parsed.md.spec)]
    )


def validate_update(
    old: AdmissionInput, new: AdmissionInput, lookup: ProviderLookup | None
) -> AdmissionResult:
    """Validate an update of a ModelDeployment from ``old`` (stored) to ``new``.

    Dotted names are not rejected here: objects created before V0 must stay updatable.  A stored
    object our model cannot read (written by another version, or around the webhook) does not
    block the update (that would also block finalizer removal): its identity-field checks are
    skipped with a warning, and the new object is still validated in full.
    """
    try:
        new_obj = admission_object(new)
    except ParseFailedError as exc:
        return AdmissionResult(exc.errors)
    errors, warnings = validate_spec(new_obj, lookup)
    try:
        old_obj = admission_object(old, stored=True)
    except ParseFailedError as exc:
        reason = aggregate_message(exc.errors)
        warnings.append(
            f"identity-field checks skipped: the stored object does not parse ({reason})"
        )
    else:
        errors += check_update(old_obj.md, new_obj.md)
    return AdmissionResult(errors, [*warnings, *spec_warnings(new_obj.md.spec)])
