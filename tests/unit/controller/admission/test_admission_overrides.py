"""Rules V4-V7 on spec.provider.overrides: JSON object only, no security or sizing keys."""

from __future__ import annotations

import json
from typing import Any

import pytest

from airunway.api import ModelDeployment
from airunway.controller.admission import validate_create
from airunway.controller.admission.overrides import (
    BLOCKED_OVERRIDE_KEYS,
    SIZING_OVERRIDE_KEYS,
    check_overrides,
    encoded_size,
    security_detail,
    sizing_detail,
)
from airunway.controller.admission.parsing import ABSENT
from tests.unit.controller.admission.builders import raw_md

ROOT = "spec.provider.overrides"


def _found(overrides: Any) -> list[tuple[str, str]]:
    return [(e.path, e.detail) for e in check_overrides(overrides)]


def _security(path: str, key: str) -> tuple[str, str]:
    return (f"{ROOT}{path}", security_detail(key))


def _sizing(path: str, key: str) -> tuple[str, str]:
    return (f"{ROOT}{path}", sizing_detail(key))


@pytest.mark.parametrize("key", BLOCKED_OVERRIDE_KEYS)
def test_each_blocked_key_is_rejected_at_the_top_level(key: str) -> None:
    assert _found({key: "x"}) == [_security(f".{key}", key)]
    assert security_detail(key) == f'overriding "{key}" is not allowed for security reasons'


@pytest.mark.parametrize("key", SIZING_OVERRIDE_KEYS)
def test_each_sizing_key_is_rejected_at_the_top_level(key: str) -> None:
    assert _found({key: 1}) == [_sizing(f".{key}", key)]
    assert sizing_detail(key) == (
        f'overriding "{key}" is not allowed because it can bypass admission resource limits; '
        "use spec.resources / spec.scaling instead"
    )


def test_blocked_keys_are_found_nested_in_objects() -> None:
    overrides = {"spec": {"template": {"spec": {"hostPID": True, "labels": {"a": "b"}}}}}
    assert _found(overrides) == [_security(".spec.template.spec.hostPID", "hostPID")]


def test_blocked_keys_are_found_inside_arrays() -> None:
    overrides = {"containers": [{"name": "a"}, {"securityContext": {"privileged": True}}]}
    assert _found(overrides) == [_security(".containers[1].securityContext", "securityContext")]


def test_blocked_keys_are_found_inside_nested_arrays() -> None:
    overrides = {"matrix": [[{"ok": 1}], [{"nodeName": "n1"}, [{"runtimeClassName": "r"}]]]}
    assert _found(overrides) == [
        _security(".matrix[1][0].nodeName", "nodeName"),
        _security(".matrix[1][1][0].runtimeClassName", "runtimeClassName"),
    ]


def test_no_duplicate_errors_below_a_blocked_key() -> None:
    overrides = {"securityContext": {"securityContext": {"hostPID": True}, "hostIPC": True}}
    assert _found(overrides) == [_security(".securityContext", "securityContext")]


def test_sizing_keys_below_a_blocked_key_are_still_reported_by_their_own_walk() -> None:
    overrides: dict[str, Any] = {"securityContext": {"resources": {"limits": {}}}}
    assert _found(overrides) == [
        _security(".securityContext", "securityContext"),
        _sizing(".securityContext.resources", "resources"),
    ]


def test_sizing_keys_are_found_at_any_depth_and_in_arrays() -> None:
    overrides = {
        "frontend": {"replicas": 2},
        "workers": [{"containers": [{"resources": {"limits": {"cpu": "900"}}}]}],
        "head": {"spec": {"resources": {"replicas": 3}}},
    }
    assert _found(overrides) == [
        _sizing(".frontend.replicas", "replicas"),
        _sizing(".workers[0].containers[0].resources", "resources"),
        _sizing(".head.spec.resources", "resources"),
    ]


def test_keys_are_matched_exactly() -> None:
    overrides: dict[str, Any] = {
        "SecurityContext": 1,
        "replicasCount": 2,
        "podSecurityContext": {},
        "x": "hostPID",
    }
    assert _found(overrides) == []


