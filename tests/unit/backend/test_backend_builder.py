"""DeploymentConfig validation and the DeploymentConfig -> ModelDeployment builder."""

from __future__ import annotations

from typing import Any

import pytest
from pydantic import ValidationError

from airunway.api import ModelDeployment
from airunway.backend.schemas.deployment_config import DeploymentConfig
from airunway.backend.services import builder
from airunway.backend.services.provider_check import capability_issue, fit_warnings


def config(**extra: Any) -> DeploymentConfig:
    return DeploymentConfig.model_validate(
        {"name": "qwen", "modelId": "Qwen/Qwen3-0.6B", "engine": "vllm"} | extra
    )


def test_defaults_give_a_minimal_valid_model_deployment() -> None:
    md = builder.build_manifest(config(), "ns")
    assert md["metadata"] == {
        "name": "qwen",
        "namespace": "ns",
        "labels": {
            "app.kubernetes.io/name": "airunway",
            "app.kubernetes.io/instance": "qwen",
            "app.kubernetes.io/managed-by": "airunway",
        },
    }
    assert md["spec"] == {
        "model": {"id": "Qwen/Qwen3-0.6B", "source": "huggingface"},
        "engine": {
            "type": "vllm",
            "trustRemoteCode": False,
            "enablePrefixCaching": True,
            "enforceEager": False,
        },
        "serving": {"mode": "aggregated"},
        "scaling": {"replicas": 1},
    }
    ModelDeployment.model_validate(md)


def test_every_field_lands_where_the_crd_wants_it() -> None:
    md = builder.build_manifest(
        config(
            provider="vllm",
            servedModelName="qwen-small",
            routerMode="kv",
            replicas=2,
            hfTokenSecret="hf-token-secret",
            maxModelLen=8192,
            resources={"gpu": 2, "memory": "64Gi"},
            engineArgs={
                "gpu-memory-utilization": 0.9,
                "quantization": "fp8",
                "flag": True,
                "x": None,
            },
            engineExtraArgs=["--enable-chunked-prefill"],
            env={"VLLM_LOGGING_LEVEL": "DEBUG"},
            imageRef="vllm/vllm-openai:v0.11.0",
            gatewayEnabled=False,
            recipeProvenance={"source": " vllm-recipes ", "id": "", "features": ["fp8"]},
        ),
        "team-a",
    )
    spec = md["spec"]
    assert spec["model"]["servedName"] == "qwen-small"
    assert spec["engine"]["contextLength"] == 8192
    assert spec["engine"]["args"] == {
        "gpu-memory-utilization": "0.9",
        "quantization": "fp8",
        "flag": "true",
    }
    assert spec["engine"]["extraArgs"] == ["--enable-chunked-prefill"]
    assert spec["engine"]["image"] == "vllm/vllm-openai:v0.11.0"  # vllm: engine.image
    assert "image" not in spec
    assert spec["provider"] == {"name": "vllm", "overrides": {"routerMode": "kv"}}
    assert spec["resources"] == {"gpu": {"count": 2, "type": "nvidia.com/gpu"}, "memory": "64Gi"}
    assert spec["scaling"] == {"replicas": 2}
    assert spec["env"] == [{"name": "VLLM_LOGGING_LEVEL", "value": "DEBUG"}]
    assert spec["secrets"] == {"huggingFaceToken": "hf-token-secret"}
    assert spec["gateway"] == {"enabled": False}
    assert md["metadata"]["annotations"] == {
        "airunway.ai/recipe.source": "vllm-recipes",
        "airunway.ai/recipe.features": '["fp8"]',
        "airunway.ai/generated-by": "vllm-recipe-resolver",
    }


def test_disaggregated_and_cpu_shapes() -> None:
    disagg = builder.build_manifest(
        config(mode="disaggregated", prefillReplicas=2, prefillGpus=1, decodeGpus=4), "ns"
    )
    assert disagg["spec"]["scaling"] == {
        "prefill": {"replicas": 2, "gpu": {"count": 1, "type": "nvidia.com/gpu"}},
        "decode": {"replicas": 1, "gpu": {"count": 4, "type": "nvidia.com/gpu"}},
    }
    assert "resources" not in disagg["spec"]
    cpu = builder.build_manifest(config(computeType="cpu", resources={"gpu": 4}), "ns")
    assert cpu["spec"]["resources"] == {"gpu": {"count": 0, "type": "nvidia.com/gpu"}}


def test_kaito_engine_and_images() -> None:
    premade = builder.resolve_kaito_image(
        config(provider="kaito", engine="llamacpp", modelSource="premade", premadeModel="phi4:14b")
    )
    md = builder.build_manifest(premade, "ns")
    assert md["spec"]["image"] == "ghcr.io/kaito-project/aikit/phi4:14b"
    assert md["spec"]["engine"]["type"] == "llamacpp"
    direct = builder.resolve_kaito_image(
        config(
            provider="kaito",
            modelId="org/Model-GGUF",
            modelSource="huggingface",
            ggufRunMode="direct",
            ggufFile="q4/model Q4.gguf",
        )
    )
    assert direct.image_ref == builder.KAITO_DIRECT_IMAGE
    assert direct.engine_args == {
        "ggufUrl": "https://huggingface.co/org/Model-GGUF/resolve/main/q4/model%20Q4.gguf"
    }
    assert builder.build_manifest(direct, "ns")["spec"]["engine"]["type"] == "llamacpp"


