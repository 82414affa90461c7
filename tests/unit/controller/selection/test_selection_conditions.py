"""``set_condition``: Kubernetes SetStatusCondition semantics, without mutating its input."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from airunway.api import Condition, ConditionStatus
from airunway.controller.selection import set_condition

T0 = datetime(2026, 1, 1, tzinfo=UTC)
T1 = T0 + timedelta(minutes=5)
TRUE = ConditionStatus.TRUE
FALSE = ConditionStatus.FALSE


def condition(kind: str, status: ConditionStatus = TRUE, reason: str = "R") -> Condition:
    return Condition(
        type=kind,
        status=status,
        reason=reason,
        message="m",
        last_transition_time=T0,
        observed_generation=1,
    )


def test_new_condition_is_appended_with_now() -> None:
    result = set_condition(None, "Validated", TRUE, "ValidationPassed", "ok", 3, T1)
    assert result == [
        Condition(
            type="Validated",
            status=TRUE,
            reason="ValidationPassed",
            message="ok",
            observed_generation=3,
            last_transition_time=T1,
        )
    ]
    existing = [condition("A")]
    assert [c.type for c in set_condition(existing, "B", TRUE, "R", "", 1, T1)] == ["A", "B"]


def test_same_status_keeps_the_transition_time_and_refreshes_the_rest() -> None:
    [updated] = set_condition([condition("A")], "A", TRUE, "Other", "new message", 7, T1)
    assert updated.last_transition_time == T0
    assert (updated.reason, updated.message, updated.observed_generation) == (
        "Other",
        "new message",
        7,
    )


def test_status_flip_moves_the_transition_time() -> None:
    [updated] = set_condition([condition("A")], "A", FALSE, "R", "m", 1, T1)
    assert updated.status is FALSE
    assert updated.last_transition_time == T1


def test_position_is_kept_and_input_is_not_mutated() -> None:
    first, second, third = condition("A"), condition("B"), condition("C")
    original = [first, second, third]
    snapshot = [c.model_copy() for c in original]
    result = set_condition(original, "B", FALSE, "X", "y", 2, T1)
    assert [c.type for c in result] == ["A", "B", "C"]
    assert result[0] is first
    assert result[2] is third
    assert result[1] is not second
    assert original == snapshot
    assert original[1] is second


def test_setting_the_same_condition_twice_is_idempotent() -> None:
    once = set_condition(None, "A", TRUE, "R", "m", 1, T0)
    twice = set_condition(once, "A", TRUE, "R", "m", 1, T1)
    assert twice == once
