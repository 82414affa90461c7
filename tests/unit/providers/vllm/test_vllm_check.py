"""Direct vLLM compatibility (spec §5.3): the three refusals, in order, with their exact texts."""

from __future__ import annotations

import pytest

from airunway.providers.vllm import check
from tests.unit.providers.vllm.vllm_builders import SELECTED, vllm_md

ENGINE = "vLLM provider only supports vllm engine, got sglang"
DISAGG = (
    "vLLM provider does not support disaggregated serving mode; use spec.serving.mode: aggregated"
)
GPU = "vLLM provider requires GPU resources (spec.resources.gpu.count > 0)"


def test_a_gpu_vllm_aggregated_deployment_is_compatible() -> None:
    assert check(vllm_md()) is None
    assert check(vllm_md(serving={"mode": "aggregated"})) is None


def test_the_engine_comes_from_spec_then_status() -> None:
    assert check(vllm_md(engine={"type": "sglang"})) == ENGINE
    sglang_status = {"engine": {"type": "sglang"}}
    assert check(vllm_md(engine={}, status=sglang_status)) == ENGINE
    assert check(vllm_md(engine={}, status=SELECTED)) is None


def test_no_engine_at_all_is_reported_empty() -> None:
    md = vllm_md(engine={}, status={"engine": {}})
    assert check(md) == "vLLM provider only supports vllm engine, got "


def test_disaggregated_is_refused() -> None:
    assert check(vllm_md(serving={"mode": "disaggregated"})) == DISAGG


@pytest.mark.parametrize("resources", [None, {}, {"gpu": {}}, {"gpu": {"count": 0}}, {"cpu": "4"}])
def test_gpus_are_required(resources: dict[str, object] | None) -> None:
    assert check(vllm_md(resources=resources)) == GPU


def test_checks_run_in_order() -> None:
    everything_wrong = vllm_md(
        engine={"type": "sglang"}, serving={"mode": "disaggregated"}, resources=None
    )
    assert check(everything_wrong) == ENGINE
    assert check(vllm_md(serving={"mode": "disaggregated"}, resources=None)) == DISAGG
