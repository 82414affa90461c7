"""Selection-rule evaluation: cel-go semantics on celpy (numbers, has(), errors, compile cache)."""

from __future__ import annotations

from typing import Any

import pytest

from airunway.api import ModelDeploymentSpec
from airunway.controller.selection import cel_input, validate_rule
from airunway.controller.selection.cel_rules import (
    RULE_CACHE_SIZE,
    compile_rule,
    rule_matches,
    to_cel,
)
from tests.unit.controller.selection.builders import SHIPPED_RULES


def matches(condition: str, spec: dict[str, Any], engine: str = "") -> bool:
    """Evaluate ``condition`` on the CEL input built from a spec dict, as selection does."""
    model = ModelDeploymentSpec.model_validate({"model": {"id": "m"}, **spec})
    return rule_matches(condition, to_cel(cel_input(model, engine)))


ONE_GPU = {"resources": {"gpu": {"count": 1}}}
TWO_GPUS = {"resources": {"gpu": {"count": 2}}}


@pytest.mark.parametrize(
    "condition",
    [
        "spec.resources.gpu.count > 0",
        "spec.resources.gpu.count >= 2",
        "spec.resources.gpu.count == 2",
        "spec.resources.gpu.count != 1",
        "1 < spec.resources.gpu.count",
        "spec.resources.gpu.count < 2.5",
        "spec.resources.gpu.count == 2.0",
        "spec.resources.gpu.count in [1, 2]",
        "spec.resources.gpu.count < 3u",
        "1 < spec.resources.gpu.count + 0.5",
        "int(spec.resources.gpu.count) == 2",
    ],
)
def test_numbers_are_doubles_and_compare_with_int_literals(condition: str) -> None:
    assert matches(condition, TWO_GPUS)


@pytest.mark.parametrize(
    "condition",
    [
        "spec.resources.gpu.count == 1",
        "spec.resources.gpu.count > 2",
        "spec.resources.gpu.count in [1, 3]",
    ],
)
def test_numeric_comparisons_can_be_false(condition: str) -> None:
    assert not matches(condition, TWO_GPUS)


def test_zero_gpu_count_is_absent_so_reading_it_fails() -> None:
    zero = {"resources": {"gpu": {"count": 0}}}
    assert matches("has(spec.resources.gpu)", zero)
    assert not matches("has(spec.resources.gpu.count)", zero)
    assert not matches("spec.resources.gpu.count == 0", zero)
    assert not matches("!has(spec.resources.gpu) || spec.resources.gpu.count == 0", zero)
    assert matches("!has(spec.resources.gpu.count) || spec.resources.gpu.count == 0", zero)


def test_has_fails_when_the_holder_of_the_field_is_missing() -> None:
    # cel-go: has(spec.resources.gpu) is an error without spec.resources (celpy would say false).
    assert not matches("!has(spec.resources.gpu)", {})
    assert matches("!has(spec.resources.gpu)", {"resources": {}})
    assert matches("!has(spec.resources)", {})
    assert not matches("has(spec.engine.type.x) || !has(spec.engine.type.x)", {}, "vllm")


def test_missing_keys_are_errors_and_errors_do_not_match() -> None:
    assert not matches("spec.serving.mode == 'aggregated'", {})
    assert not matches("spec.serving.mode != 'disaggregated'", {})
    assert matches("spec.serving.mode == 'aggregated'", {"serving": {}})


def test_logical_operators_absorb_errors_like_cel() -> None:
    assert matches("true || spec.missing.x", {})
    assert matches("spec.missing.x || true", {})
    assert not matches("false && spec.missing.x", {})
    assert not matches("spec.missing.x && false", {})
    assert not matches("spec.missing.x || false", {})


@pytest.mark.parametrize("condition", ["spec.engine.type", "1", "'true'", "spec.resources"])
def test_non_boolean_results_do_not_match(condition: str) -> None:
    assert not matches(condition, ONE_GPU, "vllm")


