"""The Go-compatible JSON encoder (``providers.sdk.gojson``) that KAITO's annotations rely on."""

from __future__ import annotations

import json
from typing import Any

import pytest

from airunway.providers.sdk import gojson


@pytest.mark.parametrize(
    ("value", "text"),
    [
        (None, "null"),
        (True, "true"),
        (False, "false"),
        (0, "0"),
        (-12, "-12"),
        (1.0, "1"),
        (1.5, "1.5"),
        (0.1, "0.1"),
        (-0.0, "-0"),
        (1e-6, "0.000001"),
        (1e-7, "1e-7"),
        (-2.5e-8, "-2.5e-8"),
        (1e20, "100000000000000000000"),
        (1e21, "1e+21"),
        (123456789.0, "123456789"),
        ("<a&b>", '"\\u003ca\\u0026b\\u003e"'),
        ("é\u2028\u2029", '"é\\u2028\\u2029"'),
        ('q"\\\n\t\x01\x7f', '"q\\"\\\\\\n\\t\\u0001\x7f"'),
        ([], "[]"),
        ((1, "a"), '[1,"a"]'),
        ({}, "{}"),
    ],
)
def test_scalars_and_escapes(value: Any, text: str) -> None:
    assert gojson.dumps(value) == text


def test_struct_order_kept_map_order_sorted() -> None:
    value = {"b": 1, "a": {"d": [1, {"z": 0, "y": 0}], "c": None}}
    assert gojson.dumps(value) == '{"b":1,"a":{"d":[1,{"z":0,"y":0}],"c":null}}'
    assert gojson.dumps(value, sort_keys=True) == '{"a":{"c":null,"d":[1,{"y":0,"z":0}]},"b":1}'


def test_round_trips_through_json() -> None:
    value = {"k": ["<", 1.25, None, True, {"é": "&"}]}
    assert json.loads(gojson.dumps(value)) == value


@pytest.mark.parametrize("value", [float("nan"), float("inf"), {1, 2}, b"x", object()])
def test_refuses_what_go_cannot_encode(value: Any) -> None:
    with pytest.raises((ValueError, TypeError)):
        gojson.dumps(value)
