"""Provider selection (controller-and-crds §3.6): skips, errors, candidates, priorities, ties."""

from __future__ import annotations

from typing import Any

import pytest

from airunway.api import ConditionReason, EngineType, ProviderStatus, ServingMode
from airunway.controller.selection import (
    EXPLICIT_PROVIDER_MESSAGE,
    EXPLICIT_PROVIDER_REASON,
    NO_COMPATIBLE_PROVIDER,
    NO_HEALTHY_PROVIDERS,
    NO_PROVIDERS_REGISTERED,
    ProviderCandidate,
    SelectionError,
    SelectionSource,
    select_provider,
)
from airunway.controller.selection import provider as provider_module
from airunway.controller.selection.cel_rules import rule_matches
from tests.unit.controller.selection.builders import (
    AGG,
    BOTH,
    disaggregated_md,
    engines_ipc,
    gpu_md,
    ipc,
    md,
    shipped,
)

ALL = ("kaito", "dynamo", "kuberay", "llmd", "vllm")
AGGREGATED = ServingMode.AGGREGATED
VLLM_GPU = {"name": "vllm", "servingModes": BOTH, "gpuSupport": True}
LLAMACPP_CPU = {"name": "llamacpp", "servingModes": AGG, "cpuSupport": True}


def rule(condition: str, priority: int) -> dict[str, Any]:
    return {"condition": condition, "priority": priority}


def winner(deployment: Any, configs: list[Any], engine: str = "vllm") -> str:
    mode = deployment.spec.resolved_serving_mode()
    return select_provider(deployment, configs, engine, mode).provider


def test_recorded_provider_is_sticky() -> None:
    deployment = md(status={"provider": {"name": "kaito", "resourceName": "qwen"}})
    decision = select_provider(deployment, [], "vllm", AGGREGATED)
    assert (decision.provider, decision.source) == ("kaito", SelectionSource.STICKY)
    assert decision.status is None
    assert decision.condition is None


def test_explicit_provider_is_respected_without_checking_that_it_exists() -> None:
    deployment = md(
        {
            "model": {"id": "m"},
            "provider": {"name": "kaito"},
            "resources": {"gpu": {"count": 1}},
        }
    )
    decision = select_provider(deployment, shipped(*ALL), "vllm", AGGREGATED)
    assert (decision.provider, decision.source) == ("kaito", SelectionSource.EXPLICIT)
    assert decision.status == ProviderStatus(name="kaito", selected_reason=EXPLICIT_PROVIDER_REASON)
    assert decision.condition == (ConditionReason.EXPLICIT_SELECTION, EXPLICIT_PROVIDER_MESSAGE)
    assert (
        select_provider(
            md({"model": {"id": "m"}, "provider": {"name": "nope"}}), [], "", AGGREGATED
        ).provider
        == "nope"
    )


def test_status_wins_over_spec_when_both_are_set() -> None:
    deployment = md(
        {"model": {"id": "m"}, "provider": {"name": "kaito"}},
        status={"provider": {"name": "kaito"}},
    )
    assert select_provider(deployment, [], "vllm", AGGREGATED).source is SelectionSource.STICKY


@pytest.mark.parametrize(
    ("configs", "message"),
    [
        ([], NO_PROVIDERS_REGISTERED),
        (shipped(*ALL, ready=False), NO_HEALTHY_PROVIDERS),
        ([ipc("no-status", None, ready=None)], NO_HEALTHY_PROVIDERS),
        (shipped("kaito"), NO_COMPATIBLE_PROVIDER),
        ([ipc("bare", {}), ipc("empty", {"capabilities": {}})], NO_COMPATIBLE_PROVIDER),
    ],
)
def test_errors(configs: list[Any], message: str) -> None:
    with pytest.raises(SelectionError) as error:
        select_provider(disaggregated_md(), configs, "vllm", ServingMode.DISAGGREGATED)
    assert str(error.value) == message


