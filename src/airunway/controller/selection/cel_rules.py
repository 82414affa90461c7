"""Compile and evaluate InferenceProviderConfig selection rules with cel-go's semantics on celpy.

The reference evaluates rules with cel-go (one variable ``spec`` of dynamic type, standard
library only).  celpy differs from it in ways a rule can observe, so this module adapts it:

* Numbers: the rule input holds doubles while rule literals are ints.  celpy has no cross-type
  equality (``2.0 == 2`` is an error) and orders only some pairs (``1 < 2.5`` is an error);
  cel-go compares numbers across int/uint/double at run time.  The relational operators and
  ``in`` are replaced (``_FUNCTIONS``) with exact cross-type numeric comparisons, and ``==``
  between unrelated types is ``false`` (cel-go's heterogeneous equality) instead of an error.
* ``has()``: celpy answers ``false`` whenever its operand fails to evaluate; cel-go fails when
  the object *holding* the field cannot be evaluated (``has(spec.resources.gpu)`` without
  ``resources`` is an error, so ``!has(spec.resources.gpu) || ...`` does not match then).
  ``_GoEvaluator`` implements cel-go's rule.
* Compilation: celpy only parses; cel-go also type-checks.  The checks that still matter for an
  untyped ``spec`` are repeated by ``cel_check`` after parsing.

Compiled rules are cached by their text in a bounded LRU cache: the same handful of rules is
evaluated for every ModelDeployment that needs a provider, and parsing dominates the cost.
"""

from __future__ import annotations

import functools
import operator
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any, Final, cast

import celpy
import lark
from celpy import celtypes
from celpy.adapter import json_to_cel
from celpy.celparser import CELParseError
from celpy.evaluation import CELEvalError, CELFunction, Context, Evaluator, Result, base_functions

from airunway.controller.selection.cel_check import field_selection, static_error

#: How many distinct rule texts stay compiled.
RULE_CACHE_SIZE: Final = 512


@dataclass(frozen=True)
class CompiledRule:
    """A rule ready to run (``runner``), or why it cannot compile (``error``)."""

    runner: celpy.Runner | None
    error: str | None


def validate_rule(condition: str) -> str | None:
    """Return the compile error of a selection rule, or None when it compiles."""
    return compile_rule(condition).error


def rule_matches(condition: str, spec: celtypes.Value) -> bool:
    """Return whether ``condition`` evaluates to boolean ``true`` for ``spec``.

    Compile errors, evaluation errors and non-boolean results all give False: such a rule
    simply does not raise its provider's priority.
    """
    runner = compile_rule(condition).runner
    if runner is None:
        return False
    try:
        result = runner.evaluate({"spec": spec})
    except Exception:  # noqa: BLE001 - any failure of a user rule means "not matched"
        return False
    return _is_true(result)


def to_cel(document: Mapping[str, Any]) -> celtypes.Value:
    """Convert a JSON-like tree (see ``cel_input``) to CEL values, once per selection."""
    return json_to_cel(dict(document))


@functools.lru_cache(maxsize=RULE_CACHE_SIZE)
def compile_rule(condition: str) -> CompiledRule:
    """Parse and check ``condition`` once; later calls with the same text hit the cache."""
    environment = _environment()
    try:
        ast = environment.compile(condition)
    except CELParseError as exc:
        return CompiledRule(None, f"ERROR: <input>:{exc.line}:{exc.column}: Syntax error")
    except (lark.exceptions.LarkError, RecursionError) as exc:
        return CompiledRule(None, f"ERROR: <input>: {exc}")
    error = static_error(ast)
    if error is not None:
        return CompiledRule(None, error)
    return CompiledRule(_GoRunner(environment, ast, _FUNCTIONS), None)


@functools.cache
def _environment() -> celpy.Environment:
    return celpy.Environment(runner_class=_GoRunner)


# --- evaluation (cel-go's has() and heterogeneous numeric comparison) -------------------------


