"""Reference examples and the spec's examples parse into our models and dump back unchanged."""

import json
from typing import Any

import pytest

from airunway.api import (
    EngineType,
    InferenceProviderConfig,
    ModelDeployment,
    ProviderCapabilities,
    ServingMode,
    VolumePurpose,
)

# §1.1.3 of shared/spec/controller-and-crds.md
SPEC_MODEL_DEPLOYMENT: dict[str, Any] = {
    "apiVersion": "airunway.ai/v1alpha1",
    "kind": "ModelDeployment",
    "metadata": {"name": "qwen3-small", "namespace": "team-a"},
    "spec": {
        "model": {
            "id": "Qwen/Qwen3-0.6B",
            "servedName": "qwen3-small",
            "storage": {"volumes": [{"name": "weights", "purpose": "modelCache", "size": "40Gi"}]},
        },
        "provider": {"name": "dynamo"},
        "engine": {
            "type": "vllm",
            "contextLength": 8192,
            "args": {"gpu-memory-utilization": "0.85"},
            "extraArgs": ["--max-num-seqs=32"],
        },
        "resources": {"gpu": {"count": 1}, "memory": "24Gi", "cpu": "4"},
        "scaling": {"replicas": 2},
        "secrets": {"huggingFaceToken": "hf-token"},
        "gateway": {"modelName": "qwen3-small"},
    },
}

# §1.2 of shared/spec/controller-and-crds.md
SPEC_PROVIDER_CONFIG: dict[str, Any] = {
    "apiVersion": "airunway.ai/v1alpha1",
    "kind": "InferenceProviderConfig",
    "metadata": {"name": "example-gpu"},
    "spec": {
        "capabilities": {
            "engines": [
                {
                    "name": "vllm",
                    "servingModes": ["aggregated", "disaggregated"],
                    "apiFormats": ["openai-chat", "openai-responses"],
                    "gpuSupport": True,
                    "requiresCRD": False,
                    "gateway": {
                        "endpointPicker": {
                            "image": "ghcr.io/example/epp:v1",
                            "configData": "apiVersion: inference.networking.x-k8s.io/v1alpha1\n",
                        }
                    },
                },
                {
                    "name": "llamacpp",
                    "servingModes": ["aggregated"],
                    "gpuSupport": True,
                    "cpuSupport": True,
                },
            ]
        },
        "selectionRules": [
            {
                "condition": "has(spec.resources.gpu) && spec.resources.gpu.count > 0",
                "priority": 60,
            }
        ],
    },
    "status": {"ready": True, "version": "example-provider:dev"},
}

# The airunway.ai/capabilities annotations the shipped providers write (shared/spec/providers.md).
PROVIDER_CAPABILITIES = [
    (
        '{"engines":[{"name":"vllm","servingModes":["aggregated"],"apiFormats":["openai-chat",'
        '"openai-responses","anthropic-messages"],"gpuSupport":true},{"name":"llamacpp",'
        '"servingModes":["aggregated"],"apiFormats":["openai-chat"],"gpuSupport":true,'
        '"cpuSupport":true,"gateway":{"ignoresServedName":true}}]}'
    ),
    (
        '{"engines":[{"name":"vllm","servingModes":["aggregated","disaggregated"],"apiFormats":'
        '["openai-chat"],"gpuSupport":true,"gateway":{"managesInferencePool":true,'
        '"inferencePoolNamePattern":"{name}-pool","inferencePoolNamespace":"{namespace}"}}]}'
    ),
]


def test_every_reference_example_parses_and_round_trips(
    reference_examples: dict[str, dict[str, Any]],
) -> None:
    for name, doc in reference_examples.items():
        md = ModelDeployment.model_validate(doc)
        assert md.to_kube() == doc, name


def test_reference_examples_keep_their_values(
    reference_examples: dict[str, dict[str, Any]],
) -> None:
    multinode = ModelDeployment.model_validate(
        reference_examples["provider-dynamo-e2e--dynamo-multinode-modeldeployment.yaml"]
    )
    assert multinode.spec.provider is not None
    assert multinode.spec.provider.overrides == {
        "spec": {"services": {"VllmWorker": {"multinode": {"nodeCount": 2}}}}
    }
    assert multinode.spec.engine is not None
    assert multinode.spec.engine.type is EngineType.VLLM
    disagg = ModelDeployment.model_validate(
        reference_examples["provider-dynamo-e2e--dynamo-disagg-modeldeployment.yaml"]
    )
    assert disagg.spec.resolved_serving_mode() is ServingMode.DISAGGREGATED
    dynamo = ModelDeployment.model_validate(
        reference_examples["gpu-e2e--dynamo-modeldeployment.yaml"]
    )
    assert dynamo.spec.model.storage is not None
    (volume,) = dynamo.spec.model.storage.volumes or []
    assert volume.purpose is VolumePurpose.MODEL_CACHE
    assert volume.size == "2Gi"
    assert volume.storage_class_name == "azurefile-premium"


@pytest.mark.parametrize("doc", [SPEC_MODEL_DEPLOYMENT, SPEC_PROVIDER_CONFIG])
def test_spec_examples_round_trip(doc: dict[str, Any]) -> None:
    model = ModelDeployment if doc["kind"] == "ModelDeployment" else InferenceProviderConfig
    assert model.model_validate(doc).to_kube() == doc


@pytest.mark.parametrize("annotation", PROVIDER_CAPABILITIES)
def test_shipped_provider_capabilities_parse(annotation: str) -> None:
    capabilities = ProviderCapabilities.model_validate_json(annotation)
    assert capabilities.model_dump(mode="json", exclude_none=True) == json.loads(annotation)