def test_unresolved_engine_has_no_candidate() -> None:
    with pytest.raises(SelectionError, match=NO_COMPATIBLE_PROVIDER):
        select_provider(gpu_md(1), shipped(*ALL), "", AGGREGATED)


def test_auto_selection_reason_and_condition() -> None:
    decision = select_provider(gpu_md(1), shipped(*ALL), EngineType.VLLM, AGGREGATED)
    assert decision.source is SelectionSource.AUTO
    assert decision.provider == "dynamo"
    assert (
        decision.selected_reason == "matched capabilities: engine=vllm, gpu=true, mode=aggregated"
    )
    assert decision.status == ProviderStatus(
        name="dynamo", selected_reason=decision.selected_reason
    )
    assert decision.condition == (ConditionReason.AUTO_SELECTED, "Provider dynamo auto-selected")
    assert decision.candidates == (
        ProviderCandidate("dynamo", 50),
        ProviderCandidate("kaito", 0),
        ProviderCandidate("kuberay", 0),
        ProviderCandidate("llmd", 0),
        ProviderCandidate("vllm", 0),
    )
    cpu = select_provider(gpu_md(None), shipped(*ALL), "llamacpp", AGGREGATED)
    assert (
        cpu.selected_reason == "matched capabilities: engine=llamacpp, gpu=false, mode=aggregated"
    )
    disagg = select_provider(disaggregated_md(), shipped(*ALL), "vllm", ServingMode.DISAGGREGATED)
    assert (
        disagg.selected_reason == "matched capabilities: engine=vllm, gpu=true, mode=disaggregated"
    )


def test_not_ready_providers_are_excluded() -> None:
    configs = [*shipped("dynamo", ready=False), *shipped("kuberay", "llmd")]
    assert winner(gpu_md(1), configs) == "kuberay"
    configs = [ipc("aaa", {"capabilities": {"engines": [VLLM_GPU]}}, ready=None), *shipped("llmd")]
    assert winner(gpu_md(1), configs) == "llmd"


def test_rule_less_providers_are_priority_zero_candidates() -> None:
    decision = select_provider(gpu_md(1), shipped("vllm", "llmd"), "vllm", AGGREGATED)
    assert decision.provider == "llmd"
    assert decision.candidates == (ProviderCandidate("llmd", 0), ProviderCandidate("vllm", 0))


def test_priority_is_the_highest_matching_rule_and_ties_go_to_the_smallest_name() -> None:
    configs = [
        engines_ipc("b", VLLM_GPU, rules=[rule("true", 10), rule("true", 70), rule("false", 99)]),
        engines_ipc("c", VLLM_GPU, rules=[rule("true", 70)]),
        engines_ipc("a", VLLM_GPU, rules=[rule("true", 0)]),
    ]
    decision = select_provider(gpu_md(1), configs, "vllm", AGGREGATED)
    assert decision.candidates == (
        ProviderCandidate("b", 70),
        ProviderCandidate("c", 70),
        ProviderCandidate("a", 0),
    )


@pytest.mark.parametrize(
    "broken",
    [
        "spec.engine.type ==",  # syntax error
        "resources.gpu.count > 0",  # undeclared reference
        "spec.serving.mode == 'aggregated'",  # evaluation error: serving is absent
        "spec.engine.type",  # not a boolean
    ],
)
def test_broken_rules_are_ignored_but_their_provider_stays_a_candidate(broken: str) -> None:
    configs = [
        engines_ipc("aaa", VLLM_GPU, rules=[rule(broken, 1000)]),
        engines_ipc("zzz", VLLM_GPU, rules=[rule("spec.engine.type == 'vllm'", 10)]),
    ]
    decision = select_provider(gpu_md(1), configs, "vllm", AGGREGATED)
    assert decision.candidates == (ProviderCandidate("zzz", 10), ProviderCandidate("aaa", 0))


