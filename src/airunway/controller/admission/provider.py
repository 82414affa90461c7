"""Rule V9 (spec §2.5): the named provider must support the requested engine, mode and GPUs.

Why this shape: the check needs the named InferenceProviderConfig, which only the webhook server
can fetch. So that the rule stays pure, the fetch is injected as a ``ProviderLookup`` (a plain
synchronous callable) whose answer is one of the five outcomes the rule distinguishes, as data.
An asynchronous server resolves the outcome first (``provider_to_verify`` says whether and whom
to look up, ``fallback`` combines the informer cache with the uncached API read as §2.5 step 1
requires) and passes ``prefetched(result)``. The compatibility rules themselves are the shared
``airunway.controller.compatibility`` check, so admission and reconciliation never disagree.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from typing import Protocol

from airunway.api import InferenceProviderConfig, ModelDeployment
from airunway.controller.admission.field_errors import FieldError, go_quote, internal, invalid
from airunway.controller.admission.spec_rules import is_dynamo_mocker
from airunway.controller.compatibility import (
    CompatibilityIssue,
    check_provider_compatibility,
    has_capabilities,
)

PROVIDER_NAME_PATH = "spec.provider.name"


class LookupOutcome(StrEnum):
    """How a GET of the named InferenceProviderConfig ended."""

    FOUND = "Found"
    NOT_FOUND = "NotFound"
    CRD_ABSENT = "CRDAbsent"  # the API server does not know the kind (no-match)
    FORBIDDEN = "Forbidden"  # Forbidden or Unauthorized: the webhook's RBAC is broken
    ERROR = "Error"  # anything else (timeouts, connection errors)


@dataclass(frozen=True)
class ProviderLookupResult:
    """The outcome of a lookup, with the config when found and the error text otherwise."""

    outcome: LookupOutcome
    config: InferenceProviderConfig | None = None
    message: str = ""

    @classmethod
    def found(cls, config: InferenceProviderConfig) -> ProviderLookupResult:
        """The config exists."""
        return cls(LookupOutcome.FOUND, config=config)

    @classmethod
    def not_found(cls) -> ProviderLookupResult:
        """No config of that name."""
        return cls(LookupOutcome.NOT_FOUND)

    @classmethod
    def crd_absent(cls) -> ProviderLookupResult:
        """The InferenceProviderConfig CRD is not installed."""
        return cls(LookupOutcome.CRD_ABSENT)

    @classmethod
    def forbidden(cls, message: str) -> ProviderLookupResult:
        """The read was Forbidden or Unauthorized; ``message`` is the API error text."""
        return cls(LookupOutcome.FORBIDDEN, message=message)

    @classmethod
    def error(cls, message: str) -> ProviderLookupResult:
        """Any other failure; ``message`` is the error text."""
        return cls(LookupOutcome.ERROR, message=message)


class ProviderLookup(Protocol):
    """Fetch the InferenceProviderConfig named ``name`` (cluster-scoped)."""

    def __call__(self, name: str, /) -> ProviderLookupResult:
        """Return how the GET of ``name`` ended."""


def fallback(cached: ProviderLookup, uncached: ProviderLookup) -> ProviderLookup:
    """Read ``cached`` first; only on NotFound ask ``uncached``, whose answer is final."""

    def lookup(name: str, /) -> ProviderLookupResult:
        result = cached(name)
        return uncached(name) if result.outcome is LookupOutcome.NOT_FOUND else result

    return lookup


def prefetched(result: ProviderLookupResult) -> ProviderLookup:
    """Return a lookup that answers ``result`` (for servers that fetched asynchronously)."""

    def lookup(_name: str, /) -> ProviderLookupResult:
        return result

    return lookup


def provider_to_verify(md: ModelDeployment) -> str | None:
    """Return the provider V9 would look up for ``md``, or None when V9 does not run.

    V9 runs only outside mocker mode, with both ``spec.provider.name`` and ``spec.engine.type``.
    """
    provider = md.spec.provider.name if md.spec.provider is not None else None
    engine = md.spec.engine.type if md.spec.engine is not None else None
    if is_dynamo_mocker(md) or not provider or not engine:
        return None
    return provider


def issue_error(issue: CompatibilityIssue) -> FieldError:
    """Map a compatibility issue to its field error (``spec.<field path>``)."""
    value = issue.value if isinstance(issue.value, str | int) else str(issue.value)
    return invalid(f"spec.{issue.field_path}", value, issue.message)


def unverified_warning(provider: str, message: str) -> str:
    """Return the warning for a lookup that failed for a reason other than NotFound/RBAC."""
    return (
        f"could not verify provider {go_quote(provider)} compatibility at admission time "
        f"({message}); the controller will re-validate during reconciliation"
    )


def _found_errors(
    md: ModelDeployment, provider: str, config: InferenceProviderConfig | None
) -> list[FieldError]:
    if not has_capabilities(config):
        return []
    spec = md.spec
    engine = spec.engine.type if spec.engine is not None and spec.engine.type else ""
    gpu = spec.resources.gpu if spec.resources is not None else None
    issues = check_provider_compatibility(
        provider, config, [], engine, spec.resolved_serving_mode(), gpu.count if gpu else 0
    )
    return [issue_error(i) for i in issues]


def check_provider(
    md: ModelDeployment, lookup: ProviderLookup | None
) -> tuple[list[FieldError], list[str]]:
    """Run V9; return its errors and warnings (no lookup configured: nothing to check).

    Parameters
    ----------
    md
        The (new) ModelDeployment.
    lookup
        How to fetch the named InferenceProviderConfig; None skips the rule.
    """
    provider = provider_to_verify(md)
    if provider is None or lookup is None:
        return [], []
    result = lookup(provider)
    match result.outcome:
        case LookupOutcome.NOT_FOUND:
            detail = f"InferenceProviderConfig {go_quote(provider)} not found"
            return [invalid(PROVIDER_NAME_PATH, provider, detail)], []
        case LookupOutcome.FORBIDDEN:
            detail = f"cannot verify provider {go_quote(provider)}: {result.message}"
            return [internal(PROVIDER_NAME_PATH, detail)], []
        case LookupOutcome.ERROR:
            return [], [unverified_warning(provider, result.message)]
        case LookupOutcome.FOUND:
            return _found_errors(md, provider, result.config), []
    return [], []  # CRD_ABSENT: the controller re-validates once the CRD exists
