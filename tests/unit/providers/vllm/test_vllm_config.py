"""Direct vLLM registration (spec §5.1) and its provider definition."""

from __future__ import annotations

from airunway.api import InferenceProviderConfig, ModelDeployment
from airunway.providers.vllm import config, definition
from airunway.providers.vllm.status import translate
from airunway.providers.vllm.transform import check, transform

INSTALLATION = (
    r'{"description":"vLLM provider: deploys vLLM Deployments + Services directly. Requires GPU '
    r'nodes with the NVIDIA device plugin.","steps":[{"title":"Install NVIDIA GPU Device Plugin",'
    r'"command":"kubectl apply -f https://raw.githubusercontent.com/NVIDIA/k8s-device-plugin/'
    r'v0.17.0/deployments/static/nvidia-device-plugin.yml","description":"Install the NVIDIA '
    r'device plugin so GPU nodes advertise nvidia.com/gpu resources."},{"title":"Create '
    r'HuggingFace Token Secret","command":"kubectl create secret generic vllm-hf-token '
    r'--from-literal=HF_TOKEN=\u003cyour-token\u003e -n \u003cmodel-namespace\u003e",'
    r'"description":"Create the HuggingFace token secret in the same namespace as your '
    r'ModelDeployment."}]}'
)


def test_annotations_are_exactly_installation_and_legacy_documentation() -> None:
    annotations = config("v1.2.3")["metadata"]["annotations"]
    assert annotations == {
        "airunway.ai/installation": INSTALLATION,
        "airunway.ai/documentation": (
            "https://github.com/ai-runway/airunway/tree/main/docs/providers/vllm.md"
        ),
    }


def test_manifest_is_a_valid_config_without_selection_rules() -> None:
    manifest = config("dev")
    assert manifest["metadata"]["name"] == "vllm"
    assert manifest["spec"] == {
        "capabilities": {
            "engines": [
                {
                    "name": "vllm",
                    "servingModes": ["aggregated"],
                    "apiFormats": ["openai-chat", "openai-responses", "anthropic-messages"],
                    "gpuSupport": True,
                }
            ]
        }
    }
    parsed = InferenceProviderConfig.model_validate(manifest)
    assert parsed.spec is not None
    assert parsed.spec.selection_rules is None
    assert config("other") == manifest


def test_definition_wires_the_pure_parts() -> None:
    provider = definition()
    assert (provider.name, provider.display, provider.resource_label) == ("vllm", "vLLM", "vLLM")
    assert provider.finalizer == "airunway.ai/vllm-provider"
    assert provider.field_manager == "vllm-provider"
    assert provider.kinds == (
        ("apps/v1", "Deployment"),
        ("v1", "Service"),
        ("batch/v1", "Job"),
        ("v1", "PersistentVolumeClaim"),
    )
    assert provider.managed_storage
    assert (provider.check, provider.transform, provider.translate) == (check, transform, translate)
    assert provider.config("x") == config("x")
    assert provider.messages.created == "Deployments and Services created successfully"
    assert provider.messages.waiting == "Deployments created, waiting for pods to be ready"
    assert provider.messages.running == "Deployments created, pods are ready"


def test_transform_through_the_definition_uses_the_status_image() -> None:
    md = ModelDeployment.model_validate(
        {
            "metadata": {"name": "m", "namespace": "n", "uid": "u"},
            "spec": {"model": {"id": "x"}, "engine": {"type": "vllm"}},
            "status": {"image": {"resolved": "vllm/vllm-openai@sha256:1"}},
        }
    )
    rendered = definition().transform(md)
    container = rendered.primary["spec"]["template"]["spec"]["containers"][0]
    assert container["image"] == "vllm/vllm-openai@sha256:1"
