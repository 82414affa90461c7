"""Reconciler-side validation (controller-and-crds §3.5) and the reconciler's other guards."""

from __future__ import annotations

from typing import Any

import pytest

from airunway.api import ServingMode
from airunway.controller.selection import (
    image_conflict_error,
    is_dynamo_mocker,
    provider_change_error,
    validate_spec,
)
from airunway.controller.selection.validate import (
    MSG_DISAGG_DECODE_GPU,
    MSG_DISAGG_GPU_IN_RESOURCES,
    MSG_DISAGG_PREFILL_GPU,
    MSG_DISAGG_REQUIRES_COMPONENTS,
    MSG_ENGINE_REQUIRED,
    MSG_MOCKER_VLLM_ONLY,
    MSG_MODEL_ID_REQUIRED,
    go_quote,
)
from tests.unit.controller.selection.builders import engines_ipc, md, shipped

MOCKER = {"airunway.ai/dynamo-test-backend": "mocker"}
SHIPPED = shipped("kaito", "dynamo", "kuberay", "llmd", "vllm")
GPU1 = {"gpu": {"count": 1}}
PREFILL_DECODE = {"prefill": {"gpu": {"count": 1}}, "decode": {"gpu": {"count": 1}}}
NO_GPU_COMPONENTS = {"prefill": {"replicas": 1}, "decode": {"replicas": 1}}
CPU_VLLM = engines_ipc(
    "cpu-vllm", {"name": "vllm", "servingModes": ["aggregated"], "cpuSupport": True}
)


def spec(provider: str | None = None, **fields: Any) -> dict[str, Any]:
    body: dict[str, Any] = {"model": {"id": "Qwen/Qwen3-0.6B"}, **fields}
    if provider is not None:
        body["provider"] = {"name": provider}
    return body


DISAGG = {"serving": {"mode": "disaggregated"}}

# (spec, annotations, configs, resolved engine, expected error or None)
CASES: dict[str, tuple[dict[str, Any], dict[str, str] | None, list[Any], str, str | None]] = {
    "vllm-agg-on-dynamo": (spec("dynamo", resources=GPU1), None, SHIPPED, "vllm", None),
    "vllm-disagg-on-dynamo": (
        spec("dynamo", scaling=PREFILL_DECODE, **DISAGG),
        None,
        SHIPPED,
        "vllm",
        None,
    ),
    "mocker-cpu-agg": (spec("dynamo"), MOCKER, SHIPPED, "vllm", None),
    "mocker-cpu-disagg": (
        spec("dynamo", scaling=NO_GPU_COMPONENTS, **DISAGG),
        MOCKER,
        SHIPPED,
        "vllm",
        None,
    ),
    "mocker-disagg-still-needs-components": (
        spec("dynamo", **DISAGG),
        MOCKER,
        SHIPPED,
        "vllm",
        MSG_DISAGG_REQUIRES_COMPONENTS,
    ),
    "mocker-rejects-non-vllm": (
        spec("dynamo", resources=GPU1),
        MOCKER,
        SHIPPED,
        "sglang",
        MSG_MOCKER_VLLM_ONLY,
    ),
    "mocker-annotation-needs-dynamo": (
        spec("kuberay"),
        MOCKER,
        SHIPPED,
        "vllm",
        "vllm engine on provider kuberay requires GPU (set resources.gpu.count > 0)",
    ),
    "cpu-disagg-without-mocker": (
        spec("dynamo", scaling=NO_GPU_COMPONENTS, **DISAGG),
        None,
        SHIPPED,
        "vllm",
        MSG_DISAGG_PREFILL_GPU,
    ),
    "decode-without-gpu": (
        spec(
            "dynamo",
            scaling={"prefill": {"gpu": {"count": 1}}, "decode": {"gpu": {"count": 0}}},
            **DISAGG,
        ),
        None,
        SHIPPED,
        "vllm",
        MSG_DISAGG_DECODE_GPU,
    ),
    "llamacpp-cpu-on-kaito": (spec("kaito"), None, SHIPPED, "llamacpp", None),
    "trtllm-disagg-on-dynamo": (
        spec("dynamo", scaling=PREFILL_DECODE, **DISAGG),
        None,
        SHIPPED,
        "trtllm",
        "provider dynamo does not support disaggregated mode for engine trtllm",
    ),
    "engine-unsupported": (
        spec("kaito", resources=GPU1),
        None,
        SHIPPED,
        "sglang",
        "provider kaito does not support engine sglang",
    ),
    "llamacpp-disagg-on-kaito": (
        spec("kaito", scaling=PREFILL_DECODE, **DISAGG),
        None,
        SHIPPED,
        "llamacpp",
        "provider kaito does not support disaggregated mode for engine llamacpp",
    ),
    "missing-model-id": ({"model": {}}, None, SHIPPED, "vllm", MSG_MODEL_ID_REQUIRED),
    "custom-source-needs-no-id": (
        {"model": {"source": "custom"}, "resources": GPU1},
        None,
        SHIPPED,
        "vllm",
        None,
    ),
    "no-engine": (spec(), None, SHIPPED, "", MSG_ENGINE_REQUIRED),
    "vllm-without-gpu-on-dynamo": (
        spec("dynamo"),
        None,
        SHIPPED,
        "vllm",
        "vllm engine on provider dynamo requires GPU (set resources.gpu.count > 0)",
    ),
    "vllm-gpu0-on-dynamo": (
        spec("dynamo", resources={"gpu": {"count": 0}}),
        None,
        SHIPPED,
        "vllm",
        "vllm engine on provider dynamo requires GPU (set resources.gpu.count > 0)",
    ),
    "disagg-missing-components": (
        spec("dynamo", **DISAGG),
        None,
        SHIPPED,
        "vllm",
        MSG_DISAGG_REQUIRES_COMPONENTS,
    ),
    "disagg-with-resources-gpu": (
        spec("dynamo", resources=GPU1, scaling=PREFILL_DECODE, **DISAGG),
        None,
        SHIPPED,
        "vllm",
        MSG_DISAGG_GPU_IN_RESOURCES,
    ),
    "no-provider-skips-named-checks": (spec(resources=GPU1), None, SHIPPED, "trtllm", None),
    "no-provider-no-cpu-anywhere": (
        spec(),
        None,
        SHIPPED,
        "vllm",
        "vllm engine requires GPU (set resources.gpu.count > 0)",
    ),
    "no-provider-some-cpu-somewhere": (spec(), None, [*SHIPPED, CPU_VLLM], "vllm", None),
    "unknown-provider-is-not-an-error": (spec("nope"), None, SHIPPED, "vllm", None),
    "no-configs-skip-gpu-check": (spec(), None, [], "vllm", None),
    "pinned-gpu-only-provider-fails-even-if-another-has-cpu": (
        spec("dynamo"),
        None,
        [*SHIPPED, CPU_VLLM],
        "vllm",
        "vllm engine on provider dynamo requires GPU (set resources.gpu.count > 0)",
    ),
}


