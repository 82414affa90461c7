"""Engine selection (controller-and-crds §3.4): explicit, sticky, auto, and its exact errors."""

from __future__ import annotations

import pytest

from airunway.api import ConditionReason, EngineStatus, EngineType
from airunway.controller.selection import (
    EXPLICIT_ENGINE_MESSAGE,
    EXPLICIT_ENGINE_REASON,
    NO_PROVIDERS_REGISTERED,
    SelectionError,
    SelectionSource,
    engine_selected_condition,
    select_engine,
)
from airunway.controller.selection.engine import go_map
from tests.unit.controller.selection.builders import (
    AGG,
    BOTH,
    apply_engine,
    disaggregated_md,
    engines_ipc,
    gpu_md,
    ipc,
    md,
    shipped,
)

STICKY_STATUS = {"engine": {"type": "sglang", "selectedReason": "auto-selected from provider x"}}


def test_explicit_engine_wins_and_is_rewritten_every_time() -> None:
    deployment = md(
        {"model": {"id": "m"}, "engine": {"type": "trtllm"}},
        status={"engine": {"type": "vllm", "selectedReason": "old"}},
    )
    decision = select_engine(deployment, [])
    assert decision.engine is EngineType.TRTLLM
    assert decision.source is SelectionSource.EXPLICIT
    assert decision.status == EngineStatus(
        type=EngineType.TRTLLM, selected_reason=EXPLICIT_ENGINE_REASON
    )
    assert decision.provider == ""


def test_explicit_engine_needs_no_providers() -> None:
    assert select_engine(gpu_md(0, engine="vllm"), []).engine is EngineType.VLLM


def test_auto_selected_engine_is_sticky_even_when_resources_change() -> None:
    # Now a 2-GPU deployment that would auto-select vllm: the recorded sglang is kept.
    deployment = md(
        {"model": {"id": "m"}, "resources": {"gpu": {"count": 2}}}, status=STICKY_STATUS
    )
    decision = select_engine(deployment, shipped("kaito", "dynamo"))
    assert decision.engine is EngineType.SGLANG
    assert decision.source is SelectionSource.STICKY
    assert decision.status is None
    assert decision.selected_reason == "auto-selected from provider x"


def test_sticky_needs_no_providers() -> None:
    assert select_engine(md(status=STICKY_STATUS), []).source is SelectionSource.STICKY


def test_no_providers_registered() -> None:
    with pytest.raises(SelectionError, match=r"^no providers registered \(") as error:
        select_engine(gpu_md(1), [])
    assert str(error.value) == NO_PROVIDERS_REGISTERED
    assert error.value.message == NO_PROVIDERS_REGISTERED


def test_auto_selection_prefers_vllm_then_sglang_then_trtllm_then_llamacpp() -> None:
    def offering(*names: str) -> list[EngineType]:
        configs = [
            engines_ipc("p", *({"name": n, "servingModes": AGG, "gpuSupport": True} for n in names))
        ]
        return [select_engine(gpu_md(1), configs).engine]

    assert offering("llamacpp", "trtllm", "sglang", "vllm") == [EngineType.VLLM]
    assert offering("llamacpp", "trtllm", "sglang") == [EngineType.SGLANG]
    assert offering("llamacpp", "trtllm") == [EngineType.TRTLLM]
    assert offering("llamacpp") == [EngineType.LLAMACPP]


def test_auto_selection_names_the_first_provider_by_name_whatever_the_list_order() -> None:
    configs = shipped("vllm", "llmd", "kuberay", "kaito")
    decision = select_engine(gpu_md(1), configs)
    assert decision.source is SelectionSource.AUTO
    assert decision.engine is EngineType.VLLM
    assert decision.provider == "kaito"
    assert decision.selected_reason == "auto-selected from provider kaito capabilities"
    assert decision.status == EngineStatus(
        type=EngineType.VLLM, selected_reason=decision.selected_reason
    )


