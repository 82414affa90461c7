"""Admission warnings (spec §2.6), in order, on CREATE and UPDATE."""

from __future__ import annotations

from typing import Any

import pytest

from tests.unit.controller.admission.builders import create, raw_md, storage, update, volume

SERVED = "servedName is ignored for custom source (model name is defined by the container)"
TRUST = "trustRemoteCode=true allows execution of arbitrary code from HuggingFace"
TRTLLM = "contextLength is ignored for TensorRT-LLM (must be configured at engine build time)"


def _compilation(name: str) -> str:
    return (
        f'storage volume "{name}" has purpose=compilationCache with readOnly=true; compilation '
        "cache requires write access"
    )


def _model_cache(name: str) -> str:
    return (
        f'storage volume "{name}" has purpose=modelCache with readOnly=true; model download will '
        "be skipped (ensure the PVC already contains the model data)"
    )


@pytest.mark.parametrize(
    ("spec", "warnings"),
    [
        ({"model": {"source": "custom", "servedName": "x"}, "image": "i"}, [SERVED]),
        ({"model": {"id": "m", "servedName": "x"}}, []),
        ({"engine": {"type": "vllm", "trustRemoteCode": True}}, [TRUST]),
        ({"engine": {"type": "trtllm", "contextLength": 4096}}, [TRTLLM]),
        ({"engine": {"type": "vllm", "contextLength": 4096}}, []),
        ({"engine": {"contextLength": 4096}}, []),
        (
            {
                "model": storage(
                    volume("cc", purpose="compilationCache", claimName="p1", readOnly=True)
                )
            },
            [_compilation("cc")],
        ),
        (
            {"model": storage(volume("mc", purpose="modelCache", claimName="p1", readOnly=True))},
            [_model_cache("mc")],
        ),
        (
            {
                "model": {
                    "source": "custom",
                    "storage": {
                        "volumes": [
                            volume("mc", purpose="modelCache", claimName="p", readOnly=True)
                        ]
                    },
                },
                "image": "i",
            },
            [],
        ),
    ],
    ids=[
        "served name with custom source",
        "served name with huggingface",
        "trust remote code",
        "trtllm context length",
        "vllm context length",
        "auto engine context length",
        "read-only compilation cache",
        "read-only model cache",
        "read-only model cache of a custom model",
    ],
)
def test_each_warning(spec: dict[str, Any], warnings: list[str]) -> None:
    result = create(raw_md(**spec))
    assert result.errors == []
    assert result.warnings == warnings


def test_warnings_come_in_the_spec_order_and_also_on_update() -> None:
    raw = raw_md(
        model={
            "source": "custom",
            "servedName": "x",
            "storage": {
                "volumes": [
                    volume("a", purpose="compilationCache", claimName="pa", readOnly=True),
                    volume("b", purpose="custom", mountPath="/b", claimName="pb", readOnly=True),
                ]
            },
        },
        image="repo/i:1",
        engine={"type": "trtllm", "contextLength": 1, "trustRemoteCode": True},
    )
    expected = [SERVED, TRUST, TRTLLM, _compilation("a")]
    assert create(raw).warnings == expected
    assert update(raw, raw).warnings == expected


def test_warnings_accompany_a_denial() -> None:
    result = create(raw_md("a.b", engine={"type": "vllm", "trustRemoteCode": True}))
    assert not result.allowed
    assert result.warnings == [TRUST]
