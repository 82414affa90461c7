"""Provider auto-selection (spec: controller-and-crds §3.6) as a pure function.

Why it is shaped so:

* Like engine selection, the decision is returned and applied by the reconciler.  ``STICKY``
  (``status.provider.name`` already set) carries no status entry, so provider-written fields
  next to the name (``resourceName``/``resourceKind``) are never clobbered; ``EXPLICIT``
  (``spec.provider.name`` set, nothing recorded yet) carries the entry of §3.3 step 13.
* Candidates are filtered by capability first (the resolved engine exists on the provider,
  GPU or CPU support as ``has_gpu`` demands, the resolved mode is listed); rules only rank.
  A candidate whose rules all fail or match nothing keeps priority 0: rule-less providers
  (llm-d, Direct vLLM) are candidates too, and win ties when their name sorts first.
* Rules are evaluated by ``cel_rules`` (cel-go semantics, compiled once per rule text) on the
  input built by ``cel_input``, which is converted to CEL values once per call, and only when
  some candidate has rules.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Final

from celpy import celtypes

from airunway.api import (
    ConditionReason,
    InferenceProviderConfig,
    ModelDeployment,
    ProviderStatus,
    ServingMode,
)
from airunway.controller.compatibility import engine_capability
from airunway.controller.selection._common import (
    NO_PROVIDERS_REGISTERED,
    SelectionError,
    SelectionSource,
    go_bool,
    has_gpu,
)
from airunway.controller.selection.cel_input import cel_input
from airunway.controller.selection.cel_rules import rule_matches, to_cel, validate_rule

#: ``status.provider.selectedReason`` when ``spec.provider.name`` is set.
EXPLICIT_PROVIDER_REASON: Final = "explicit provider selection"
#: ``ProviderSelected`` message when ``spec.provider.name`` is set.
EXPLICIT_PROVIDER_MESSAGE: Final = "Provider explicitly specified in spec"
NO_HEALTHY_PROVIDERS: Final = "no healthy providers available"
NO_COMPATIBLE_PROVIDER: Final = "no compatible provider found for this configuration"


@dataclass(frozen=True)
class ProviderCandidate:
    """A ready provider able to serve the deployment, with its rule priority."""

    name: str
    priority: int


@dataclass(frozen=True)
class ProviderDecision:
    """The provider of a ModelDeployment, and whether ``status.provider`` must be written.

    Attributes
    ----------
    provider
        The provider (InferenceProviderConfig) name.
    source
        ``EXPLICIT`` (``spec.provider.name``, nothing recorded yet), ``STICKY`` (already
        recorded in ``status.provider.name``) or ``AUTO`` (selected now).
    selected_reason
        ``status.provider.selectedReason`` to write ("" for ``STICKY``).
    candidates
        For ``AUTO``: every candidate, best first (priority descending, then name).
    """

    provider: str
    source: SelectionSource
    selected_reason: str
    candidates: tuple[ProviderCandidate, ...] = field(default=())

    @property
    def status(self) -> ProviderStatus | None:
        """The ``status.provider`` to write, or None when the recorded one must be kept."""
        if self.source is SelectionSource.STICKY:
            return None
        return ProviderStatus(name=self.provider, selected_reason=self.selected_reason)

    @property
    def condition(self) -> tuple[ConditionReason, str] | None:
        """Reason and message of ``ProviderSelected=True``, or None for ``STICKY``."""
        if self.source is SelectionSource.EXPLICIT:
            return ConditionReason.EXPLICIT_SELECTION, EXPLICIT_PROVIDER_MESSAGE
        if self.source is SelectionSource.AUTO:
            return ConditionReason.AUTO_SELECTED, f"Provider {self.provider} auto-selected"
        return None


def select_provider(
    md: ModelDeployment,
    configs: Sequence[InferenceProviderConfig],
    resolved_engine: str,
    resolved_mode: ServingMode,
) -> ProviderDecision:
    """Select the provider of ``md``: sticky, else explicit, else the best-ranked candidate.

    Parameters
    ----------
    md
        The ModelDeployment (not modified).
    configs
        Every listed InferenceProviderConfig, ready or not.
    resolved_engine
        ``spec.engine.type``, else ``status.engine.type``, else "" (after engine selection).
    resolved_mode
        ``spec.serving.mode``, else ``aggregated``.

    Returns
    -------
    ProviderDecision
        The provider and whether ``status.provider`` changes.

    Raises
    ------
    SelectionError
        With the exact condition message when no provider can be auto-selected.
    """
    recorded = md.status.provider if md.status is not None else None
    if recorded is not None and recorded.name:
        return ProviderDecision(recorded.name, SelectionSource.STICKY, "")
    if md.spec.provider is not None and md.spec.provider.name:
        return ProviderDecision(
            md.spec.provider.name, SelectionSource.EXPLICIT, EXPLICIT_PROVIDER_REASON
        )
    if not configs:
        raise SelectionError(NO_PROVIDERS_REGISTERED)
    ready = [config for config in configs if config.is_ready()]
    if not ready:
        raise SelectionError(NO_HEALTHY_PROVIDERS)

    gpu = has_gpu(md.spec)
    eligible = [
        config
        for config in ready
        if (cap := engine_capability(config, resolved_engine)) is not None
        and (cap.gpu_support if gpu else cap.cpu_support)
        and cap.supports_serving_mode(resolved_mode)
    ]
    if not eligible:
        raise SelectionError(NO_COMPATIBLE_PROVIDER)

    spec_value = functools.cache(lambda: to_cel(cel_input(md.spec, resolved_engine)))
    candidates = sorted(
        (ProviderCandidate(c.metadata.name or "", _priority(c, spec_value)) for c in eligible),
        key=lambda c: (-c.priority, c.name),
    )
    reason = (
        f"matched capabilities: engine={resolved_engine}, gpu={go_bool(gpu)}, mode={resolved_mode}"
    )
    return ProviderDecision(candidates[0].name, SelectionSource.AUTO, reason, tuple(candidates))


def _priority(config: InferenceProviderConfig, spec_value: Callable[[], celtypes.Value]) -> int:
    """The highest priority among the rules of ``config`` that match, at least 0."""
    rules = config.spec.selection_rules if config.spec is not None else None
    priority = 0
    for rule in rules or ():
        # A rule that cannot raise the priority is not evaluated (nor is the input built).
        if rule.priority > priority and rule_matches(rule.condition, spec_value()):
            priority = rule.priority
    return priority


__all__ = [
    "EXPLICIT_PROVIDER_MESSAGE",
    "EXPLICIT_PROVIDER_REASON",
    "NO_COMPATIBLE_PROVIDER",
    "NO_HEALTHY_PROVIDERS",
    "ProviderCandidate",
    "ProviderDecision",
    "select_provider",
    "validate_rule",
]