def test_equality_across_unrelated_types_is_false_not_an_error() -> None:
    assert not matches("spec.engine.type == 1", {}, "vllm")
    assert matches("spec.engine.type != 1", {}, "vllm")
    assert matches("spec.gateway.enabled != 0", {"gateway": {"enabled": False}})
    assert not matches("spec.gateway.enabled == 0", {"gateway": {"enabled": False}})
    assert not matches("spec.gateway.enabled > 0", {"gateway": {"enabled": True}})
    assert matches("spec.engine.extraArgs == ['a', 'b']", {"engine": {"extraArgs": ["a", "b"]}})
    assert matches("spec.scaling == {'replicas': 2}", {"scaling": {"replicas": 2}})


def test_macros_and_string_functions() -> None:
    extra = {"engine": {"extraArgs": ["--max-num-seqs=32"], "args": {"block-size": "16"}}}
    assert matches("spec.engine.extraArgs.exists(a, a.startsWith('--max'))", extra)
    assert matches("spec.engine.extraArgs.all(a, a.contains('='))", extra)
    assert matches("'block-size' in spec.engine.args", extra)
    assert matches("size(spec.engine.extraArgs) == 1", extra)
    assert matches("spec.model.id.matches('^m$')", {})


def test_the_overlaid_engine_is_visible() -> None:
    assert matches("spec.engine.type == 'vllm'", {}, "vllm")
    assert not matches("spec.engine.type == 'vllm'", {}, "")


@pytest.mark.parametrize("condition", SHIPPED_RULES)
def test_every_shipped_rule_compiles(condition: str) -> None:
    assert validate_rule(condition) is None


@pytest.mark.parametrize(
    ("condition", "message"),
    [
        ("spec.engine.type ==", "ERROR: <input>:1:18: Syntax error"),
        ("", "ERROR: <input>:1:1: Syntax error"),
        (
            "resources.gpu.count > 0",
            "ERROR: <input>:1:1: undeclared reference to 'resources' (in container '')",
        ),
        (
            "has(spec.engine) && engine.type == 'vllm'",
            "ERROR: <input>:1:21: undeclared reference to 'engine' (in container '')",
        ),
        (
            "spec.engine.type.lowerAscii() == 'vllm'",
            "ERROR: <input>:1:18: undeclared reference to 'lowerAscii' (in container '')",
        ),
        ("exists(spec)", "ERROR: <input>:1:1: undeclared reference to 'exists' (in container '')"),
        ("has(spec)", "ERROR: <input>:1:1: invalid argument to has() macro (in container '')"),
        (
            "spec.engine.extraArgs.exists(a.b, true)",
            "ERROR: <input>:1:23: invalid arguments to the exists() macro (in container '')",
        ),
        (
            "spec.engine.extraArgs.exists(a, b)",
            "ERROR: <input>:1:33: undeclared reference to 'b' (in container '')",
        ),
        (
            "Foo{a: 1} == spec",
            "ERROR: <input>: message construction is not supported (no types are declared)",
        ),
    ],
)
def test_compile_errors(condition: str, message: str) -> None:
    assert validate_rule(condition) == message
    assert not matches(condition, ONE_GPU, "vllm")


@pytest.mark.parametrize(
    "condition",
    [
        "has((spec.engine).type)",
        "type(spec.engine) == map",
        ".spec.engine.type == 'vllm'",
        "spec.engine.extraArgs.map(a, a + 'x').size() >= 0",
        "spec.engine.extraArgs.map(a, a != '', a).size() >= 0",
        "dyn(spec.engine.type) == 'vllm'",
    ],
)
def test_valid_forms_compile(condition: str) -> None:
    assert validate_rule(condition) is None


def test_compilation_is_cached_by_text_and_bounded() -> None:
    condition = "spec.engine.type == 'cache-probe'"
    first = compile_rule(condition)
    hits = compile_rule.cache_info().hits
    assert compile_rule(condition) is first
    assert compile_rule.cache_info().hits == hits + 1
    assert compile_rule.cache_info().maxsize == RULE_CACHE_SIZE
    broken = compile_rule("spec ==")
    assert broken.runner is None
    assert compile_rule("spec ==") is broken