class _GoEvaluator(Evaluator):
    """celpy's evaluator with cel-go's ``has()``: the operand holding the field must evaluate."""

    def sub_evaluator(self, ast: lark.Tree[lark.Token]) -> Evaluator:
        return _GoEvaluator(ast, activation=self.activation)

    def macro_has_eval(self, exprlist: lark.Tree[lark.Token]) -> celtypes.BoolType:
        selection = field_selection([exprlist])
        if selection is None:  # rejected at compile time; kept for safety
            return cast("celtypes.BoolType", CELEvalError("invalid argument to has() macro"))
        holder_tree, field = selection.children
        holder = self.visit(cast("lark.Tree[lark.Token]", holder_tree))
        if isinstance(holder, CELEvalError):
            return cast("celtypes.BoolType", holder)
        if isinstance(holder, celtypes.MapType):
            return celtypes.BoolType(celtypes.StringType(str(field)) in holder)
        message = f"invalid type for field selection: {type(holder).__name__}"
        return cast("celtypes.BoolType", CELEvalError(message, TypeError, None))


class _GoRunner(celpy.InterpretedRunner):
    """Runs ``_GoEvaluator`` instead of celpy's own evaluator."""

    def evaluate(self, context: Context) -> celtypes.Value:
        return _GoEvaluator(ast=self.ast, activation=self.new_activation()).evaluate(context)


def _kind(value: object) -> str:
    """CEL's type family of a value: booleans and numbers never mix with other families."""
    if isinstance(value, (bool, celtypes.BoolType)):
        return "bool"
    # celpy arithmetic can yield a plain ``float`` rather than ``DoubleType``.
    if isinstance(value, (int, float)):
        return "number"
    return "other"


def _plain(value: object) -> int | float:
    """A CEL number as a plain Python number; Python compares int with float exactly."""
    return float(value) if isinstance(value, float) else int(cast("int", value))


def _is_true(result: object) -> bool:
    return isinstance(result, celtypes.BoolType) and bool(result)


def _ordering(name: str, compare: Callable[[Any, Any], bool]) -> CELFunction:
    base = base_functions[name]

    def relation(left: Result, right: Result) -> Result:
        kinds = (_kind(left), _kind(right))
        if kinds == ("number", "number"):
            return celtypes.BoolType(compare(_plain(left), _plain(right)))
        if "bool" in kinds and kinds != ("bool", "bool"):
            raise TypeError(f"no such overload: {name}")  # becomes a CEL evaluation error
        return base(left, right)

    return relation


def _equal(left: Result, right: Result) -> Result:  # noqa: PLR0911 - one case per type family
    if isinstance(left, CELEvalError):
        return left
    if isinstance(right, CELEvalError):
        return right
    kinds = (_kind(left), _kind(right))
    if kinds == ("number", "number"):
        return celtypes.BoolType(_plain(left) == _plain(right))
    if kinds[0] != kinds[1]:  # values of unrelated types are simply unequal in cel-go
        return celtypes.BoolType(False)  # noqa: FBT003 - a CEL value, not a flag
    if isinstance(left, celtypes.ListType) and isinstance(right, celtypes.ListType):
        same = len(left) == len(right) and all(map(_is_true, map(_equal, left, right)))
        return celtypes.BoolType(same)
    if isinstance(left, celtypes.MapType) and isinstance(right, celtypes.MapType):
        same = left.keys() == right.keys() and all(
            _is_true(_equal(v, right[k])) for k, v in left.items()
        )
        return celtypes.BoolType(same)
    try:
        return base_functions["_==_"](left, right)
    except TypeError:
        return celtypes.BoolType(False)  # noqa: FBT003 - a CEL value, not a flag


def _not_equal(left: Result, right: Result) -> Result:
    result = _equal(left, right)
    return celtypes.BoolType(not result) if isinstance(result, celtypes.BoolType) else result


def _contains(item: Result, container: Result) -> Result:
    if isinstance(container, celtypes.ListType) and not isinstance(item, CELEvalError):
        return celtypes.BoolType(any(_is_true(_equal(item, element)) for element in container))
    return base_functions["_in_"](item, container)


_FUNCTIONS: Final[dict[str, CELFunction]] = {
    "_<_": _ordering("_<_", operator.lt),
    "_<=_": _ordering("_<=_", operator.le),
    "_>_": _ordering("_>_", operator.gt),
    "_>=_": _ordering("_>=_", operator.ge),
    "_==_": _equal,
    "_!=_": _not_equal,
    "_in_": _contains,
}
