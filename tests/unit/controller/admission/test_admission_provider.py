"""Rule V9 (spec §2.5): provider compatibility at admission, with the injected lookup."""

from __future__ import annotations

from typing import Any

import pytest

from airunway.api import ModelDeployment
from airunway.controller.admission import (
    LookupOutcome,
    ProviderLookupResult,
    fallback,
    issue_error,
    prefetched,
    provider_to_verify,
    validate_create,
)
from airunway.controller.compatibility import CompatibilityIssue, IssueKind
from tests.unit.controller.admission.builders import (
    DYNAMO,
    KAITO,
    NO_CAPABILITIES,
    create,
    lookup_of,
    messages,
    raw_md,
)

MOCKER = {"airunway.ai/dynamo-test-backend": "mocker"}
GPU = {"gpu": {"count": 1}}
DISAGG = {
    "serving": {"mode": "disaggregated"},
    "scaling": {"prefill": {"gpu": {"count": 1}}, "decode": {"gpu": {"count": 1}}},
}


def _md(provider: str, engine: str | None, **spec: Any) -> dict[str, Any]:
    engine_spec = {"type": engine} if engine else {}
    return raw_md(provider={"name": provider}, engine=engine_spec, **spec)


LOOKUP = lookup_of(DYNAMO, KAITO, NO_CAPABILITIES)


def test_trtllm_disaggregated_on_dynamo_is_rejected() -> None:
    result = create(_md("dynamo", "trtllm", **DISAGG), LOOKUP)
    assert messages(result) == [
        (
            'spec.serving.mode: Invalid value: "disaggregated": '
            "provider dynamo does not support disaggregated mode for engine trtllm"
        )
    ]


def test_unsupported_engine_is_rejected() -> None:
    result = create(_md("kaito", "sglang", resources=GPU), LOOKUP)
    assert messages(result) == [
        'spec.engine.type: Invalid value: "sglang": provider kaito does not support engine sglang'
    ]


def test_vllm_disaggregated_on_dynamo_is_admitted() -> None:
    assert create(_md("dynamo", "vllm", **DISAGG), LOOKUP).errors == []


def test_vllm_with_gpu_zero_on_dynamo_is_rejected() -> None:
    result = create(_md("dynamo", "vllm", resources={"gpu": {"count": 0}}), LOOKUP)
    assert messages(result) == [
        (
            "spec.resources.gpu.count: Invalid value: 0: vllm engine on provider dynamo "
            "requires GPU (set resources.gpu.count > 0)"
        )
    ]


def test_vllm_without_resources_on_dynamo_is_rejected_when_not_defaulted() -> None:
    # With a legacy image the defaulter adds no GPU, so the GPU rule sees count 0.
    result = create(_md("dynamo", "vllm", image="repo/vllm:1"), LOOKUP)
    assert [e.path for e in result.errors] == ["spec.resources.gpu.count"]
    # Straight to the validator (no defaulting), an absent resources block counts as 0 GPUs.
    assert [e.path for e in validate_create(_md("dynamo", "vllm"), LOOKUP).errors] == [
        "spec.resources.gpu.count"
    ]


def test_defaulted_gpu_satisfies_the_gpu_rule() -> None:
    assert create(_md("dynamo", "vllm"), LOOKUP).errors == []


def test_llamacpp_cpu_only_on_kaito_is_admitted() -> None:
    assert create(_md("kaito", "llamacpp", resources={"cpu": "4"}), LOOKUP).errors == []


def test_llamacpp_disaggregated_on_kaito_is_rejected() -> None:
    result = create(_md("kaito", "llamacpp", **DISAGG), LOOKUP)
    assert [e.path for e in result.errors] == ["spec.serving.mode"]


def test_provider_not_found_is_rejected() -> None:
    result = create(_md("nope", "vllm"), LOOKUP)
    assert messages(result) == [
        'spec.provider.name: Invalid value: "nope": InferenceProviderConfig "nope" not found'
    ]


def test_provider_without_capabilities_is_not_checked() -> None:
    assert create(_md("bare", "sglang", resources={"cpu": "1"}), LOOKUP).errors == []


def test_missing_crd_skips_the_check_silently() -> None:
    result = create(_md("dynamo", "sglang"), prefetched(ProviderLookupResult.crd_absent()))
    assert result.errors == []
    assert result.warnings == []


def test_no_lookup_configured_skips_the_check() -> None:
    assert create(_md("nope", "vllm"), None).errors == []


def test_transient_error_admits_with_a_warning_first() -> None:
    lookup = prefetched(ProviderLookupResult.error("context deadline exceeded"))
    raw = raw_md(provider={"name": "dynamo"}, engine={"type": "vllm", "trustRemoteCode": True})
    result = create(raw, lookup)
    assert result.errors == []
    assert result.warnings == [
        (
            'could not verify provider "dynamo" compatibility at admission time (context deadline '
            "exceeded); the controller will re-validate during reconciliation"
        ),
        "trustRemoteCode=true allows execution of arbitrary code from HuggingFace",
    ]


@pytest.mark.parametrize(
    "message",
    [
        (
            'inferenceproviderconfigs.airunway.ai "dynamo" is forbidden: User '
            '"system:serviceaccount:airunway-system:airunway-controller-manager" cannot get '
            "resource"
        ),
        "Unauthorized",
    ],
)
def test_forbidden_or_unauthorized_is_an_internal_error(message: str) -> None:
    result = create(_md("dynamo", "vllm"), prefetched(ProviderLookupResult.forbidden(message)))
    assert messages(result) == [
        f'spec.provider.name: Internal error: cannot verify provider "dynamo": {message}'
    ]


