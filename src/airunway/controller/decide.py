"""The core reconcile decision for one ModelDeployment (spec §3.3), as a pure function.

Input: the object as read, the provider configs, the clock.  Output: the core-owned part of the
status to apply (server-side, under the controller's field manager), whether it changed, the
events that the change deserves, and the facts the metrics need.  Keeping this pure makes every
path of the algorithm a unit test and keeps the reconciler a thin I/O shell.

What the core owns in ``status``: ``observedGeneration``, ``phase`` (it writes ``Pending`` and
``Failed``; otherwise it re-asserts the current value so that its apply never drops it),
``message`` (only on its failure paths), ``provider.name``/``selectedReason``, ``engine``,
``image`` on an image conflict, ``gateway`` (spec §4.4 step 11), and the conditions
``Validated``, ``EngineSelected``, ``ProviderSelected``, ``ImageResolved``, ``GatewayReady``.
Everything else is a provider's.  The gateway step's API calls happen before this decision
(:mod:`airunway.controller.gateway`); its outcome comes in as a :class:`GatewayResult`.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Literal

from pydantic import ValidationError

from airunway.api import (
    ConditionReason,
    ConditionStatus,
    ConditionType,
    DeploymentPhase,
    GatewayStatus,
    ImageStatus,
    InferenceProviderConfig,
    ModelDeployment,
    ModelDeploymentStatus,
    ProviderStatus,
)
from airunway.controller.gateway.result import GatewayResult
from airunway.controller.selection import (
    EXPLICIT_PROVIDER_MESSAGE,
    EXPLICIT_PROVIDER_REASON,
    SelectionError,
    engine_selected_condition,
    image_conflict_error,
    provider_change_error,
    select_engine,
    select_provider,
    set_condition,
    validate_spec,
)
from airunway.runtime.events import EventSpec

CORE_CONDITIONS = (
    ConditionType.VALIDATED,
    ConditionType.ENGINE_SELECTED,
    ConditionType.PROVIDER_SELECTED,
    ConditionType.IMAGE_RESOLVED,
    ConditionType.GATEWAY_READY,
)
NO_PROVIDER_MESSAGE = "No provider specified and provider-selector not enabled"
TRUE, FALSE = ConditionStatus.TRUE, ConditionStatus.FALSE


@dataclass
class Outcome:
    """What the reconciler must write, record and count."""

    status: dict[str, Any]
    status_changed: bool
    events: list[EventSpec] = field(default_factory=list)
    error_type: str | None = None
    provider: str = ""
    has_provider_status: bool = False
    phase: str = ""
    replicas: tuple[int, int, int] = (0, 0, 0)
    selected_reason: str = ""


class _Work:
    """The status being decided, plus the bookkeeping of one decision."""

    def __init__(self, md: ModelDeployment, now: datetime) -> None:
        self.md = md
        self.now = now
        self.generation = md.metadata.generation
        self.status = (md.status or ModelDeploymentStatus()).model_copy(deep=True)
        self.message: str | None = None
        self.error_type: str | None = None

    def condition(self, ctype: str, status: ConditionStatus, reason: str, message: str) -> None:
        self.status.conditions = set_condition(
            self.status.conditions, ctype, status, reason, message, self.generation, self.now
        )

    def fail(self, message: str, error_type: str, *, phase: bool = True) -> None:
        if phase:
            self.status.phase = DeploymentPhase.FAILED
        self.message = message
        self.error_type = error_type

    def view(self) -> ModelDeployment:
        """The object as it would look with the decided status (for resolved values)."""
        return self.md.model_copy(update={"status": self.status})


def _run(w: _Work, configs: Sequence[InferenceProviderConfig], *, enable_selector: bool) -> None:
    """Steps 7-13 of §3.3; each step either records its outcome and stops, or goes on."""
    if _image_conflict(w):
        return
    if enable_selector and not _select_engine(w, configs):
        return
    view = w.view()
    engine, mode = view.resolved_engine_type(), w.md.spec.resolved_serving_mode()
    if (invalid := validate_spec(view, configs, engine, mode)) is not None:
        w.condition(ConditionType.VALIDATED, FALSE, ConditionReason.VALIDATION_FAILED, invalid)
        w.fail(f"Validation failed: {invalid}", "validation")
        return
    w.condition(
        ConditionType.VALIDATED, TRUE, ConditionReason.VALIDATION_PASSED, "Schema validation passed"
    )
    if (engine_condition := engine_selected_condition(view)) is not None:
        w.condition(ConditionType.ENGINE_SELECTED, TRUE, *engine_condition)
    if (switch := provider_change_error(view)) is not None:
        w.condition(
            ConditionType.PROVIDER_SELECTED,
            FALSE,
            ConditionReason.PROVIDER_CHANGE_NOT_SUPPORTED,
            switch,
        )
        w.fail(switch, "provider_change")
        return
    if enable_selector:
        try:
            decision = select_provider(view, configs, engine, mode)
        except SelectionError as exc:
            w.condition(
                ConditionType.PROVIDER_SELECTED, FALSE, ConditionReason.SELECTION_FAILED, str(exc)
            )
            w.fail(f"Provider selection failed: {exc}", "provider_selection", phase=False)
            return
        if decision.status is not None:
            w.status.provider = _merge_provider(w.status.provider, decision.status)
        if decision.condition is not None:
            w.condition(ConditionType.PROVIDER_SELECTED, TRUE, *decision.condition)
    _record_unselected(w, enable_selector=enable_selector)


def _image_conflict(w: _Work) -> bool:
    """Step 7: conflicting image fields fail the object before any selection."""
    spec = w.md.spec
    if (conflict := image_conflict_error(spec)) is None:
        return False
    w.condition(
        ConditionType.IMAGE_RESOLVED, FALSE, ConditionReason.CONFLICTING_IMAGE_FIELDS, conflict
    )
    w.status.image = ImageStatus(requested=spec.image_override(), message=conflict)
    w.condition(ConditionType.VALIDATED, FALSE, ConditionReason.VALIDATION_FAILED, conflict)
    w.fail(f"Validation failed: {conflict}", "validation")
    return True


def _select_engine(w: _Work, configs: Sequence[InferenceProviderConfig]) -> bool:
    """Step 8: explicit, sticky or auto-selected engine; False when selection failed."""
    try:
        decision = select_engine(w.md, configs)
    except SelectionError as exc:
        w.condition(
            ConditionType.ENGINE_SELECTED, FALSE, ConditionReason.SELECTION_FAILED, str(exc)
        )
        w.fail(f"Engine selection failed: {exc}", "engine_selection", phase=False)
        return False
    if decision.status is not None:
        w.status.engine = decision.status
    return True


def _record_unselected(w: _Work, *, enable_selector: bool) -> None:
    """Step 13: no provider recorded yet: take the spec's, or say none can be chosen."""
    if w.status.provider is not None and w.status.provider.name:
        return
    spec = w.md.spec
    if spec.provider is not None and spec.provider.name:
        w.status.provider = _merge_provider(
            w.status.provider,
            ProviderStatus(name=spec.provider.name, selected_reason=EXPLICIT_PROVIDER_REASON),
        )
        w.condition(
            ConditionType.PROVIDER_SELECTED,
            TRUE,
            ConditionReason.EXPLICIT_SELECTION,
            EXPLICIT_PROVIDER_MESSAGE,
        )
    elif not enable_selector:
        w.condition(
            ConditionType.PROVIDER_SELECTED, FALSE, ConditionReason.NO_PROVIDER, NO_PROVIDER_MESSAGE
        )
        w.message = NO_PROVIDER_MESSAGE


