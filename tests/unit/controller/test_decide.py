"""The core reconcile decision (controller-and-crds §3.3 steps 5-13, §3.7) as a pure function."""

from __future__ import annotations

import copy
from typing import Any, Final

import pytest

from airunway.runtime.events import EventSpec
from tests.unit.controller.builders_core import (
    FLEET,
    LATER,
    LATER_TEXT,
    NOW_TEXT,
    PROVIDER_FIELDS,
    READY_CONDITION,
    applied_status,
    brief,
    bump,
    condition,
    condition_types,
    gpu_spec,
    raw_md,
    round_trip,
    run,
)
from tests.unit.controller.selection.builders import shipped

CONFLICT: Final = (
    'spec.image "repo/a:1" conflicts with spec.engine.image "repo/b:2"; remove spec.image or '
    "set both fields to the same value (spec.engine.image is preferred)"
)
NO_PROVIDERS: Final = "no providers registered (InferenceProviderConfig resources not found)"
NO_ENGINES_CPU_DYNAMO: Final = (
    "no engines available from registered providers (hasGPU=false, servingMode=aggregated, "
    "advertised=map[dynamo:[vllm sglang trtllm]])"
)
NO_PROVIDER: Final = "No provider specified and provider-selector not enabled"
DISAGG_WITH_GPU: Final = (
    "cannot specify both resources.gpu and scaling.prefill/decode in disaggregated mode"
)
SWITCH: Final = (
    'changing spec.provider.name from "kaito" to "dynamo" after a provider has been selected is '
    "not supported; delete and recreate the ModelDeployment to use a different provider"
)
VALIDATED_TRUE: Final = ("True", "ValidationPassed", "Schema validation passed")
CORE_TOP_LEVEL: Final = {
    "observedGeneration",
    "phase",
    "message",
    "provider",
    "engine",
    "image",
    "gateway",  # the core's since the gateway integration (spec §4.4 step 11)
    "conditions",
}
KAITO_AUTO: Final = {
    "name": "kaito",
    "selectedReason": "matched capabilities: engine=vllm, gpu=true, mode=aggregated",
}


def _with_provider_fields(status: dict[str, Any]) -> dict[str, Any]:
    """``status`` plus what a provider writes: replicas, endpoint, gateway, Ready, resource."""
    out = {**copy.deepcopy(status), **copy.deepcopy(PROVIDER_FIELDS)}
    out["conditions"] = [*out.get("conditions", []), copy.deepcopy(READY_CONDITION)]
    provider = out.setdefault("provider", {})
    provider.update({"resourceName": "qwen-dgd", "resourceKind": "DynamoGraphDeployment"})
    return out


# --- step 5: observedGeneration and the first phase ----------------------------------------


def test_first_reconcile_records_generation_and_pending() -> None:
    outcome = run(raw_md(generation=7, provider={"name": "dynamo"}, **gpu_spec(1, engine="vllm")))
    assert outcome.status["observedGeneration"] == 7
    assert outcome.status["phase"] == "Pending"
    assert outcome.phase == "Pending"
    assert outcome.status_changed


@pytest.mark.parametrize("phase", ["Deploying", "Running", "Pending"])
def test_an_existing_phase_is_reasserted_unchanged(phase: str) -> None:
    raw = raw_md(status={"phase": phase}, provider={"name": "dynamo"}, **gpu_spec(1, engine="vllm"))
    outcome = run(raw)
    assert outcome.status["phase"] == phase
    assert outcome.phase == phase


def test_a_failed_phase_is_never_left_by_the_core() -> None:
    failed = round_trip(
        raw := raw_md(serving={"mode": "disaggregated"}, **gpu_spec(1, engine="vllm")),
        run(raw),
    )
    assert failed["status"]["phase"] == "Failed"
    fixed = bump(failed, serving={"mode": "aggregated"})
    outcome = run(fixed)
    assert brief(outcome.status, "Validated") == VALIDATED_TRUE
    assert outcome.status["phase"] == "Failed"
    assert "message" not in outcome.status


# --- step 7: image conflict guard ------------------------------------------------------------