def test_cpu_deployment_with_kaito_auto_selects_llamacpp() -> None:
    decision = select_engine(gpu_md(None), shipped(*("dynamo", "kaito", "kuberay", "llmd", "vllm")))
    assert (decision.engine, decision.provider) == (EngineType.LLAMACPP, "kaito")


def test_not_ready_providers_are_skipped() -> None:
    configs = [*shipped("dynamo", ready=False), *shipped("kuberay")]
    decision = select_engine(gpu_md(1), configs)
    assert decision.provider == "kuberay"
    configs = [*shipped("dynamo", "kuberay", ready=False), ipc("no-status", None, ready=None)]
    with pytest.raises(SelectionError) as error:
        select_engine(gpu_md(1), configs)
    assert str(error.value) == (
        "no engines available from registered providers "
        "(hasGPU=true, servingMode=aggregated, advertised=map[])"
    )


def test_providers_without_capabilities_are_skipped_and_not_advertised() -> None:
    configs = [ipc("bare", {}), ipc("empty", {"capabilities": {}}), *shipped("dynamo")]
    with pytest.raises(SelectionError) as error:
        select_engine(gpu_md(None), configs)
    assert str(error.value) == (
        "no engines available from registered providers (hasGPU=false, servingMode=aggregated, "
        "advertised=map[dynamo:[vllm sglang trtllm] empty:[]])"
    )


def test_error_lists_every_ready_provider_sorted_like_a_go_map() -> None:
    with pytest.raises(SelectionError) as error:
        select_engine(disaggregated_md(), shipped("vllm", "kaito"))
    assert str(error.value) == (
        "no engines available from registered providers (hasGPU=true, servingMode=disaggregated, "
        "advertised=map[kaito:[vllm llamacpp] vllm:[vllm]])"
    )


def test_disaggregated_counts_as_gpu_even_without_a_gpu_count() -> None:
    configs = [
        engines_ipc("cpu", {"name": "llamacpp", "servingModes": BOTH, "cpuSupport": True}),
        engines_ipc("gpu", {"name": "sglang", "servingModes": BOTH, "gpuSupport": True}),
    ]
    assert select_engine(disaggregated_md(), configs).engine is EngineType.SGLANG
    assert select_engine(gpu_md(0), configs).engine is EngineType.LLAMACPP


def test_the_resolved_serving_mode_must_be_listed_and_an_empty_list_supports_none() -> None:
    configs = [
        engines_ipc("a", {"name": "vllm", "servingModes": [], "gpuSupport": True}),
        engines_ipc("b", {"name": "sglang", "gpuSupport": True}),
        engines_ipc("c", {"name": "trtllm", "servingModes": ["disaggregated"], "gpuSupport": True}),
        engines_ipc("d", {"name": "llamacpp", "servingModes": AGG, "gpuSupport": True}),
    ]
    decision = select_engine(gpu_md(1), configs)
    assert (decision.engine, decision.provider) == (EngineType.LLAMACPP, "d")


def test_engine_selected_condition_follows_step_10() -> None:
    assert engine_selected_condition(gpu_md(1)) is None
    explicit = gpu_md(1, engine="vllm")
    assert engine_selected_condition(explicit) is None  # nothing recorded yet
    explicit = apply_engine(explicit, select_engine(explicit, []))
    assert engine_selected_condition(explicit) == (
        ConditionReason.EXPLICIT_SELECTION,
        EXPLICIT_ENGINE_MESSAGE,
    )
    auto = gpu_md(1)
    auto = apply_engine(auto, select_engine(auto, shipped("dynamo")))
    assert engine_selected_condition(auto) == (
        ConditionReason.AUTO_SELECTED,
        "Engine vllm auto-selected from provider capabilities",
    )
    assert engine_selected_condition(md(status=STICKY_STATUS)) == (
        ConditionReason.AUTO_SELECTED,
        "Engine sglang auto-selected from provider capabilities",
    )


def test_go_map_rendering() -> None:
    assert go_map({}) == "map[]"
    assert go_map({"b": ["x"], "a": [], "c": ["y", "z"]}) == "map[a:[] b:[x] c:[y z]]"
