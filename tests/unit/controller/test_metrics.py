"""Prometheus metrics of the core controller (spec §5.1), read back from the registry."""

from __future__ import annotations

import itertools
import time
from typing import Final

import pytest

from airunway.controller.metrics import PHASES, ControllerMetrics

A: Final = ("team-a", "a")
B: Final = ("team-a", "b")
MANUAL: Final = "explicit provider selection"
AUTO: Final = "matched capabilities: engine=vllm, gpu=true, mode=aggregated"
NONE: Final = (0, 0, 0)


def sample(metrics: ControllerMetrics, name: str, **labels: str) -> float | None:
    return metrics.registry.get_sample_value(name, labels)


def selections(metrics: ControllerMetrics, provider: str, reason: str) -> float | None:
    return sample(metrics, "airunway_provider_selection_total", provider=provider, reason=reason)


def status(metrics: ControllerMetrics, provider: str, phase: str) -> float | None:
    return sample(metrics, "airunway_deployment_status", provider=provider, phase=phase)


def replicas(metrics: ControllerMetrics, provider: str, state: str) -> float | None:
    return sample(metrics, "airunway_deployment_replicas", provider=provider, state=state)


def transitions(metrics: ControllerMetrics, provider: str, a: str, b: str) -> float | None:
    return sample(
        metrics,
        "airunway_deployment_phase_transitions_total",
        provider=provider,
        from_phase=a,
        to_phase=b,
    )


def ready_count(metrics: ControllerMetrics, provider: str) -> float | None:
    name = "airunway_deployment_ready_duration_seconds_count"
    return sample(metrics, name, provider=provider)


def provision_count(metrics: ControllerMetrics, provider: str) -> float | None:
    name = "airunway_deployment_provision_duration_seconds_count"
    return sample(metrics, name, provider=provider)


def observe(
    metrics: ControllerMetrics,
    key: tuple[str, str],
    phase: str,
    *,
    provider: str = "dynamo",
    reason: str = AUTO,
    counts: tuple[int, int, int] = NONE,
    created: float | None = None,
) -> None:
    metrics.observe(
        key,
        provider=provider,
        phase=phase,
        replicas=counts,
        selected_reason=reason if provider else "",
        created=created,
    )


@pytest.fixture
def metrics() -> ControllerMetrics:
    return ControllerMetrics()


# --- selection counter -----------------------------------------------------------------------


def test_selection_is_counted_once_per_provider_first_seen(metrics: ControllerMetrics) -> None:
    for phase in ("Pending", "Deploying", "Running", "Running"):
        observe(metrics, A, phase, reason=MANUAL)
    assert selections(metrics, "dynamo", "manual") == 1
    assert selections(metrics, "dynamo", "auto") == 0
    observe(metrics, B, "Pending", reason=AUTO)
    observe(metrics, B, "Pending", reason=AUTO)
    assert selections(metrics, "dynamo", "auto") == 1
    assert selections(metrics, "dynamo", "manual") == 1


def test_selection_counted_when_the_provider_appears(metrics: ControllerMetrics) -> None:
    observe(metrics, A, "Pending", provider="")
    observe(metrics, A, "Pending", provider="")
    assert selections(metrics, "kaito", "auto") is None  # no series before the provider
    observe(metrics, A, "Pending", provider="kaito")
    assert selections(metrics, "kaito", "auto") == 1
    assert selections(metrics, "kaito", "manual") == 0


def test_first_seen_provider_gets_zero_series(metrics: ControllerMetrics) -> None:
    observe(metrics, A, "Pending", provider="llmd")
    for error_type in ("validation", "engine_selection", "provider_selection", "gateway"):
        name = "airunway_reconciliation_errors_total"
        assert sample(metrics, name, provider="llmd", error_type=error_type) == 0
    for a, b in itertools.permutations(PHASES, 2):
        assert transitions(metrics, "llmd", a, b) == 0
    assert transitions(metrics, "llmd", "Pending", "Pending") is None
    assert ready_count(metrics, "llmd") == 0
    assert provision_count(metrics, "llmd") == 0
    name = "airunway_reconciliation_duration_seconds_count"
    assert sample(metrics, name, provider="llmd") == 0


def test_errors_are_counted_by_type(metrics: ControllerMetrics) -> None:
    metrics.observe_error("dynamo", "provider_change")
    metrics.observe_error("dynamo", "provider_change")
    name = "airunway_reconciliation_errors_total"
    assert sample(metrics, name, provider="dynamo", error_type="provider_change") == 2


# --- phase transitions -----------------------------------------------------------------------


def test_phase_transitions_are_counted(metrics: ControllerMetrics) -> None:
    for phase in ("Pending", "Pending", "Deploying", "Running", "Running", "Failed", "Running"):
        observe(metrics, A, phase)
    assert transitions(metrics, "dynamo", "Pending", "Deploying") == 1
    assert transitions(metrics, "dynamo", "Deploying", "Running") == 1
    assert transitions(metrics, "dynamo", "Running", "Failed") == 1
    assert transitions(metrics, "dynamo", "Failed", "Running") == 1
    assert transitions(metrics, "dynamo", "Pending", "Running") == 0


