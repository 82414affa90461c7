"""One case per admission rule of spec §2.4 (V0-V15, L1-L5): exact path, type and text."""

from __future__ import annotations

from typing import Any

import pytest

from airunway.controller.admission import validate_create
from airunway.controller.admission.field_errors import GoLiteral
from tests.unit.controller.admission.builders import (
    DYNAMO,
    KAITO,
    RuleCase,
    create,
    expect_forbidden,
    expect_invalid,
    expect_required,
    lookup_of,
    raw_md,
    storage,
    volume,
)

MOCKER = {"airunway.ai/dynamo-test-backend": "mocker"}
DISAGG_SCALING = {"prefill": {"gpu": {"count": 1}}, "decode": {"gpu": {"count": 1}}}
VOLUMES = "spec.model.storage.volumes"


def _disagg(**spec: Any) -> dict[str, Any]:
    return raw_md(engine={"type": "vllm"}, serving={"mode": "disaggregated"}, **spec)


LONG = "a" * 240

CASES = [
    RuleCase(
        "V0 dotted name",
        raw_md("qwen.small"),
        expect_invalid(
            "metadata.name",
            "qwen.small",
            "name must not contain dots (dots are invalid in derived Kubernetes volume and "
            "service names)",
        ),
    ),
    RuleCase(
        "V1 image conflict",
        raw_md(image="repo/a:1", engine={"type": "vllm", "image": "repo/b:2"}),
        expect_invalid(
            "spec.engine.image",
            "repo/b:2",
            'spec.image "repo/a:1" conflicts with spec.engine.image "repo/b:2"; remove '
            "spec.image or set both fields to the same value (spec.engine.image is preferred)",
        ),
    ),
    RuleCase(
        "V2 args collision",
        raw_md(
            engine={
                "type": "vllm",
                "args": {"max-num-seqs": "32"},
                "extraArgs": ["--enforce-eager", "--max-num-seqs=16"],
            }
        ),
        expect_invalid(
            "spec.engine.extraArgs",
            GoLiteral('[]string{"--enforce-eager", "--max-num-seqs=16"}'),
            'launch flag "max-num-seqs" is set in both spec.engine.args and '
            'spec.engine.extraArgs ("--max-num-seqs=16"); set it in exactly one place so the '
            "engine does not receive conflicting values",
        ),
    ),
    RuleCase(
        "V3 model id",
        raw_md(model={"source": "huggingface"}),
        expect_required("spec.model.id", "model.id is required when source is huggingface"),
    ),
    RuleCase(
        "V4 overrides not JSON",
        raw_md(provider={"overrides": "{not json"}),
        expect_invalid(
            "spec.provider.overrides", "<redacted 9 bytes>", "overrides must be valid JSON"
        ),
    ),
    RuleCase(
        "V5 overrides not an object",
        raw_md(provider={"overrides": ["a", "b"]}),
        expect_invalid(
            "spec.provider.overrides", "<redacted 9 bytes>", "overrides must be a JSON object"
        ),
    ),
    RuleCase(
        "V6 security key",
        raw_md(provider={"overrides": {"spec": {"hostNetwork": True}}}),
        expect_forbidden(
            "spec.provider.overrides.spec.hostNetwork",
            'overriding "hostNetwork" is not allowed for security reasons',
        ),
    ),
    RuleCase(
        "V7 sizing key",
        raw_md(provider={"overrides": {"workers": [{"replicas": 4}]}}),
        expect_forbidden(
            "spec.provider.overrides.workers[0].replicas",
            'overriding "replicas" is not allowed because it can bypass admission resource '
            "limits; use spec.resources / spec.scaling instead",
        ),
    ),
    RuleCase(
        "V8 mocker engine",
        raw_md(annotations=MOCKER, provider={"name": "dynamo"}, engine={"type": "sglang"}),
        expect_invalid(
            "spec.engine.type",
            "sglang",
            "the dynamo mocker test backend only supports the vllm engine",
        ),
    ),
    RuleCase(
        "V9 provider compatibility",
        raw_md(provider={"name": "kaito"}, engine={"type": "sglang"}),
        expect_invalid(
            "spec.engine.type", "sglang", "provider kaito does not support engine sglang"
        ),
        with_lookup=True,
    ),
    RuleCase(
        "V10 disaggregated resources.gpu",
        _disagg(resources={"gpu": {"count": 2}}, scaling=DISAGG_SCALING),
        expect_invalid(
            "spec.resources.gpu",
            GoLiteral('v1alpha1.GPUSpec{Count:2, Type:"nvidia.com/gpu"}'),
            "cannot specify both resources.gpu and scaling.prefill/decode in disaggregated mode",
        ),
    ),
    RuleCase(
        "V11 disaggregated scaling",
        _disagg(),
        expect_required("spec.scaling", "disaggregated mode requires scaling configuration"),
    ),
    RuleCase(
        "V12 disaggregated prefill",
        _disagg(scaling={"decode": {"gpu": {"count": 1}}}),
        expect_required("spec.scaling.prefill", "disaggregated mode requires scaling.prefill"),
    ),
    RuleCase(
        "V13 disaggregated prefill gpu",
        _disagg(scaling={"prefill": {"replicas": 1}, "decode": {"gpu": {"count": 1}}}),
        expect_required(
            "spec.scaling.prefill.gpu.count",
            "disaggregated mode requires scaling.prefill.gpu.count > 0",
        ),
    ),
    RuleCase(
        "V14 disaggregated decode",
        _disagg(scaling={"prefill": {"gpu": {"count": 1}}}),
        expect_required("spec.scaling.decode", "disaggregated mode requires scaling.decode"),
    ),
    RuleCase(
        "V15 disaggregated decode gpu",
        _disagg(scaling={"prefill": {"gpu": {"count": 1}}, "decode": {"gpu": {"count": 0}}}),
        expect_required(
            "spec.scaling.decode.gpu.count",
            "disaggregated mode requires scaling.decode.gpu.count > 0",
        ),
    ),
    RuleCase(
        "L1 gpu count",
        raw_md(engine={"type": "vllm"}, resources={"gpu": {"count": 65}}),
        expect_invalid("spec.resources.gpu.count", 65, "exceeds maximum allowed (64)"),
    ),
    RuleCase(
        "L2 cpu unparsable",
        raw_md(resources={"cpu": "four"}),
        expect_invalid("spec.resources.cpu", "four", "invalid resource quantity"),
    ),
    RuleCase(
        "L2 cpu ceiling",
        raw_md(resources={"cpu": "512001m"}),
        expect_invalid("spec.resources.cpu", "512001m", "exceeds maximum allowed (512)"),
    ),
    RuleCase(
        "L3 memory unparsable",
        raw_md(resources={"memory": "24 Gi"}),
        expect_invalid("spec.resources.memory", "24 Gi", "invalid resource quantity"),
    ),
    RuleCase(
        "L3 memory ceiling",
        raw_md(resources={"memory": "4097Gi"}),
        expect_invalid("spec.resources.memory", "4097Gi", "exceeds maximum allowed (4Ti)"),
    ),
    RuleCase(
        "L4 replicas",
        raw_md(scaling={"replicas": 33}),
        expect_invalid("spec.scaling.replicas", 33, "exceeds maximum allowed (32)"),
    ),
    RuleCase(
        "L5 prefill replicas",
        raw_md(scaling={"prefill": {"replicas": 33}}),
        expect_invalid("spec.scaling.prefill.replicas", 33, "exceeds maximum allowed (32)"),
    ),
    RuleCase(
        "L5 decode gpu count",
        raw_md(scaling={"decode": {"gpu": {"count": 100}}}),
        expect_invalid("spec.scaling.decode.gpu.count", 100, "exceeds maximum allowed (64)"),
    ),
    RuleCase(
        "L5 prefill memory unparsable",
        raw_md(scaling={"prefill": {"memory": "much"}}),
        expect_invalid("spec.scaling.prefill.memory", "much", "invalid resource quantity"),
    ),
    RuleCase(
        "L5 decode memory ceiling",
        raw_md(scaling={"decode": {"memory": "5Ti"}}),
        expect_invalid("spec.scaling.decode.memory", "5Ti", "exceeds maximum allowed (4Ti)"),
    ),
]