def _record_gateway(w: _Work, result: GatewayResult) -> None:
    """Step 14's outcome: ``status.gateway`` and ``GatewayReady``."""
    if result.clear:
        w.status.gateway = None
    elif result.status is not None:
        w.status.gateway = GatewayStatus.model_validate(result.status)
    if result.condition is not None:
        status, reason, message = result.condition
        w.condition(ConditionType.GATEWAY_READY, ConditionStatus(status), reason, message)
    if result.condition is not None and result.condition[0] == "False" and not result.clear:
        w.error_type = w.error_type or "gateway"


def _merge_provider(current: ProviderStatus | None, chosen: ProviderStatus) -> ProviderStatus:
    """Keep the provider-written resourceName/resourceKind when the core records its choice."""
    if current is None:
        return chosen
    update = {"name": chosen.name, "selected_reason": chosen.selected_reason}
    return current.model_copy(update=update)


def core_status(status: ModelDeploymentStatus, message: str | None) -> dict[str, Any]:
    """The core-owned projection of a status, as the JSON to apply."""
    out: dict[str, Any] = {}
    if status.observed_generation is not None:
        out["observedGeneration"] = status.observed_generation
    if status.phase:
        out["phase"] = str(status.phase)
    if message is not None:
        out["message"] = message
    if status.provider is not None and status.provider.name:
        out["provider"] = {"name": status.provider.name}
        if status.provider.selected_reason:
            out["provider"]["selectedReason"] = status.provider.selected_reason
    if status.engine is not None and status.engine.type:
        out["engine"] = status.engine.model_dump(mode="json", by_alias=True, exclude_none=True)
    if status.gateway is not None:
        out["gateway"] = status.gateway.model_dump(mode="json", by_alias=True, exclude_none=True)
    image_condition = status.condition(ConditionType.IMAGE_RESOLVED)
    core_image = (
        image_condition is not None
        and image_condition.reason == ConditionReason.CONFLICTING_IMAGE_FIELDS
    )
    if core_image and status.image is not None and status.image.message:
        # only the core's own image-conflict record; the direct vLLM provider owns the rest
        out["image"] = {"requested": status.image.requested or "", "message": status.image.message}
    conditions = [
        c.model_dump(mode="json", by_alias=True, exclude_none=True)
        for c in status.conditions or []
        if c.type in CORE_CONDITIONS
    ]
    if conditions:
        out["conditions"] = conditions
    return out


