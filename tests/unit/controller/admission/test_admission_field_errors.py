"""Field errors render exactly like k8s.io/apimachinery's field.Error and ErrorList aggregates."""

from __future__ import annotations

import pytest

from airunway.controller.admission import (
    ErrorType,
    FieldError,
    aggregate_message,
    denial_message,
)
from airunway.controller.admission.field_errors import (
    GoLiteral,
    child,
    forbidden,
    go_quote,
    go_string_slice,
    index,
    internal,
    invalid,
    not_supported,
    render_value,
    required,
)


@pytest.mark.parametrize(
    ("text", "quoted"),
    [
        ("plain", '"plain"'),
        ("", '""'),
        ('say "hi"', r'"say \"hi\""'),
        ("back\\slash", r'"back\\slash"'),
        ("tab\tnl\ncr\r", r'"tab\tnl\ncr\r"'),
        ("\a\b\f\v", r'"\a\b\f\v"'),
        ("nul\x00esc\x1b", r'"nul\x00esc\x1b"'),
        ("del\x7f", r'"del\x7f"'),
        ("café ü", '"café ü"'),
        ("nbsp\u00a0", r'"nbsp\u00a0"'),
        ("zero\u200bwidth", r'"zero\u200bwidth"'),
        ("emoji \U0001f600", '"emoji \U0001f600"'),
        ("tag \U000e0001", r'"tag \U000e0001"'),
        ("'single'", "\"'single'\""),
    ],
)
def test_go_quote_matches_strconv_quote(text: str, quoted: str) -> None:
    assert go_quote(text) == quoted


@pytest.mark.parametrize(
    ("value", "rendered"),
    [
        ("x", '"x"'),
        (0, "0"),
        (-3, "-3"),
        (True, "true"),
        (False, "false"),
        (None, "null"),
        (GoLiteral("[]string{}"), "[]string{}"),
    ],
)
def test_values_render_like_field_error(value: object, rendered: str) -> None:
    assert render_value(value) == rendered  # type: ignore[arg-type]


def test_string_slices_render_like_go_syntax() -> None:
    assert go_string_slice(["--a", 'b"c']).text == r'[]string{"--a", "b\"c"}'
    assert go_string_slice([]).text == "[]string{}"
    assert go_string_slice(None).text == "[]string(nil)"


def test_each_error_type_renders_its_shape() -> None:
    assert str(invalid("spec.x", "v", "bad")) == 'spec.x: Invalid value: "v": bad'
    assert str(invalid("spec.x", 7, "bad")) == "spec.x: Invalid value: 7: bad"
    assert str(required("spec.x", "needed")) == "spec.x: Required value: needed"
    assert str(forbidden("spec.x", "no")) == "spec.x: Forbidden: no"
    assert str(internal("spec.x", "boom")) == "spec.x: Internal error: boom"
    assert str(not_supported("spec.x", "c", ["a", "b"])) == (
        'spec.x: Unsupported value: "c": supported values: "a", "b"'
    )


def test_valueless_types_never_show_a_value_and_empty_details_are_dropped() -> None:
    assert str(FieldError("p", ErrorType.REQUIRED, "", "ignored")) == "p: Required value"
    assert str(FieldError("p", ErrorType.FORBIDDEN, "d", 3)) == "p: Forbidden: d"
    assert str(FieldError("p", ErrorType.INVALID, "d")) == "p: Invalid value: d"
    assert str(FieldError("p", ErrorType.INVALID, "", None)) == "p: Invalid value: null"


def test_paths_use_dots_and_indices() -> None:
    assert child("spec", "model", "id") == "spec.model.id"
    assert child("", "metadata") == "metadata"
    assert index(child("spec", "volumes"), 2) == "spec.volumes[2]"
    assert child(index("a", 0), "b") == "a[0].b"


def test_aggregate_of_one_is_the_error_itself() -> None:
    assert aggregate_message([required("a", "x")]) == "a: Required value: x"


def test_aggregate_of_several_is_bracketed_and_deduplicated_in_order() -> None:
    errors = [required("a", "x"), forbidden("b", "y"), required("a", "x")]
    assert aggregate_message(errors) == "[a: Required value: x, b: Forbidden: y]"


def test_aggregate_of_duplicates_only_is_unbracketed() -> None:
    assert aggregate_message([forbidden("b", "y"), forbidden("b", "y")]) == "b: Forbidden: y"


def test_aggregate_of_nothing_is_empty() -> None:
    assert aggregate_message([]) == ""


def test_denial_message_has_the_api_server_prefix() -> None:
    message = denial_message([required("spec.model.id", "model.id is required")])
    assert message == (
        'admission webhook "vmodeldeployment-v1alpha1.kb.io" denied the request: '
        "spec.model.id: Required value: model.id is required"
    )