def test_image_conflict_fails_before_any_selection() -> None:
    raw = raw_md(image="repo/a:1", engine={"image": "repo/b:2"})
    outcome = run(raw, [])  # no providers: engine selection would fail if it ran
    status = outcome.status
    assert brief(status, "ImageResolved") == ("False", "ConflictingImageFields", CONFLICT)
    assert brief(status, "Validated") == ("False", "ValidationFailed", CONFLICT)
    assert status["image"] == {"requested": "repo/b:2", "message": CONFLICT}
    assert status["phase"] == "Failed"
    assert status["message"] == f"Validation failed: {CONFLICT}"
    assert outcome.error_type == "validation"
    assert "engine" not in status
    assert "provider" not in status
    assert sorted(condition_types(status)) == ["ImageResolved", "Validated"]
    assert outcome.provider == ""
    assert not outcome.has_provider_status


def test_image_conflict_leaves_a_recorded_provider_alone() -> None:
    status = {"phase": "Running", "provider": dict(KAITO_AUTO)}
    raw = raw_md(status=status, image="repo/a:1", engine={"image": "repo/b:2", "type": "vllm"})
    outcome = run(raw)
    assert outcome.status["provider"] == KAITO_AUTO
    assert outcome.status["phase"] == "Failed"
    assert outcome.provider == "kaito"
    assert "ProviderSelected" not in condition_types(outcome.status)


def test_identical_image_fields_are_no_conflict() -> None:
    raw = raw_md(image="repo/a:1", engine={"image": "repo/a:1"}, **gpu_spec(1))
    outcome = run(raw)
    assert "image" not in outcome.status
    assert "ImageResolved" not in condition_types(outcome.status)
    assert brief(outcome.status, "Validated") == VALIDATED_TRUE


# --- step 8: engine selection failure --------------------------------------------------------


def test_engine_selection_failure_without_providers_keeps_the_phase() -> None:
    outcome = run(raw_md(status={"phase": "Deploying"}), [])
    status = outcome.status
    assert brief(status, "EngineSelected") == ("False", "SelectionFailed", NO_PROVIDERS)
    assert status["message"] == f"Engine selection failed: {NO_PROVIDERS}"
    assert status["phase"] == "Deploying"
    assert outcome.error_type == "engine_selection"
    assert condition_types(status) == ["EngineSelected"]  # no validation, no provider step
    assert "engine" not in status
    assert "provider" not in status


def test_engine_selection_failure_on_a_first_reconcile_is_pending() -> None:
    outcome = run(raw_md(), shipped("dynamo"))  # CPU-only model, GPU-only provider
    assert brief(outcome.status, "EngineSelected") == (
        "False",
        "SelectionFailed",
        NO_ENGINES_CPU_DYNAMO,
    )
    assert outcome.status["message"] == f"Engine selection failed: {NO_ENGINES_CPU_DYNAMO}"
    assert outcome.status["phase"] == "Pending"
    assert outcome.events == [EventSpec("Warning", "SelectionFailed", NO_ENGINES_CPU_DYNAMO)]


# --- step 10: validation ---------------------------------------------------------------------


def test_validation_failure_fails_the_object() -> None:
    raw = raw_md(
        status={"phase": "Running"}, serving={"mode": "disaggregated"}, **gpu_spec(1, engine="vllm")
    )
    outcome = run(raw)
    status = outcome.status
    assert brief(status, "Validated") == ("False", "ValidationFailed", DISAGG_WITH_GPU)
    assert status["phase"] == "Failed"
    assert status["message"] == f"Validation failed: {DISAGG_WITH_GPU}"
    assert outcome.error_type == "validation"
    # The engine step ran (explicit engine recorded) but its condition waits for validation.
    assert status["engine"] == {"type": "vllm", "selectedReason": "explicit engine selection"}
    assert condition_types(status) == ["Validated"]
    assert "provider" not in status
    assert outcome.events == [EventSpec("Warning", "ValidationFailed", DISAGG_WITH_GPU)]


def test_validation_without_selector_needs_an_engine() -> None:
    outcome = run(raw_md(), enable_selector=False)
    message = "engine.type must be specified or auto-selected from provider capabilities"
    assert brief(outcome.status, "Validated") == ("False", "ValidationFailed", message)
    assert outcome.status["message"] == f"Validation failed: {message}"
    assert outcome.status["phase"] == "Failed"


