"""Which selection rules of an InferenceProviderConfig do not compile (its SelectionRulesValid)."""

from __future__ import annotations

from typing import Any

import pytest

from airunway.controller.ipc_rules import rule_problems
from tests.unit.controller.selection.builders import SHIPPED_SPECS


def config(*conditions: str) -> dict[str, Any]:
    rules = [{"condition": c, "priority": 10 * (i + 1)} for i, c in enumerate(conditions)]
    return {"metadata": {"name": "p"}, "spec": {"selectionRules": rules}}


@pytest.mark.parametrize(
    "body",
    [
        {"metadata": {"name": "p"}},
        {"metadata": {"name": "p"}, "spec": None},
        {"metadata": {"name": "p"}, "spec": {}},
        {"metadata": {"name": "p"}, "spec": {"selectionRules": None}},
        config(),
    ],
    ids=["no-spec", "null-spec", "empty-spec", "null-rules", "empty-rules"],
)
def test_no_rules_is_no_problem(body: dict[str, Any]) -> None:
    assert rule_problems(body) == ""


@pytest.mark.parametrize("name", list(SHIPPED_SPECS))
def test_shipped_rules_compile(name: str) -> None:
    assert rule_problems({"metadata": {"name": name}, "spec": SHIPPED_SPECS[name]}) == ""


def test_valid_rules_are_no_problem() -> None:
    body = config("true", "has(spec.resources.gpu) && spec.resources.gpu.count > 1")
    assert rule_problems(body) == ""


def test_a_broken_rule_is_named_with_its_index() -> None:
    problems = rule_problems(config("true", "spec.((", "spec.engine.type == 'vllm'"))
    assert problems.startswith("selectionRules[1] 'spec.((': ")
    assert "Syntax error" in problems
    assert ";" not in problems  # only one rule is broken
    assert "selectionRules[0]" not in problems
    assert "selectionRules[2]" not in problems


def test_every_broken_rule_is_listed_in_order() -> None:
    problems = rule_problems(config("spec.((", "true", "spec.a == "))
    parts = problems.split("; ")
    assert len(parts) == 2
    assert parts[0].startswith("selectionRules[0] 'spec.((': ERROR: <input>:1:")
    assert parts[1].startswith("selectionRules[2] 'spec.a == ': ERROR: <input>:1:")


def test_a_rule_without_condition_is_broken() -> None:
    body = {"metadata": {"name": "p"}, "spec": {"selectionRules": [{"priority": 5}]}}
    assert rule_problems(body).startswith("selectionRules[0] '': ")
