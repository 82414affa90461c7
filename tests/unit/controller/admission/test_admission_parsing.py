"""Objects the strict model rejects are denied with field errors, never a crash."""

from __future__ import annotations

from typing import Any

import pytest

from airunway.api import ModelDeployment
from airunway.controller.admission import ErrorType, validate_create, validate_update
from airunway.controller.admission.parsing import ABSENT, from_model, from_raw
from tests.unit.controller.admission.builders import defaulted, raw_md


def test_missing_spec_is_required() -> None:
    raw = raw_md()
    del raw["spec"]
    assert [str(e) for e in validate_create(raw, None).errors] == ["spec: Required value"]


def test_unknown_fields_are_invalid_with_the_offending_value() -> None:
    raw = raw_md(engine={"type": "vllm", "flavour": "x"})
    (error,) = validate_create(raw, None).errors
    assert (error.path, error.type, error.value) == ("spec.engine.flavour", ErrorType.INVALID, "x")


def test_invalid_enum_is_unsupported_value_with_the_choices() -> None:
    raw = raw_md(engine={"type": "tgi"})
    assert [str(e) for e in validate_create(raw, None).errors] == [
        (
            'spec.engine.type: Unsupported value: "tgi": supported values: "vllm", "sglang", '
            '"trtllm", "llamacpp"'
        )
    ]


def test_composite_offending_values_are_not_shown() -> None:
    raw = raw_md(scaling={"replicas": [1]})
    (error,) = validate_create(raw, None).errors
    assert (error.path, error.value) == ("spec.scaling.replicas", None)


def test_unparsable_stored_object_does_not_block_the_update() -> None:
    old = raw_md(engine={"type": "tgi"})
    new = defaulted(raw_md())
    result = validate_update(old, new, None)
    assert result.allowed
    (warning,) = [w for w in result.warnings if w.startswith("identity-field checks skipped")]
    assert "spec.engine.type: Internal error: stored object does not parse" in warning


def test_an_unparsable_new_object_is_denied_even_when_the_stored_one_is_broken() -> None:
    bad_new = raw_md(scaling={"replicas": "1"})
    bad_old = raw_md(engine={"type": "tgi"})
    paths = [e.path for e in validate_update(bad_old, bad_new, None).errors]
    assert paths == ["spec.scaling.replicas"]


@pytest.mark.parametrize(
    ("provider", "overrides"),
    [
        ({"name": "x"}, ABSENT),
        ({"overrides": {"a": 1}}, {"a": 1}),
        ({"overrides": "[1]"}, "[1]"),
        ({"overrides": [1]}, [1]),
        ({"overrides": None}, None),
    ],
)
def test_raw_overrides_are_set_aside_before_parsing(
    provider: dict[str, Any], overrides: object
) -> None:
    raw = raw_md(provider=provider)
    parsed = from_raw(raw)
    assert parsed.overrides == overrides or parsed.overrides is overrides
    assert raw["spec"]["provider"] == provider  # the input is not modified


def test_objects_without_provider_have_no_overrides() -> None:
    assert from_raw(raw_md()).overrides is ABSENT
    assert from_model(ModelDeployment.model_validate(raw_md())).overrides is ABSENT