def test_validation_checks_the_named_provider() -> None:
    raw = raw_md(provider={"name": "kaito"}, **gpu_spec(1, engine="sglang"))
    outcome = run(raw)
    message = "provider kaito does not support engine sglang"
    assert brief(outcome.status, "Validated") == ("False", "ValidationFailed", message)
    assert outcome.error_type == "validation"
    assert "provider" not in outcome.status


# --- steps 10-12: auto engine and auto provider ----------------------------------------------


def test_auto_engine_and_provider_on_one_gpu() -> None:
    outcome = run(raw_md(**gpu_spec(1)))
    status = outcome.status
    assert status["engine"] == {
        "type": "vllm",
        "selectedReason": "auto-selected from provider dynamo capabilities",
    }
    assert status["provider"] == {
        "name": "dynamo",
        "selectedReason": "matched capabilities: engine=vllm, gpu=true, mode=aggregated",
    }
    assert condition_types(status) == ["Validated", "EngineSelected", "ProviderSelected"]
    assert brief(status, "Validated") == VALIDATED_TRUE
    assert brief(status, "EngineSelected") == (
        "True",
        "AutoSelected",
        "Engine vllm auto-selected from provider capabilities",
    )
    assert brief(status, "ProviderSelected") == (
        "True",
        "AutoSelected",
        "Provider dynamo auto-selected",
    )
    for found in status["conditions"]:
        assert found["observedGeneration"] == 1
        assert found["lastTransitionTime"] == NOW_TEXT
    assert status["phase"] == "Pending"
    assert "message" not in status
    assert outcome.error_type is None
    assert outcome.provider == "dynamo"
    assert outcome.selected_reason == status["provider"]["selectedReason"]
    assert outcome.has_provider_status


def test_auto_selection_for_a_cpu_model_picks_llamacpp_on_kaito() -> None:
    status = run(raw_md()).status
    assert status["engine"]["type"] == "llamacpp"
    assert status["provider"] == {
        "name": "kaito",
        "selectedReason": "matched capabilities: engine=llamacpp, gpu=false, mode=aggregated",
    }
    assert brief(status, "ProviderSelected") == (
        "True",
        "AutoSelected",
        "Provider kaito auto-selected",
    )


def test_auto_selection_for_many_gpus_picks_kuberay() -> None:
    status = run(raw_md(**gpu_spec(4))).status
    assert status["provider"]["name"] == "kuberay"


def test_auto_selection_events_skip_validated_true() -> None:
    outcome = run(raw_md(**gpu_spec(1)))
    assert outcome.events == [  # one Event for both decisions of the same kind
        EventSpec(
            "Normal",
            "AutoSelected",
            "Engine vllm auto-selected from provider capabilities; Provider dynamo auto-selected",
        ),
    ]


def test_provider_selection_failure_keeps_the_phase() -> None:
    raw = raw_md(**gpu_spec(1, engine="vllm"))
    outcome = run(raw, shipped("dynamo", "kaito", ready=False))
    status = outcome.status
    message = "no healthy providers available"
    assert brief(status, "ProviderSelected") == ("False", "SelectionFailed", message)
    assert status["message"] == f"Provider selection failed: {message}"
    assert status["phase"] == "Pending"
    assert outcome.error_type == "provider_selection"
    assert "provider" not in status
    assert brief(status, "EngineSelected") == (
        "True",
        "ExplicitSelection",
        "Engine explicitly specified in spec",
    )


# --- step 13: explicit provider, no provider -------------------------------------------------


@pytest.mark.parametrize("enable_selector", [True, False])
def test_explicit_provider_is_recorded_without_checking_it_exists(*, enable_selector: bool) -> None:
    raw = raw_md(provider={"name": "ghost"}, **gpu_spec(1, engine="vllm"))
    outcome = run(raw, enable_selector=enable_selector)
    status = outcome.status
    assert status["provider"] == {"name": "ghost", "selectedReason": "explicit provider selection"}
    assert brief(status, "ProviderSelected") == (
        "True",
        "ExplicitSelection",
        "Provider explicitly specified in spec",
    )
    assert outcome.error_type is None
    assert outcome.selected_reason == "explicit provider selection"
    assert "message" not in status
    assert outcome.events == []  # the spec named engine and provider: nothing was decided