@pytest.mark.parametrize("case", CASES, ids=[c.id for c in CASES])
def test_each_rule_reports_exactly_its_error(case: RuleCase) -> None:
    lookup = lookup_of(DYNAMO, KAITO) if case.with_lookup else None
    result = create(case.raw, lookup)
    assert result.errors == [case.expected]
    assert not result.allowed


def test_rendered_texts_match_the_reference_format() -> None:
    rendered = {c.id: str(c.expected) for c in CASES}
    assert rendered["V3 model id"] == (
        "spec.model.id: Required value: model.id is required when source is huggingface"
    )
    assert rendered["V5 overrides not an object"] == (
        'spec.provider.overrides: Invalid value: "<redacted 9 bytes>": '
        "overrides must be a JSON object"
    )
    assert rendered["L4 replicas"] == (
        "spec.scaling.replicas: Invalid value: 33: exceeds maximum allowed (32)"
    )
    assert rendered["V6 security key"] == (
        "spec.provider.overrides.spec.hostNetwork: Forbidden: "
        'overriding "hostNetwork" is not allowed for security reasons'
    )


def test_a_valid_deployment_is_admitted_without_warnings() -> None:
    raw = raw_md(
        model=storage(volume("weights", purpose="modelCache", size="40Gi")),
        provider={"name": "dynamo"},
        engine={
            "type": "vllm",
            "contextLength": 8192,
            "args": {"gpu-memory-utilization": "0.85"},
            "extraArgs": ["--max-num-seqs=32"],
        },
        resources={"gpu": {"count": 1}, "memory": "24Gi", "cpu": "4"},
        scaling={"replicas": 2},
        secrets={"huggingFaceToken": "hf-token"},
        gateway={"modelName": "qwen3-small"},
    )
    result = create(raw, lookup_of(DYNAMO))
    assert result.allowed
    assert result.errors == []
    assert result.warnings == []
    assert result.message == ""


def test_all_errors_are_collected_in_rule_order() -> None:
    raw = raw_md(
        "bad.name",
        model={"source": "huggingface"},
        image="a",
        engine={"type": "vllm", "image": "b"},
        resources={"gpu": {"count": 65}},
    )
    result = create(raw)
    assert [e.path for e in result.errors] == [
        "metadata.name",
        "spec.engine.image",
        "spec.model.id",
        "spec.resources.gpu.count",
    ]
    assert result.message.startswith("[metadata.name: Invalid value: ")
    assert result.denial_message.startswith(
        'admission webhook "vmodeldeployment-v1alpha1.kb.io" denied the request: [metadata.name'
    )


def test_limits_at_the_ceilings_are_admitted() -> None:
    raw = raw_md(
        resources={"gpu": {"count": 64}, "cpu": "512", "memory": "4096Gi"},
        scaling={
            "replicas": 32,
            "prefill": {"replicas": 32, "gpu": {"count": 64}, "memory": "4Ti"},
            "decode": {"replicas": 0, "memory": "4398046511104"},
        },
    )
    assert create(raw).errors == []


def test_custom_source_needs_no_model_id() -> None:
    raw = raw_md(model={"source": "custom"}, image="repo/model:1")
    assert validate_create(raw, None).errors == []
