"""What one provider reconcile decides before it writes: the pre-step's outcome and the status.

Split from :mod:`airunway.providers.sdk.reconcile` (the loop): these are plain values that the
loop fills in, and that tests build directly.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any

from airunway.api import (
    API_VERSION,
    MODEL_DEPLOYMENT_KIND,
    ConditionStatus,
    ModelDeployment,
    set_condition,
)
from airunway.providers.sdk.base import Manifest
from airunway.providers.sdk.changes import same_json
from airunway.providers.sdk.status import Phase
from airunway.runtime.events import EventSpec

Condition = tuple[str, str, str, str]  # type, status, reason, message


@dataclass
class Prepared:
    """What a provider's pre-step decided before rendering (KAITO probe, vLLM image)."""

    transform_kwargs: dict[str, Any] = field(default_factory=dict)
    status: dict[str, Any] = field(default_factory=dict)
    conditions: list[Condition] = field(default_factory=list)
    #: stop before rendering with this message (e.g. the upstream operator is not running)
    halt: str | None = None
    halt_phase: Phase | None = None
    events: list[EventSpec] = field(default_factory=list)
    #: look again after this many seconds (the upstream state is not watched, e.g. KAITO health)
    retry_after: float | None = None


PrepareFn = Callable[[ModelDeployment], Awaitable[Prepared]]


class StatusDraft:
    """The provider-owned status being decided for one reconcile."""

    def __init__(self, md: ModelDeployment, current: Manifest | None = None) -> None:
        self.md = md
        self.current = (current or {}).get("status") or {}
        self.conditions = list((md.status.conditions if md.status else None) or [])
        self.fields: dict[str, Any] = {}
        self.owned_conditions: set[str] = set()

    def condition(self, ctype: str, status: str, reason: str, message: str) -> None:
        """Set one provider-owned condition (its transition time moves only on a change)."""
        self.conditions = set_condition(
            self.conditions,
            ctype,
            ConditionStatus(status),
            reason,
            message,
            self.md.metadata.generation,
            dt.datetime.now(dt.UTC),
        )
        self.owned_conditions.add(ctype)

    def fail(self, message: str) -> None:
        """Phase Failed with ``message``."""
        self.fields["phase"] = str(Phase.FAILED)
        self.fields["message"] = message

    def unchanged(self) -> bool:
        """Whether the status already says exactly this (then the write is skipped)."""
        status = self.manifest()["status"]
        current = {k: self.current.get(k) for k in status if k != "conditions"}
        current["conditions"] = [
            c
            for c in self.current.get("conditions") or []
            if c.get("type") in self.owned_conditions
        ]
        ours = {k: v for k, v in status.items() if k != "conditions"}
        ours["conditions"] = status["conditions"]
        return same_json(ours, current)

    def manifest(self) -> dict[str, Any]:
        """The status apply: our fields and conditions, at the resourceVersion we decided on."""
        status = dict(self.fields)
        status["conditions"] = [
            c.model_dump(mode="json", by_alias=True, exclude_none=True)
            for c in self.conditions
            if c.type in self.owned_conditions
        ]
        meta = self.md.metadata
        return {
            "apiVersion": API_VERSION,
            "kind": MODEL_DEPLOYMENT_KIND,
            "metadata": {
                "name": meta.name,
                "namespace": meta.namespace,
                "resourceVersion": meta.resource_version,
            },
            "status": status,
        }