def test_explicit_provider_with_no_configs_at_all() -> None:
    raw = raw_md(provider={"name": "dynamo"}, **gpu_spec(1, engine="vllm"))
    status = run(raw, []).status
    assert status["provider"]["name"] == "dynamo"
    assert brief(status, "ProviderSelected") == (
        "True",
        "ExplicitSelection",
        "Provider explicitly specified in spec",
    )


def test_selector_disabled_without_provider_reports_no_provider() -> None:
    outcome = run(raw_md(**gpu_spec(1, engine="vllm")), enable_selector=False)
    status = outcome.status
    assert brief(status, "ProviderSelected") == ("False", "NoProvider", NO_PROVIDER)
    assert status["message"] == NO_PROVIDER
    assert status["phase"] == "Pending"
    assert "provider" not in status
    assert "engine" not in status  # engine selection is part of the selector
    assert "EngineSelected" not in condition_types(status)
    assert outcome.error_type is None
    assert outcome.events == [EventSpec("Warning", "NoProvider", NO_PROVIDER)]


# --- step 11: provider switch; stickiness ----------------------------------------------------


def test_provider_switch_is_refused_and_status_provider_kept() -> None:
    status = _with_provider_fields({"phase": "Running", "provider": dict(KAITO_AUTO)})
    raw = raw_md(status=status, provider={"name": "dynamo"}, **gpu_spec(1, engine="vllm"))
    outcome = run(raw)
    assert brief(outcome.status, "ProviderSelected") == (
        "False",
        "ProviderChangeNotSupported",
        SWITCH,
    )
    assert outcome.status["phase"] == "Failed"
    assert outcome.status["message"] == SWITCH
    assert outcome.status["provider"] == KAITO_AUTO
    assert outcome.provider == "kaito"
    assert outcome.error_type == "provider_change"
    assert brief(outcome.status, "Validated") == VALIDATED_TRUE


def test_sticky_provider_is_kept_even_when_another_would_win() -> None:
    raw = raw_md(status={"provider": dict(KAITO_AUTO)}, **gpu_spec(1))
    outcome = run(raw)
    assert outcome.status["provider"] == KAITO_AUTO  # dynamo would win a fresh selection
    assert "ProviderSelected" not in condition_types(outcome.status)
    assert outcome.provider == "kaito"
    assert all(e.message != "Provider dynamo auto-selected" for e in outcome.events)


def test_sticky_engine_is_kept() -> None:
    engine = {"type": "sglang", "selectedReason": "auto-selected from provider dynamo capabilities"}
    status = {"engine": engine, "provider": {"name": "dynamo", "selectedReason": "x"}}
    outcome = run(raw_md(status=status, **gpu_spec(1)))
    assert outcome.status["engine"] == engine
    assert brief(outcome.status, "EngineSelected") == (
        "True",
        "AutoSelected",
        "Engine sglang auto-selected from provider capabilities",
    )


def test_matching_spec_and_status_provider_is_no_switch() -> None:
    status = {"provider": {"name": "dynamo", "selectedReason": "explicit provider selection"}}
    raw = raw_md(status=status, provider={"name": "dynamo"}, **gpu_spec(1, engine="vllm"))
    outcome = run(raw)
    assert outcome.error_type is None
    assert outcome.status["provider"] == status["provider"]


# --- the applied projection leaves provider-written fields alone -----------------------------


def test_projection_excludes_provider_written_fields() -> None:
    status = _with_provider_fields({"phase": "Running", "provider": dict(KAITO_AUTO)})
    outcome = run(raw_md(status=status, **gpu_spec(1)))
    assert set(outcome.status) <= CORE_TOP_LEVEL
    assert outcome.status["provider"] == KAITO_AUTO
    assert "Ready" not in condition_types(outcome.status)
    assert outcome.status["phase"] == "Running"
    assert outcome.replicas == (2, 1, 1)