def _events(before: ModelDeploymentStatus, after: ModelDeploymentStatus) -> list[EventSpec]:
    """One event per kind of change: core conditions that changed, merged by type and reason.

    Only decisions are told: a spec that passed validation, or an engine or provider the spec
    names itself, is in the conditions but makes no Event (one per deployment, saying nothing
    the user did not write).

    Engine and provider are usually auto-selected in the same reconcile; one Event saying both
    ("Engine vllm auto-selected ...; Provider kaito auto-selected") halves the Event writes of
    a burst of new deployments and reads just as well in ``kubectl describe``.
    """
    events: list[EventSpec] = []
    for ctype in CORE_CONDITIONS:
        old, new = before.condition(ctype), after.condition(ctype)
        if new is None:
            continue
        if old is not None and (old.status, old.reason, old.message) == (
            new.status,
            new.reason,
            new.message,
        ):
            continue
        if new.status == TRUE and (
            ctype == ConditionType.VALIDATED or new.reason == ConditionReason.EXPLICIT_SELECTION
        ):
            continue  # nothing was decided: the spec passed, or named its own engine or provider
        kind: Literal["Normal", "Warning"] = "Normal" if new.status == TRUE else "Warning"
        same = next((e for e in events if (e.type, e.reason) == (kind, str(new.reason))), None)
        if same is None:
            events.append(EventSpec(kind, str(new.reason), str(new.message)))
        else:
            merged = EventSpec(kind, same.reason, f"{same.message}; {new.message}")
            events[events.index(same)] = merged
    return events


def decide(
    raw: dict[str, Any],
    configs: Sequence[InferenceProviderConfig],
    *,
    enable_selector: bool,
    now: datetime,
    gateway: GatewayResult | None = None,
) -> Outcome:
    """Decide the core status of one ModelDeployment (spec §3.3 steps 5-14).

    ``gateway`` is the gateway step's outcome; it is recorded only if the deployment is still
    Running after this decision (a validation failure wins).
    """
    try:
        md = ModelDeployment.model_validate(raw)
    except ValidationError as exc:
        return _unparseable(raw, exc)
    before = md.status or ModelDeploymentStatus()
    work = _Work(md, now)
    work.status.observed_generation = work.generation
    if not work.status.phase:
        work.status.phase = DeploymentPhase.PENDING
    _run(work, configs, enable_selector=enable_selector)
    if gateway is not None and work.status.phase == DeploymentPhase.RUNNING:
        _record_gateway(work, gateway)
    after = work.status
    applied = core_status(after, work.message)
    current = core_status(before, before.message if work.message is not None else None)
    provider = after.provider.name if after.provider is not None and after.provider.name else ""
    replicas = after.replicas
    return Outcome(
        status=applied,
        status_changed=applied != current,
        events=_events(before, after),
        error_type=work.error_type,
        provider=provider or "",
        has_provider_status=after.provider is not None,
        phase=str(after.phase or ""),
        replicas=(
            (replicas.desired or 0, replicas.ready or 0, replicas.available or 0)
            if replicas is not None
            else (0, 0, 0)
        ),
        selected_reason=(after.provider.selected_reason or "") if after.provider else "",
    )


def _unparseable(raw: dict[str, Any], exc: ValidationError) -> Outcome:
    """An object our model cannot read (written around the webhook): fail it, loudly."""
    first = exc.errors()[0]
    where = ".".join(str(p) for p in first["loc"])
    message = f"Validation failed: {where}: {first['msg']}"
    generation = raw.get("metadata", {}).get("generation")
    status: dict[str, Any] = {"phase": "Failed", "message": message}
    if generation is not None:
        status["observedGeneration"] = generation
    current = raw.get("status") or {}
    # keep (re-assert) what the core recorded before, so this apply does not drop it
    provider = current.get("provider") or {}
    if provider.get("name"):
        status["provider"] = {
            k: provider[k] for k in ("name", "selectedReason") if provider.get(k) is not None
        }
    if (current.get("engine") or {}).get("type"):
        status["engine"] = current["engine"]
    decided = current.get("message") != message or current.get("phase") != "Failed"
    changed = decided or current.get("observedGeneration") != generation
    return Outcome(
        status=status,
        status_changed=changed,
        events=[EventSpec("Warning", "ValidationFailed", message)] if decided else [],
        error_type="validation",
        phase="Failed",
    )