def test_no_engine_or_no_provider_skips_the_lookup() -> None:
    calls: list[str] = []

    def lookup(name: str, /) -> ProviderLookupResult:
        calls.append(name)
        return ProviderLookupResult.not_found()

    assert create(_md("dynamo", None), lookup).errors == []
    assert create(raw_md(engine={"type": "vllm"}), lookup).errors == []
    assert calls == []


@pytest.mark.parametrize(
    ("engine", "spec", "errors"),
    [
        ("vllm", {}, []),
        ("vllm", {"resources": {"cpu": "2"}}, []),
        ("vllm", DISAGG, []),
        ("vllm", {**DISAGG, "scaling": {"prefill": {}, "decode": {}}}, []),
        ("sglang", {}, ["spec.engine.type"]),
        (None, {}, []),
    ],
    ids=[
        "vllm",
        "cpu-only aggregated",
        "disaggregated",
        "cpu-only disaggregated",
        "non-vllm",
        "empty engine",
    ],
)
def test_mocker_mode_waives_the_provider_and_gpu_checks(
    engine: str | None, spec: dict[str, Any], errors: list[str]
) -> None:
    raw = _md("dynamo", engine, annotations=MOCKER, **spec)
    raw["spec"].setdefault("resources", {"cpu": "1"})
    result = create(raw, lookup_of(KAITO))  # dynamo unknown: the lookup must not run
    assert [e.path for e in result.errors] == errors


def test_mocker_annotation_needs_the_dynamo_provider() -> None:
    raw = _md("kaito", "vllm", annotations=MOCKER, resources={"cpu": "1"})
    assert [e.path for e in create(raw, LOOKUP).errors] == ["spec.resources.gpu.count"]
    disagg = _md(
        "kaito",
        None,
        annotations=MOCKER,
        serving={"mode": "disaggregated"},
        scaling={"prefill": {}, "decode": {}},
    )
    assert [e.path for e in create(disagg).errors] == [
        "spec.scaling.prefill.gpu.count",
        "spec.scaling.decode.gpu.count",
    ]


def test_provider_to_verify() -> None:
    def parsed(raw: dict[str, Any]) -> ModelDeployment:
        return ModelDeployment.model_validate(raw)

    assert provider_to_verify(parsed(_md("dynamo", "vllm"))) == "dynamo"
    assert provider_to_verify(parsed(_md("dynamo", None))) is None
    assert provider_to_verify(parsed(raw_md(engine={"type": "vllm"}))) is None
    assert provider_to_verify(parsed(_md("dynamo", "vllm", annotations=MOCKER))) is None


class _Reader:
    def __init__(self, result: ProviderLookupResult) -> None:
        self.result = result
        self.calls = 0

    def __call__(self, name: str, /) -> ProviderLookupResult:
        del name
        self.calls += 1
        return self.result


def test_steady_state_reads_the_cache_only() -> None:
    cached, uncached = (
        _Reader(ProviderLookupResult.found(DYNAMO)),
        _Reader(ProviderLookupResult.not_found()),
    )
    assert fallback(cached, uncached)("dynamo").outcome is LookupOutcome.FOUND
    assert (cached.calls, uncached.calls) == (1, 0)


def test_cache_miss_falls_back_to_the_api_reader() -> None:
    cached = _Reader(ProviderLookupResult.not_found())
    uncached = _Reader(ProviderLookupResult.found(DYNAMO))
    result = create(_md("dynamo", "vllm"), fallback(cached, uncached))
    assert result.errors == []
    assert (cached.calls, uncached.calls) == (1, 1)


def test_fallback_not_found_is_authoritative() -> None:
    lookup = fallback(
        _Reader(ProviderLookupResult.not_found()), _Reader(ProviderLookupResult.not_found())
    )
    assert [e.path for e in create(_md("dynamo", "vllm"), lookup).errors] == ["spec.provider.name"]


@pytest.mark.parametrize(
    "result",
    [
        ProviderLookupResult.error("timeout"),
        ProviderLookupResult.forbidden("forbidden"),
        ProviderLookupResult.crd_absent(),
    ],
)
def test_other_cache_outcomes_are_not_retried(result: ProviderLookupResult) -> None:
    uncached = _Reader(ProviderLookupResult.found(DYNAMO))
    assert fallback(_Reader(result), uncached)("dynamo") == result
    assert uncached.calls == 0


def test_fallback_errors_are_classified_like_cache_errors() -> None:
    lookup = fallback(
        _Reader(ProviderLookupResult.not_found()), _Reader(ProviderLookupResult.forbidden("no"))
    )
    assert messages(create(_md("dynamo", "vllm"), lookup)) == [
        'spec.provider.name: Internal error: cannot verify provider "dynamo": no'
    ]


@pytest.mark.parametrize(
    ("issue", "rendered"),
    [
        (
            CompatibilityIssue(IssueKind.ENGINE_UNSUPPORTED, "engine.type", "vllm", "m1"),
            'spec.engine.type: Invalid value: "vllm": m1',
        ),
        (
            CompatibilityIssue(IssueKind.SERVING_MODE_UNSUPPORTED, "serving.mode", "x", "m2"),
            'spec.serving.mode: Invalid value: "x": m2',
        ),
        (
            CompatibilityIssue(IssueKind.GPU_REQUIRED, "resources.gpu.count", 0, "m3"),
            "spec.resources.gpu.count: Invalid value: 0: m3",
        ),
    ],
)
def test_compatibility_issues_map_to_field_errors(issue: CompatibilityIssue, rendered: str) -> None:
    assert str(issue_error(issue)) == rendered