def test_storage_defaults_in_preview() -> None:
    filled = builder.with_storage_defaults(
        config(storage={"volumes": [{"name": "cache", "purpose": "modelCache", "size": "100Gi"}]})
    )
    md = builder.build_manifest(filled, "ns")
    assert md["spec"]["model"]["storage"]["volumes"] == [
        {
            "name": "cache",
            "purpose": "modelCache",
            "readOnly": False,
            "mountPath": "/model-cache",
            "size": "100Gi",
            "claimName": "qwen-cache",
            "accessMode": "ReadWriteMany",
        }
    ]


@pytest.mark.parametrize(
    ("volumes", "message"),
    [
        ([{"name": "a", "mountPath": "/m", "claimName": "c"}] * 2, 'Duplicate volume name: "a"'),
        (
            [
                {"name": "a", "mountPath": "/m", "claimName": "c1"},
                {"name": "b", "mountPath": "/m", "claimName": "c2"},
            ],
            'Duplicate mount path: "/m"',
        ),
        ([{"name": "a", "mountPath": "m", "claimName": "c"}], "must be an absolute path"),
        ([{"name": "a", "claimName": "c"}], "Mount path is required for custom purpose"),
        ([{"name": "a", "mountPath": "/proc/x", "claimName": "c"}], 'system path "/proc"'),
        (
            [
                {"name": "a", "purpose": "modelCache", "size": "1Gi"},
                {"name": "b", "purpose": "modelCache", "mountPath": "/b", "size": "1Gi"},
            ],
            'Only one volume with purpose "modelCache" is allowed',
        ),
        ([{"name": "a", "mountPath": "/m"}], "Claim name is required when size is not specified"),
        ([{"name": "a", "mountPath": "/m", "size": "1Gi", "readOnly": True}], "Read-only"),
        ([{"name": "a", "mountPath": "/m", "size": "1Gi", "claimName": "x"}], 'match "qwen-a"'),
        (
            [{"name": "a", "mountPath": "/m", "claimName": "c", "accessMode": "ReadWriteOnce"}],
            "Access mode",
        ),
        (
            [{"name": "a", "mountPath": "/m", "claimName": "c", "storageClassName": ""}],
            "Storage class",
        ),
        ([{"name": "a", "mountPath": "/m", "size": "lots"}], "String should match pattern"),
    ],
)
def test_storage_rules(volumes: list[dict[str, Any]], message: str) -> None:
    with pytest.raises(ValidationError, match=message):
        config(storage={"volumes": volumes})


@pytest.mark.parametrize(
    "bad",
    [
        {"replicas": "1"},
        {"replicas": 1.0},
        {"enforceEager": "true"},
        {"engine": "onnx"},
        {"name": "UPPER"},
        {"name": "-leading"},
        {"namespace": "has.dot"},
        {"unknownField": 1},
        {"env": {"1BAD": "x"}},
        {"resources": {"gpu": -1}},
    ],
)
def test_strict_body(bad: dict[str, Any]) -> None:
    with pytest.raises(ValidationError):
        config(**bad)


def test_reference_ui_field_is_accepted_and_ignored() -> None:
    md = builder.build_manifest(config(kaitoResourceType="workspace"), "ns")
    assert "kaito" not in str(md)


IPC = {
    "metadata": {"name": "kaito"},
    "spec": {
        "capabilities": {
            "engines": [
                {"name": "vllm", "servingModes": ["aggregated"]},
                {"name": "llamacpp", "servingModes": ["aggregated"]},
            ],
        }
    },
}


def test_capability_checks() -> None:
    assert capability_issue(config(provider="kaito"), IPC) is None
    assert capability_issue(config(provider="kaito", engine="sglang"), IPC) == (
        'Provider "kaito" does not support engine "sglang". Supported engine values: vllm, llamacpp'
    )
    issue = capability_issue(config(provider="kaito", mode="disaggregated"), IPC)
    assert issue == (
        'Provider "kaito" does not support mode for engine vllm "disaggregated". '
        "Supported mode for engine vllm values: aggregated"
    )
    assert capability_issue(config(provider="kaito"), {"metadata": {"name": "kaito"}}) is None


def test_fit_warnings() -> None:
    assert fit_warnings(config(resources={"gpu": 8}, replicas=2), 10, 8, 1) == [
        (
            "⚠️ Insufficient cluster GPUs: Deployment requires 16 GPU(s) but only 10 are "
            "available in the cluster"
        )
    ]
    assert fit_warnings(config(resources={"gpu": 16}), 17, 8, 1)[0].startswith(
        "⚠️ Scheduling constraint: Each worker requires 16 GPU(s)"
    )
    assert fit_warnings(config(resources={"gpu": 1}), 17, 8, 2) == [
        (
            "⚠️ Model requirement: Model requires at least 2 GPU(s) per worker but "
            "configuration specifies 1"
        )
    ]
    assert fit_warnings(config(computeType="cpu", resources={"gpu": 99}), 0, 0, 1) == []