def test_zero_gpu_count_quirk_changes_the_winner() -> None:
    cpu_rule = rule("!has(spec.resources.gpu) || spec.resources.gpu.count == 0", 100)
    configs = [
        engines_ipc("aa-cpu", LLAMACPP_CPU),
        engines_ipc("zz-cpu", LLAMACPP_CPU, rules=[cpu_rule]),
    ]
    no_gpu_block = md({"model": {"id": "m"}, "resources": {"cpu": "4"}})
    assert winner(no_gpu_block, configs, "llamacpp") == "zz-cpu"
    # count 0 is omitted from the CEL input, so reading it fails and the rule is ignored ...
    assert winner(gpu_md(0), configs, "llamacpp") == "aa-cpu"
    # ... and so does has(spec.resources.gpu) when resources itself is absent (cel-go semantics).
    assert winner(gpu_md(None), configs, "llamacpp") == "aa-cpu"


def test_float_quirk_rules_compare_doubles_with_int_literals() -> None:
    configs = [
        engines_ipc("aa", VLLM_GPU),
        engines_ipc("zz", VLLM_GPU, rules=[rule("spec.resources.gpu.count == 2", 5)]),
    ]
    assert winner(gpu_md(2), configs) == "zz"
    assert winner(gpu_md(3), configs) == "aa"


def test_rules_see_the_auto_selected_engine_without_the_spec_changing() -> None:
    configs = [
        engines_ipc("aa", VLLM_GPU),
        engines_ipc("zz", VLLM_GPU, rules=[rule("spec.engine.type == 'vllm'", 5)]),
    ]
    deployment = gpu_md(1)
    before = deployment.model_dump()
    assert winner(deployment, configs, "vllm") == "zz"
    assert deployment.model_dump() == before
    assert deployment.spec.engine is None


def test_explicit_engine_beats_a_higher_priority_provider_of_another_engine() -> None:
    configs = [
        engines_ipc(
            "aa-sglang",
            {"name": "sglang", "servingModes": AGG, "gpuSupport": True},
            rules=[rule("true", 1000)],
        ),
        engines_ipc("zz-vllm", VLLM_GPU),
    ]
    assert winner(gpu_md(1, engine="vllm"), configs, "vllm") == "zz-vllm"


def test_capabilities_filter_gpu_cpu_and_serving_mode() -> None:
    configs = [
        engines_ipc("gpu-only", {"name": "llamacpp", "servingModes": AGG, "gpuSupport": True}),
        engines_ipc("cpu-only", LLAMACPP_CPU),
        engines_ipc(
            "no-modes",
            {"name": "llamacpp", "servingModes": [], "gpuSupport": True, "cpuSupport": True},
        ),
    ]
    assert winner(gpu_md(0), configs, "llamacpp") == "cpu-only"
    assert winner(gpu_md(1), configs, "llamacpp") == "gpu-only"
    agg_only = [engines_ipc("agg", {"name": "vllm", "servingModes": AGG, "gpuSupport": True})]
    with pytest.raises(SelectionError, match=NO_COMPATIBLE_PROVIDER):
        select_provider(disaggregated_md(), agg_only, "vllm", ServingMode.DISAGGREGATED)


def test_rules_are_not_evaluated_when_they_cannot_change_the_priority(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    evaluated: list[str] = []

    def spy(condition: str, spec: Any) -> bool:
        evaluated.append(condition)
        return rule_matches(condition, spec)

    monkeypatch.setattr("airunway.controller.selection.provider.rule_matches", spy)
    configs = [
        engines_ipc("p", VLLM_GPU, rules=[rule("true", 50), rule("false", 50), rule("false", 0)])
    ]
    assert select_provider(gpu_md(1), configs, "vllm", AGGREGATED).candidates == (
        ProviderCandidate("p", 50),
    )
    assert evaluated == ["true"]
    evaluated.clear()
    select_provider(gpu_md(1), shipped("llmd", "vllm"), "vllm", AGGREGATED)
    assert evaluated == []


def test_validate_rule_is_exposed_for_the_provider_config_controller() -> None:
    assert provider_module.validate_rule("spec.engine.type == 'vllm'") is None
    assert provider_module.validate_rule("spec.engine.type ==") is not None