def test_core_records_its_choice_next_to_a_provider_resource_name() -> None:
    status = _with_provider_fields({})
    del status["provider"]["resourceKind"]
    raw = raw_md(status=status, **gpu_spec(1))
    outcome = run(raw)
    assert outcome.status["provider"] == {
        "name": "dynamo",
        "selectedReason": "matched capabilities: engine=vllm, gpu=true, mode=aggregated",
    }
    after = round_trip(raw, outcome)
    assert after["status"]["provider"]["resourceName"] == "qwen-dgd"
    assert after["status"]["provider"]["name"] == "dynamo"
    again = run(after)
    assert not again.status_changed
    assert again.status["provider"] == outcome.status["provider"]


def test_provider_status_without_name_counts_as_unselected() -> None:
    outcome = run(raw_md(status={"provider": {"resourceName": "x"}}, **gpu_spec(1)))
    assert outcome.status["provider"]["name"] == "dynamo"
    assert brief(outcome.status, "ProviderSelected") == (
        "True",
        "AutoSelected",
        "Provider dynamo auto-selected",
    )


# --- idempotence, change detection, events, transition times ---------------------------------

SCENARIOS: Final[dict[str, tuple[dict[str, Any], bool, bool]]] = {
    # name: (spec entries, selector enabled, use the fleet)
    "auto": (gpu_spec(1), True, True),
    "auto-cpu": ({}, True, True),
    "explicit": ({"provider": {"name": "llmd"}, **gpu_spec(2, engine="vllm")}, True, True),
    "image-conflict": ({"image": "repo/a:1", "engine": {"image": "repo/b:2"}}, True, True),
    "engine-failure": ({}, True, False),
    "validation-failure": (
        {"serving": {"mode": "disaggregated"}, **gpu_spec(1, engine="vllm")},
        True,
        True,
    ),
    "no-provider": (gpu_spec(1, engine="vllm"), False, True),
    "unparseable": ({"resources": {"gpu": {"count": "many"}}}, True, True),
}


@pytest.mark.parametrize("name", list(SCENARIOS))
def test_second_decide_over_the_applied_status_changes_nothing(name: str) -> None:
    spec, enable_selector, fleet = SCENARIOS[name]
    raw = raw_md(status=_with_provider_fields({}), **spec)
    configs = FLEET if fleet else []
    first = run(raw, configs, enable_selector=enable_selector)
    assert first.status_changed
    second = run(round_trip(raw, first), configs, enable_selector=enable_selector, now=LATER)
    assert not second.status_changed
    assert second.events == []
    assert second.status == first.status
    assert second.error_type == first.error_type


def test_a_provider_written_message_is_neither_claimed_nor_a_change() -> None:
    raw = raw_md(**gpu_spec(1))
    settled = round_trip(raw, run(raw))
    settled["status"]["message"] = "1/2 replicas ready"  # written by the provider
    outcome = run(settled, now=LATER)
    assert "message" not in outcome.status
    assert not outcome.status_changed


def test_provider_switch_is_idempotent() -> None:
    status = _with_provider_fields({"phase": "Running", "provider": dict(KAITO_AUTO)})
    raw = raw_md(status=status, provider={"name": "dynamo"}, **gpu_spec(1, engine="vllm"))
    first = run(raw)
    second = run(round_trip(raw, first), now=LATER)
    assert not second.status_changed
    assert second.events == []


@pytest.mark.parametrize("name", list(SCENARIOS))
def test_a_spec_change_is_a_status_change(name: str) -> None:
    spec, enable_selector, fleet = SCENARIOS[name]
    configs = FLEET if fleet else []
    raw = raw_md(**spec)
    settled = round_trip(raw, run(raw, configs, enable_selector=enable_selector))
    edited = bump(settled)
    outcome = run(edited, configs, enable_selector=enable_selector, now=LATER)
    assert outcome.status_changed
    assert outcome.status["observedGeneration"] == 2
    assert outcome.events == []  # the same decision again: nothing new to say


def test_condition_generations_follow_the_object() -> None:
    raw = raw_md(**gpu_spec(1))
    edited = bump(round_trip(raw, run(raw)))
    outcome = run(edited, now=LATER)
    validated = condition(outcome.status, "Validated")
    assert validated is not None
    assert validated["observedGeneration"] == 2
    assert validated["lastTransitionTime"] == NOW_TEXT  # still True: no transition