@pytest.mark.parametrize(
    ("body", "annotations", "configs", "engine", "want"), CASES.values(), ids=CASES.keys()
)
def test_validate_spec(
    body: dict[str, Any],
    annotations: dict[str, str] | None,
    configs: list[Any],
    engine: str,
    want: str | None,
) -> None:
    deployment = md(body, annotations=annotations)
    mode = deployment.spec.resolved_serving_mode()
    assert validate_spec(deployment, configs, engine, mode) == want


def test_validate_uses_the_engine_it_is_given_not_the_spec() -> None:
    deployment = md(spec("kaito", engine={"type": "vllm"}))
    assert validate_spec(deployment, SHIPPED, "llamacpp", ServingMode.AGGREGATED) is None


def test_image_conflict_comes_first_and_quotes_like_go() -> None:
    deployment = md({"model": {}, "image": 'a"b', "engine": {"image": "c\\d"}})
    want = (
        'spec.image "a\\"b" conflicts with spec.engine.image "c\\\\d"; remove spec.image or set '
        "both fields to the same value (spec.engine.image is preferred)"
    )
    assert image_conflict_error(deployment.spec) == want
    assert validate_spec(deployment, [], "", ServingMode.AGGREGATED) == want


@pytest.mark.parametrize(
    "images",
    [
        {"image": "x", "engine": {"image": "x"}},
        {"image": "x"},
        {"engine": {"image": "x"}},
        {"image": ""},
    ],
)
def test_no_image_conflict(images: dict[str, Any]) -> None:
    assert image_conflict_error(md(spec(**images)).spec) is None


def test_go_quote() -> None:
    assert go_quote("plain") == '"plain"'
    assert go_quote('q"b\\s') == '"q\\"b\\\\s"'
    assert go_quote("\n\t\a\x00\x7f") == '"\\n\\t\\a\\x00\\x7f"'
    assert go_quote("é 日本") == '"é 日本"'
    assert go_quote("\u200b\U000e0001") == '"\\u200b\\U000e0001"'


def test_provider_change_error() -> None:
    changed = md(spec("kaito"), status={"provider": {"name": "dynamo"}})
    assert provider_change_error(changed) == (
        'changing spec.provider.name from "dynamo" to "kaito" after a provider has been selected '
        "is not supported; delete and recreate the ModelDeployment to use a different provider"
    )
    assert provider_change_error(md(spec("kaito"), status={"provider": {"name": "kaito"}})) is None
    assert provider_change_error(md(spec("kaito"))) is None
    assert provider_change_error(md(spec(), status={"provider": {"name": "kaito"}})) is None


def test_is_dynamo_mocker() -> None:
    assert is_dynamo_mocker(md(spec("dynamo"), annotations=MOCKER))
    assert not is_dynamo_mocker(md(spec("kuberay"), annotations=MOCKER))
    assert not is_dynamo_mocker(
        md(spec("dynamo"), annotations={"airunway.ai/dynamo-test-backend": "real"})
    )
    assert not is_dynamo_mocker(md(spec("dynamo")))
