"""Kubernetes ``meta.SetStatusCondition`` semantics on ``airunway.api.Condition`` lists.

Used by the core controller and every provider, so all of them agree on when a condition
changed: ``lastTransitionTime`` moves only when ``status`` flips, while reason, message and
observedGeneration are always refreshed.  The function is pure: it never mutates the given list
or its conditions (which may be shared with a snapshot) and returns a new list, keeping each
condition's position; a new type is appended.  ``now`` is a parameter so that callers and tests
control the clock.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from airunway.api._kube_types import Condition
from airunway.api.enums import ConditionStatus


def set_condition(
    conditions: Sequence[Condition] | None,
    condition_type: str,
    status: ConditionStatus,
    reason: str,
    message: str,
    observed_generation: int | None,
    now: datetime,
) -> list[Condition]:
    """Return ``conditions`` with the condition of ``condition_type`` set.

    Parameters
    ----------
    conditions
        The current list (``status.conditions``; None when absent).  Not modified.
    condition_type
        The condition type, e.g. ``Validated``.
    status
        ``True``, ``False`` or ``Unknown``.
    reason
        CamelCase reason.
    message
        Human-readable message.
    observed_generation
        ``metadata.generation`` the condition was computed from.
    now
        The transition time used when the condition is new or its status flips.

    Returns
    -------
    list[Condition]
        A new list; untouched conditions are the same objects as before.
    """
    result = list(conditions or ())
    for index, existing in enumerate(result):
        if existing.type != condition_type:
            continue
        flipped = existing.status != status
        result[index] = existing.model_copy(
            update={
                "status": status,
                "reason": reason,
                "message": message,
                "observed_generation": observed_generation,
                "last_transition_time": now if flipped else existing.last_transition_time,
            }
        )
        return result
    result.append(
        Condition(
            type=condition_type,
            status=status,
            observed_generation=observed_generation,
            last_transition_time=now,
            reason=reason,
            message=message,
        )
    )
    return result
