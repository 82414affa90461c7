"""ValidateImageFields / ValidateEngineArgs (spec §1.1.2) and their admission rules V1/V2."""

from __future__ import annotations

from typing import Any

import pytest

from airunway.api import ModelDeploymentSpec
from airunway.api.gostr import flag_key as extra_arg_flag_key
from airunway.controller.admission import engine_args_error, image_fields_error
from tests.unit.controller.admission.builders import create, raw_md, storage, update, volume


def _spec(**fields: Any) -> ModelDeploymentSpec:
    return ModelDeploymentSpec.model_validate({"model": {"id": "m"}, **fields})


@pytest.mark.parametrize(
    ("image", "engine_image", "conflict"),
    [
        ("a:1", "b:1", True),
        ("a:1", "a:1", False),
        ("a:1", None, False),
        (None, "b:1", False),
        ("", "b:1", False),
        (None, None, False),
    ],
)
def test_image_fields(image: str | None, engine_image: str | None, *, conflict: bool) -> None:
    fields: dict[str, Any] = {"engine": {"image": engine_image}}
    if image is not None:
        fields["image"] = image
    error = image_fields_error(_spec(**fields))
    assert (error is not None) is conflict


def test_image_conflict_quotes_values_like_go() -> None:
    assert image_fields_error(_spec(image='a"1', engine={"image": "b\n"})) == (
        r'spec.image "a\"1" conflicts with spec.engine.image "b\n"; remove spec.image or set '
        "both fields to the same value (spec.engine.image is preferred)"
    )


@pytest.mark.parametrize(
    ("token", "key"),
    [
        ("--max-num-seqs", "max-num-seqs"),
        ("--max-num-seqs=32", "max-num-seqs"),
        ("--a=b=c", "a"),
        ("-- spaced =1", "spaced"),
        ("--", None),
        ("---triple", None),
        ("-x", None),
        ("value", None),
        ("--=1", None),
        ("--  =1", None),
        ("--\u00a0k", "k"),
        ("--\x1ck", "\x1ck"),
    ],
)
def test_extra_arg_flag_key(token: str, key: str | None) -> None:
    assert extra_arg_flag_key(token) == key


@pytest.mark.parametrize(
    ("args", "extra", "collision"),
    [
        ({"tensor-parallel-size": "4"}, ["--max-num-seqs=8"], None),
        ({"tensor-parallel-size": "4"}, ["--tensor-parallel-size=2"], "--tensor-parallel-size=2"),
        ({"tensor-parallel-size": "4"}, ["--tensor-parallel-size", "2"], "--tensor-parallel-size"),
        (None, ["--tensor-parallel-size=2"], None),
        ({"tensor-parallel-size": "4"}, None, None),
        ({"tensor-parallel-size": "4"}, ["tensor-parallel-size"], None),
        ({}, [], None),
        ({"a": "1", "b": "2"}, ["--x", "--b=3", "--a=4"], "--b=3"),
    ],
    ids=[
        "no overlap",
        "--k=v collision",
        "--k v collision",
        "extraArgs only",
        "args only",
        "bare positional token",
        "empty inputs",
        "first collision wins",
    ],
)
def test_engine_args(
    args: dict[str, str] | None, extra: list[str] | None, collision: str | None
) -> None:
    error = engine_args_error(_spec(engine={"args": args, "extraArgs": extra}))
    if collision is None:
        assert error is None
        return
    assert error is not None
    key = collision.removeprefix("--").split("=")[0]
    assert error == (
        f'launch flag "{key}" is set in both spec.engine.args and spec.engine.extraArgs '
        f'("{collision}"); set it in exactly one place so the engine does not receive '
        "conflicting values"
    )


def test_same_image_in_both_fields_is_admitted_on_create_and_update() -> None:
    raw = raw_md(image="repo/a:1", engine={"type": "vllm", "image": "repo/a:1"})
    assert create(raw).errors == []
    assert update(raw, raw).errors == []


def test_image_conflict_is_rejected_on_update_too() -> None:
    new = raw_md(image="repo/a:1", engine={"type": "vllm", "image": "repo/b:1"})
    assert [e.path for e in update(raw_md(), new).errors] == ["spec.engine.image"]


def test_names_at_the_253_limit_are_admitted() -> None:
    name = "n" * 238  # 238 + len("-model-download") == 253
    raw = raw_md(name, model=storage(volume("v" * 14, purpose="modelCache", size="1Gi")))
    assert create(raw).errors == []  # claim name: 238 + 1 + 14 == 253