def test_security_errors_come_before_sizing_errors_in_document_order() -> None:
    overrides = {"replicas": 1, "b": {"hostNetwork": True}, "a": {"serviceAccount": "x"}}
    assert _found(overrides) == [
        _security(".b.hostNetwork", "hostNetwork"),
        _security(".a.serviceAccount", "serviceAccount"),
        _sizing(".replicas", "replicas"),
    ]


def test_absent_and_clean_overrides_pass() -> None:
    assert _found(ABSENT) == []
    assert _found({}) == []
    assert _found({"image": {"pullPolicy": "Always"}, "list": [1, "a", None, [True]]}) == []


@pytest.mark.parametrize(
    ("raw", "size"),
    [([1, 2], 5), ("just a string", None), (42, 2), (3.5, 3), (True, 4), (None, 4)],
    ids=["array", "string", "number", "float", "bool", "null"],
)
def test_non_objects_fail_v5_with_a_redacted_value(raw: Any, size: int | None) -> None:
    errors = check_overrides(raw)
    if size is None:  # a str is JSON text; this one does not parse
        assert [e.detail for e in errors] == ["overrides must be valid JSON"]
        return
    assert [str(e) for e in errors] == [
        f'{ROOT}: Invalid value: "<redacted {size} bytes>": overrides must be a JSON object'
    ]


@pytest.mark.parametrize(
    ("text", "detail"),
    [
        ('{"a": 1', "overrides must be valid JSON"),
        ("NaN", "overrides must be valid JSON"),
        ('{"a": Infinity}', "overrides must be valid JSON"),
        ("", "overrides must be valid JSON"),
        ("[1, 2]", "overrides must be a JSON object"),
        ('"text"', "overrides must be a JSON object"),
        ("7", "overrides must be a JSON object"),
        ("null", "overrides must be a JSON object"),
    ],
)
def test_json_text_is_parsed_first(text: str, detail: str) -> None:
    errors = check_overrides(text)
    assert [(e.path, e.value, e.detail) for e in errors] == [
        (ROOT, f"<redacted {len(text.encode())} bytes>", detail)
    ]


def test_json_text_holding_an_object_is_walked() -> None:
    assert _found('{"spec": {"hostIPC": true}}') == [_security(".spec.hostIPC", "hostIPC")]


def test_redacted_size_counts_utf8_bytes() -> None:
    assert check_overrides("é{")[0].value == "<redacted 3 bytes>"


def test_deep_nesting_does_not_exhaust_recursion() -> None:
    tree: dict[str, Any] = {"hostPID": True}
    for _ in range(5000):
        tree = {"a": [tree]}
    (error,) = check_overrides(tree)
    assert error.path.endswith("[0].hostPID")
    assert error.path.count(".a[0]") == 5000


def test_raw_objects_with_non_object_overrides_reach_the_rule() -> None:
    result = validate_create(raw_md(provider={"name": "x", "overrides": [1]}), None)
    assert [e.detail for e in result.errors] == ["overrides must be a JSON object"]


def test_parsed_models_distinguish_explicit_null_from_absent() -> None:
    explicit = ModelDeployment.model_validate(raw_md(provider={"overrides": None}))
    absent = ModelDeployment.model_validate(raw_md(provider={"name": "x"}))
    assert [e.detail for e in validate_create(explicit, None).errors] == [
        "overrides must be a JSON object"
    ]
    assert validate_create(absent, None).errors == []


def test_parsed_models_with_object_overrides_are_walked() -> None:
    md = ModelDeployment.model_validate(raw_md(provider={"overrides": {"replicas": 2}}))
    assert [e.path for e in validate_create(md, None).errors] == [f"{ROOT}.replicas"]


@pytest.mark.parametrize(
    "value",
    [[], [1, "a", None], [{"a": [1, {"b": "é"}]}, {}], 0, -1.5, False, None, "x", [[[]]]],
)
def test_encoded_size_is_the_compact_json_byte_length(value: Any) -> None:
    compact = json.dumps(value, separators=(",", ":"), ensure_ascii=False)
    assert encoded_size(value) == len(compact.encode())


def test_deeply_nested_non_objects_are_sized_without_recursion() -> None:
    tree: list[Any] = []
    for _ in range(5000):
        tree = [tree]
    (error,) = check_overrides(tree)
    assert error.value == "<redacted 10002 bytes>"