def test_transition_time_moves_only_when_the_status_flips() -> None:
    raw = raw_md(**gpu_spec(1, engine="vllm"))
    failed = round_trip(raw, run(raw, shipped("dynamo", ready=False)))
    assert brief(failed["status"], "ProviderSelected") == (
        "False",
        "SelectionFailed",
        "no healthy providers available",
    )
    still = run(failed, shipped("dynamo", ready=False), now=LATER)
    assert not still.status_changed
    other = run(failed, [*shipped("dynamo", ready=False), *shipped("kuberay")], now=LATER)
    assert other.status_changed
    provider = condition(other.status, "ProviderSelected")
    assert provider is not None
    assert provider["status"] == "True"
    assert provider["lastTransitionTime"] == LATER_TEXT
    validated = condition(other.status, "Validated")
    assert validated is not None
    assert validated["lastTransitionTime"] == NOW_TEXT
    assert other.events == [EventSpec("Normal", "AutoSelected", "Provider kuberay auto-selected")]


def test_a_new_message_on_an_unflipped_condition_keeps_its_transition_time() -> None:
    raw = raw_md()
    failed = round_trip(raw, run(raw, []))
    outcome = run(failed, shipped("dynamo"), now=LATER)
    engine = condition(outcome.status, "EngineSelected")
    assert engine is not None
    assert (engine["status"], engine["message"]) == ("False", NO_ENGINES_CPU_DYNAMO)
    assert engine["lastTransitionTime"] == NOW_TEXT
    assert outcome.status["message"] == f"Engine selection failed: {NO_ENGINES_CPU_DYNAMO}"
    assert outcome.status_changed
    assert outcome.events == [EventSpec("Warning", "SelectionFailed", NO_ENGINES_CPU_DYNAMO)]


def test_recovery_flips_conditions_and_emits_normal_events() -> None:
    raw = raw_md()
    failed = round_trip(raw, run(raw, []))
    outcome = run(failed, now=LATER)
    engine = condition(outcome.status, "EngineSelected")
    assert engine is not None
    assert (engine["status"], engine["lastTransitionTime"]) == ("True", LATER_TEXT)
    assert "message" not in outcome.status
    assert [e.type for e in outcome.events] == ["Normal"]  # engine and provider: one Event
    assert "; " in outcome.events[0].message


def test_provider_conditions_are_left_in_place_in_the_list() -> None:
    status = _with_provider_fields({})
    raw = raw_md(status=status, **gpu_spec(1))
    after = round_trip(raw, run(raw))
    assert condition(after["status"], "Ready") == READY_CONDITION
    assert after["status"]["replicas"] == PROVIDER_FIELDS["replicas"]


# --- an object the model cannot read ---------------------------------------------------------


def test_unparseable_object_fails_loudly_without_raising() -> None:
    raw = raw_md(generation=4, resources={"gpu": {"count": "many"}})
    outcome = run(raw)
    message = outcome.status["message"]
    assert message.startswith("Validation failed: spec.resources.gpu.count")
    assert outcome.status == {"phase": "Failed", "message": message, "observedGeneration": 4}
    assert outcome.status_changed
    assert outcome.events == [EventSpec("Warning", "ValidationFailed", message)]
    assert outcome.error_type == "validation"
    assert outcome.phase == "Failed"


def test_object_without_spec_is_unparseable() -> None:
    raw = raw_md()
    del raw["spec"]
    outcome = run(raw)
    assert outcome.status["message"] == "Validation failed: spec: Field required"
    assert outcome.status["phase"] == "Failed"


def test_unparseable_object_observes_a_new_generation() -> None:
    raw = raw_md(resources={"gpu": {"count": "many"}})
    settled = round_trip(raw, run(raw))
    outcome = run(bump(settled))
    assert outcome.status_changed
    assert outcome.status["observedGeneration"] == 2
    assert outcome.events == []


def test_applied_status_helper_keeps_provider_fields() -> None:
    old = _with_provider_fields({"phase": "Running", "provider": dict(KAITO_AUTO)})
    merged = applied_status(old, {"phase": "Failed", "provider": KAITO_AUTO})
    assert merged["provider"]["resourceName"] == "qwen-dgd"
    assert merged["replicas"] == PROVIDER_FIELDS["replicas"]
    assert condition_types(merged) == ["Ready"]
