"""llm-d: compatibility checks, override guard, registration (§4); status is the shared mapping."""

from __future__ import annotations

from typing import Any

import pytest

from airunway.api import InferenceProviderConfig
from airunway.providers.llmd import SCHEDULER_CONFIG, check, config, transform, translate
from airunway.providers.sdk.errors import TransformError
from airunway.providers.sdk.status import Phase
from tests.unit.providers.providers3.p3_builders import disaggregated, provider_md


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"engine": "sglang"}, "llm-d provider only supports vllm engine, got sglang"),
        (
            {"resources": {"gpu": {"count": 0}}},
            "llm-d provider requires GPU resources (spec.resources.gpu.count > 0)",
        ),
        (
            {"serving": {"mode": "disaggregated"}, "resources": None},
            "spec.scaling.prefill is required for disaggregated serving mode",
        ),
        (
            {
                "serving": {"mode": "disaggregated"},
                "resources": None,
                "scaling": {"prefill": {"gpu": {"count": 1}}},
            },
            "spec.scaling.decode is required for disaggregated serving mode",
        ),
        (
            disaggregated(prefill_gpus=0),
            (
                "llm-d provider requires GPU resources for prefill "
                "(spec.scaling.prefill.gpu.count > 0)"
            ),
        ),
        (
            disaggregated(decode_gpus=0),
            "llm-d provider requires GPU resources for decode (spec.scaling.decode.gpu.count > 0)",
        ),
    ],
)
def test_incompatible(kwargs: dict[str, Any], message: str) -> None:
    assert check(provider_md("llmd", **kwargs)) == message


def test_compatible() -> None:
    assert check(provider_md("llmd")) is None
    assert check(provider_md("llmd", **disaggregated())) is None


def test_overriding_the_pod_spec_is_refused() -> None:
    md = provider_md("llmd", overrides={"spec": {"template": {"spec": {"hostNetwork": True}}}})
    with pytest.raises(TransformError, match=r'overriding "spec\.template\.spec" is not allowed'):
        transform(md)


def test_pods_carry_no_model_deployment_label_the_gateway_adds_it() -> None:
    deployment = transform(provider_md("llmd")).primary
    labels = deployment["spec"]["template"]["metadata"]["labels"]
    assert "airunway.ai/model-deployment" not in labels


def test_disaggregated_primary_is_decode() -> None:
    rendered = transform(provider_md("llmd", **disaggregated()))
    assert [o["metadata"]["name"] for o in rendered.objects] == [
        "qwen-decode",
        "qwen-prefill",
        "qwen-decode",
        "qwen-prefill",
    ]
    state = translate({"metadata": {"name": "qwen-decode"}, "spec": {"replicas": 1}})
    assert (state.phase, state.endpoint) == (Phase.PENDING, ("qwen-decode", 8000))


def test_registration_carries_the_endpoint_picker_for_the_gateway() -> None:
    manifest = config("dev")
    parsed = InferenceProviderConfig.model_validate(manifest)
    assert parsed.spec is not None
    assert manifest["spec"]["selectionRules"] == []
    annotations = manifest["metadata"]["annotations"]
    assert annotations["airunway.ai/default-namespace"] == "default"
    assert annotations["airunway.ai/health"] == '{"status":{"readyPath":"ready"}}'
    assert annotations["airunway.ai/capabilities"] == (
        '{"engines":[{"name":"vllm","servingModes":["aggregated","disaggregated"],"apiFormats":'
        '["openai-chat","openai-responses","anthropic-messages"],"gpuSupport":true,'
        '"requiresCRD":false,"gateway":{"endpointPicker":{"image":'
        '"ghcr.io/llm-d/llm-d-inference-scheduler:v0.6.0","configData":"apiVersion: '
        "inference.networking.x-k8s.io/v1alpha1\\nkind: EndpointPickerConfig\\nplugins:\\n- type: "
        "prefix-cache-scorer\\n- type: decode-filter\\n- type: max-score-picker\\n- type: "
        "single-profile-handler\\nschedulingProfiles:\\n- name: default\\n  plugins:\\n  - "
        "pluginRef: decode-filter\\n  - pluginRef: max-score-picker\\n  - pluginRef: "
        'prefix-cache-scorer\\n    weight: 2\\n"}}}]}'
    )
    assert annotations["airunway.ai/installation"] == (
        '{"description":"llm-d provider: deploys vLLM Deployments + Services directly. Requires '
        'GPU nodes with the NVIDIA device plugin.","steps":[{"title":"Install NVIDIA GPU Device '
        'Plugin","command":"kubectl apply -f https://raw.githubusercontent.com/NVIDIA/'
        'k8s-device-plugin/v0.17.0/deployments/static/nvidia-device-plugin.yml","description":'
        '"Install the NVIDIA device plugin so GPU nodes advertise nvidia.com/gpu resources."},'
        '{"title":"Create HuggingFace Token Secret","command":"kubectl create secret generic '
        "llm-d-hf-token --from-literal=HF_TOKEN=\\u003cyour-token\\u003e -n "
        '\\u003cmodel-namespace\\u003e","description":"Create the HuggingFace token secret in the '
        'same namespace as your ModelDeployment."}]}'
    )
    assert SCHEDULER_CONFIG.endswith("weight: 2\n")
