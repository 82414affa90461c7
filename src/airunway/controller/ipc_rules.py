"""Which selection rules of an InferenceProviderConfig do not compile (for its status)."""

from __future__ import annotations

from typing import Any

from airunway.controller.selection import validate_rule


def rule_problems(body: dict[str, Any]) -> str:
    """``""`` when every rule compiles, else one line naming each broken rule and why."""
    rules = ((body.get("spec") or {}).get("selectionRules")) or []
    problems = []
    for index, rule in enumerate(rules):
        condition = str(rule.get("condition", ""))
        if (error := validate_rule(condition)) is not None:
            problems.append(f"selectionRules[{index}] {condition!r}: {error}")
    return "; ".join(problems)