def test_transitions_without_provider_are_not_counted(metrics: ControllerMetrics) -> None:
    observe(metrics, A, "Pending", provider="")
    observe(metrics, A, "Failed", provider="")
    assert transitions(metrics, "", "Pending", "Failed") is None


def test_a_first_observation_is_no_transition(metrics: ControllerMetrics) -> None:
    observe(metrics, A, "Running")  # e.g. after a controller restart
    assert all(transitions(metrics, "dynamo", a, "Running") == 0 for a in PHASES if a != "Running")


# --- gauges by delta -------------------------------------------------------------------------


def test_status_gauge_moves_by_delta(metrics: ControllerMetrics) -> None:
    observe(metrics, A, "Pending")
    observe(metrics, B, "Pending")
    assert status(metrics, "dynamo", "Pending") == 2
    observe(metrics, A, "Running")
    observe(metrics, A, "Running")
    assert status(metrics, "dynamo", "Pending") == 1
    assert status(metrics, "dynamo", "Running") == 1
    metrics.forget(A)
    assert status(metrics, "dynamo", "Running") == 0
    assert status(metrics, "dynamo", "Pending") == 1
    metrics.forget(A)  # forgetting twice takes nothing more back
    assert status(metrics, "dynamo", "Pending") == 1


def test_status_gauge_follows_a_provider_change(metrics: ControllerMetrics) -> None:
    observe(metrics, A, "Pending", provider="")
    assert status(metrics, "", "Pending") == 1
    observe(metrics, A, "Pending", provider="kaito")
    assert status(metrics, "", "Pending") == 0
    assert status(metrics, "kaito", "Pending") == 1


def test_replica_gauges_move_by_delta(metrics: ControllerMetrics) -> None:
    observe(metrics, A, "Deploying", counts=(2, 1, 1))
    observe(metrics, B, "Running", counts=(1, 1, 1))
    assert replicas(metrics, "dynamo", "desired") == 3
    assert replicas(metrics, "dynamo", "ready") == 2
    observe(metrics, A, "Running", counts=(2, 2, 2))
    assert replicas(metrics, "dynamo", "desired") == 3
    assert replicas(metrics, "dynamo", "ready") == 3
    assert replicas(metrics, "dynamo", "available") == 3
    metrics.forget(A)
    assert replicas(metrics, "dynamo", "desired") == 1
    assert replicas(metrics, "dynamo", "ready") == 1
    metrics.forget(B)
    for state in ("desired", "ready", "available"):
        assert replicas(metrics, "dynamo", state) == 0
    assert status(metrics, "dynamo", "Running") == 0


def test_replicas_move_with_the_provider(metrics: ControllerMetrics) -> None:
    observe(metrics, A, "Pending", provider="", counts=(1, 0, 0))
    observe(metrics, A, "Pending", provider="kuberay", counts=(1, 0, 0))
    assert replicas(metrics, "", "desired") == 0
    assert replicas(metrics, "kuberay", "desired") == 1


# --- durations -------------------------------------------------------------------------------


def test_ready_duration_is_observed_once_per_running_stint(metrics: ControllerMetrics) -> None:
    created = time.time() - 100
    for phase in ("Pending", "Deploying", "Running", "Running", "Running"):
        observe(metrics, A, phase, created=created)
    assert ready_count(metrics, "dynamo") == 1
    total = sample(metrics, "airunway_deployment_ready_duration_seconds_sum", provider="dynamo")
    assert total is not None
    assert 100 <= total < 200
    assert provision_count(metrics, "dynamo") == 1
    observe(metrics, A, "Failed", created=created)
    observe(metrics, A, "Running", created=created)  # a new stint
    assert ready_count(metrics, "dynamo") == 2


def test_no_ready_duration_without_a_known_earlier_phase(metrics: ControllerMetrics) -> None:
    observe(metrics, A, "Running", created=time.time() - 10)
    observe(metrics, A, "Running", created=time.time() - 10)
    assert ready_count(metrics, "dynamo") == 0


def test_no_ready_duration_without_provider_or_creation_time(metrics: ControllerMetrics) -> None:
    observe(metrics, A, "Pending", provider="")
    observe(metrics, A, "Running", provider="", created=time.time())
    assert ready_count(metrics, "") is None
    observe(metrics, B, "Pending")
    observe(metrics, B, "Running", created=None)
    assert ready_count(metrics, "dynamo") == 0


def test_provision_duration_needs_a_deploying_stamp(metrics: ControllerMetrics) -> None:
    observe(metrics, A, "Pending", created=time.time())
    observe(metrics, A, "Running", created=time.time())
    assert ready_count(metrics, "dynamo") == 1
    assert provision_count(metrics, "dynamo") == 0
