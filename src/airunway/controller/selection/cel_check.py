"""The part of cel-go's type checker that selection rules over an untyped ``spec`` still need.

celpy only parses a CEL expression; cel-go also checks it when it compiles, and a rule that
fails that check is ignored even when, evaluated, it would have matched (``true || foo``).  With
one variable of dynamic type the checker can still reject: identifiers other than ``spec``
(``resources.gpu.count > 0``, a missing ``spec.`` prefix being the likely mistake), functions
outside the standard library, ``has()`` without a field selection, macros whose variable is not a
simple name, and message construction (no types are declared).  This module walks celpy's parse
tree to report those, with cel-go's wording, so ``validate_rule`` can flag a broken
InferenceProviderConfig.  Overload errors between literals of different types (``1 == 1.0``)
are not repeated: with dynamic input they can only be found at run time.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any, Final, cast

import lark

_MACROS: Final = frozenset({"all", "exists", "exists_one", "map", "filter"})
_GLOBAL_CALLS: Final = frozenset(
    {"size", "int", "uint", "double", "string", "bytes", "bool", "type", "dyn", "duration"}
    | {"timestamp", "matches"}
)
_MEMBER_CALLS: Final = frozenset(
    {"size", "contains", "startsWith", "endsWith", "matches", "getDate", "getDayOfMonth"}
    | {"getDayOfWeek", "getDayOfYear", "getFullYear", "getHours", "getMilliseconds"}
    | {"getMinutes", "getMonth", "getSeconds"}
)
_TYPE_IDENTS: Final = frozenset(
    {"int", "uint", "double", "bool", "string", "bytes", "list", "map", "null_type", "type"}
)
VARIABLES: Final = frozenset({"spec"})
_MACRO_ARITIES: Final = frozenset({2})  # x.all(v, predicate)
_MAP_ARITIES: Final = frozenset({2, 3})  # x.map(v, transform) or x.map(v, filter, transform)


def static_error(tree: lark.Tree[lark.Token]) -> str | None:
    """Return the first check error of a parsed rule (cel-go's message format), or None."""
    return _static_error(tree, VARIABLES)


def _static_error(tree: lark.Tree[lark.Token], scope: frozenset[str]) -> str | None:
    kind = tree.data
    children = tree.children
    if kind in {"ident", "dot_ident"}:
        token = cast("lark.Token", children[0])
        visible = scope if kind == "ident" else VARIABLES
        ok = token.value in visible or token.value in _TYPE_IDENTS
        return None if ok else _error(token, f"undeclared reference to '{token.value}'")
    if kind in {"ident_arg", "dot_ident_arg"}:
        return _global_call_error(tree, scope)
    if kind == "member_dot":
        return _first_error(children[:1], scope)
    if kind == "member_dot_arg":
        return _member_call_error(tree, scope)
    if kind == "member_object":
        return "ERROR: <input>: message construction is not supported (no types are declared)"
    return _first_error(children, scope)


def _global_call_error(tree: lark.Tree[lark.Token], scope: frozenset[str]) -> str | None:
    token = cast("lark.Token", tree.children[0])
    if token.value == "has":
        if field_selection(tree.children[1:]) is None:
            return _error(token, "invalid argument to has() macro")
    elif token.value not in _GLOBAL_CALLS:
        return _error(token, f"undeclared reference to '{token.value}'")
    return _first_error(tree.children[1:], scope)


def _member_call_error(tree: lark.Tree[lark.Token], scope: frozenset[str]) -> str | None:
    target, token = tree.children[0], cast("lark.Token", tree.children[1])
    args = _arguments(tree.children[2:])
    if token.value in _MACROS:
        arities = _MAP_ARITIES if token.value == "map" else _MACRO_ARITIES
        variable = _simple_name(args[0]) if len(args) in arities else None
        if variable is None:
            return _error(token, f"invalid arguments to the {token.value}() macro")
        return _first_error([target], scope) or _first_error(args[1:], scope | {variable})
    if token.value not in _MEMBER_CALLS:
        return _error(token, f"undeclared reference to '{token.value}'")
    return _first_error([target], scope) or _first_error(args, scope)


def _first_error(children: Iterable[object], scope: frozenset[str]) -> str | None:
    for child in children:
        if isinstance(child, lark.Tree):
            error = _static_error(child, scope)
            if error is not None:
                return error
    return None


def _error(token: lark.Token, message: str) -> str:
    return f"ERROR: <input>:{token.line}:{token.column}: {message} (in container '')"


def _arguments(rest: list[Any]) -> list[lark.Tree[lark.Token]]:
    """The argument expressions of a call whose optional ``exprlist`` is ``rest``."""
    if rest and isinstance(rest[0], lark.Tree) and rest[0].data == "exprlist":
        return [c for c in rest[0].children if isinstance(c, lark.Tree)]
    return []


def _unwrap(tree: lark.Tree[lark.Token]) -> lark.Tree[lark.Token]:
    """Descend through single-child wrappers and parentheses to the meaningful node."""
    while len(tree.children) == 1 and isinstance(tree.children[0], lark.Tree):
        tree = tree.children[0]
    return tree


def _simple_name(tree: lark.Tree[lark.Token]) -> str | None:
    node = _unwrap(tree)
    return cast("lark.Token", node.children[0]).value if node.data == "ident" else None


def field_selection(rest: list[Any]) -> lark.Tree[lark.Token] | None:
    """The ``member_dot`` node of a ``has()`` argument list, if it is exactly one selection."""
    args = _arguments(rest)
    if len(args) != 1:
        return None
    node = _unwrap(args[0])
    return node if node.data == "member_dot" else None
