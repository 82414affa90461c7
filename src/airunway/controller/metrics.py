"""Prometheus metrics with the reference's names and labels (spec §5.1).

Series are aggregated by provider, never per ModelDeployment, so cardinality stays bounded with
thousands of objects.  Gauges are kept by delta: each ModelDeployment's last contribution is
remembered and replaced, and forgotten when the object is gone.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field

from prometheus_client import CollectorRegistry, Counter, Gauge, Histogram

PHASES = ("Pending", "Deploying", "Running", "Failed", "Terminating")
ERROR_TYPES = ("validation", "engine_selection", "provider_selection", "provider_change", "gateway")
_SLOW = (10, 30, 60, 120, 300, 600, 1200, 1800, 3600)


@dataclass
class _Seen:
    provider: str = ""
    phase: str = ""
    replicas: tuple[int, int, int] = (0, 0, 0)
    deploying_since: float | None = None
    counted_running: bool = False
    initialised: set[str] = field(default_factory=set)


class ControllerMetrics:
    """The controller's metric families on their own registry."""

    def __init__(self, registry: CollectorRegistry | None = None) -> None:
        self.registry = registry or CollectorRegistry()
        r = self.registry
        self.duration = Histogram(
            "airunway_reconciliation_duration_seconds",
            "Duration of ModelDeployment reconciliations",
            ["provider"],
            registry=r,
        )
        self.errors = Counter(
            "airunway_reconciliation_errors_total",
            "Reconciliation errors by type",
            ["provider", "error_type"],
            registry=r,
        )
        self.selection = Counter(
            "airunway_provider_selection_total",
            "Provider selections",
            ["provider", "reason"],
            registry=r,
        )
        self.replicas = Gauge(
            "airunway_deployment_replicas",
            "Replicas of ModelDeployments",
            ["provider", "state"],
            registry=r,
        )
        self.status = Gauge(
            "airunway_deployment_status",
            "ModelDeployments by phase",
            ["provider", "phase"],
            registry=r,
        )
        self.transitions = Counter(
            "airunway_deployment_phase_transitions_total",
            "Phase transitions",
            ["provider", "from_phase", "to_phase"],
            registry=r,
        )
        self.ready_duration = Histogram(
            "airunway_deployment_ready_duration_seconds",
            "Time from creation to Running",
            ["provider"],
            buckets=_SLOW,
            registry=r,
        )
        self.provision_duration = Histogram(
            "airunway_deployment_provision_duration_seconds",
            "Time from Deploying to Running",
            ["provider"],
            buckets=_SLOW,
            registry=r,
        )
        self._seen: dict[tuple[str, str], _Seen] = {}

    def observe_error(self, provider: str, error_type: str) -> None:
        """Count a reconcile error of ``error_type``."""
        self.errors.labels(provider, error_type).inc()

    def forget(self, key: tuple[str, str]) -> None:
        """The object is gone: take back its gauge contributions."""
        seen = self._seen.pop(key, None)
        if seen is not None and seen.phase:
            self.status.labels(seen.provider, seen.phase).dec()
            for state, value in zip(("desired", "ready", "available"), seen.replicas, strict=True):
                self.replicas.labels(seen.provider, state).dec(value)

    def observe(
        self,
        key: tuple[str, str],
        *,
        provider: str,
        phase: str,
        replicas: tuple[int, int, int],
        selected_reason: str,
        created: float | None,
    ) -> None:
        """Update counters and gauges after a successful reconcile of one object."""
        seen = self._seen.setdefault(key, _Seen())
        if provider and provider not in seen.initialised:
            self._initialise(provider)
            seen.initialised.add(provider)
        if provider and not seen.provider:
            manual = selected_reason == "explicit provider selection"
            self.selection.labels(provider, "manual" if manual else "auto").inc()
        if seen.phase and phase and seen.phase != phase and provider:
            self.transitions.labels(provider, seen.phase, phase).inc()
        self._durations(seen, provider, phase, created)
        self._gauges(seen, provider, phase, replicas)
        seen.provider, seen.phase, seen.replicas = provider, phase, replicas

    def _durations(self, seen: _Seen, provider: str, phase: str, created: float | None) -> None:
        now = time.time()
        if phase == "Deploying" and seen.phase != "Deploying":
            seen.deploying_since = now
        if phase == "Running" and seen.phase and seen.phase != "Running" and provider:
            if not seen.counted_running and created is not None:
                self.ready_duration.labels(provider).observe(now - created)
                if seen.deploying_since is not None:
                    self.provision_duration.labels(provider).observe(now - seen.deploying_since)
            seen.counted_running = True
        elif phase != "Running":
            seen.counted_running = False

    def _gauges(
        self, seen: _Seen, provider: str, phase: str, replicas: tuple[int, int, int]
    ) -> None:
        if seen.phase:
            self.status.labels(seen.provider, seen.phase).dec()
        for state, old, new in zip(
            ("desired", "ready", "available"), seen.replicas, replicas, strict=True
        ):
            if old != new or seen.provider != provider:
                self.replicas.labels(seen.provider, state).dec(old)
                self.replicas.labels(provider, state).inc(new)
        if phase:
            self.status.labels(provider, phase).inc()

    def _initialise(self, provider: str) -> None:
        self.duration.labels(provider)
        self.ready_duration.labels(provider)
        self.provision_duration.labels(provider)
        for error_type in ("validation", "engine_selection", "provider_selection", "gateway"):
            self.errors.labels(provider, error_type)
        for reason in ("manual", "auto"):
            self.selection.labels(provider, reason)
        for a in PHASES:
            for b in PHASES:
                if a != b:
                    self.transitions.labels(provider, a, b)
