"""Model behaviour: strict parsing, JSON names, dumping, and the reference's helper semantics."""

from datetime import UTC, datetime, timedelta, timezone
from typing import Any

import pytest
from pydantic import ValidationError

from airunway.api import (
    API_VERSION,
    GROUP,
    VERSION,
    APIFormat,
    Condition,
    ConditionStatus,
    ConditionType,
    EngineCapability,
    EngineType,
    InferenceProviderConfig,
    ModelDeployment,
    ModelDeploymentSpec,
    ModelSpec,
    ServingMode,
    StorageVolume,
    provider_finalizer,
)


def md(spec: dict[str, Any], **extra: Any) -> dict[str, Any]:
    return {
        "apiVersion": API_VERSION,
        "kind": "ModelDeployment",
        "metadata": {"name": "m", "namespace": "d"},
        "spec": spec,
        **extra,
    }


def test_api_version_is_group_and_version() -> None:
    assert f"{GROUP}/{VERSION}" == API_VERSION


@pytest.mark.parametrize(
    "spec",
    [
        {"model": {"id": "x", "unknown": 1}},  # extra="forbid"
        {"model": {"id": 1}},  # no str coercion
        {"model": {"id": "x"}, "resources": {"gpu": {"count": "1"}}},  # no int coercion
        {"model": {"id": "x"}, "resources": {"gpu": {"count": True}}},
        {"model": {"id": "x"}, "resources": {"gpu": {"count": -1}}},  # minimum 0
        {"model": {"id": "x"}, "resources": {"gpu": {"count": 2**31}}},  # int32
        {"model": {"id": "x"}, "engine": {"type": "tgi"}},  # enum
        {"model": {"id": "x"}, "engine": {"trustRemoteCode": "yes"}},
        {"model": {"source": "s3"}},
        {"model": {"id": "x", "storage": {"volumes": [{"name": "Bad_Name", "claimName": "c"}]}}},
        {"model": {"id": "x", "storage": {"volumes": [{"name": "v", "size": "lots"}]}}},
        {
            "model": {
                "id": "x",
                "storage": {"volumes": [{"name": f"v{i}", "claimName": "c"} for i in range(9)]},
            }
        },
    ],
)
def test_invalid_specs_are_rejected(spec: dict[str, Any]) -> None:
    with pytest.raises(ValidationError):
        ModelDeployment.model_validate(md(spec))


def test_wrong_kind_or_version_is_rejected() -> None:
    with pytest.raises(ValidationError):
        ModelDeployment.model_validate({**md({"model": {}}), "kind": "InferenceProviderConfig"})
    with pytest.raises(ValidationError):
        ModelDeployment.model_validate({**md({"model": {}}), "apiVersion": "airunway.ai/v1"})


def test_metadata_keeps_fields_it_does_not_type() -> None:
    doc = md({"model": {"id": "x"}})
    doc["metadata"] |= {"managedFields": [{"manager": "kubectl"}], "labels": {"a": "b"}}
    assert ModelDeployment.model_validate(doc).to_kube() == doc


def test_python_names_and_json_names() -> None:
    volume = StorageVolume(name="v", claim_name="c", mount_path="/m", storage_class_name="")
    assert volume.model_dump(exclude_unset=True) == {
        "name": "v",
        "claimName": "c",
        "mountPath": "/m",
        "storageClassName": "",
    }
    capability = EngineCapability.model_validate({"name": "vllm", "requiresCRD": False})
    assert capability.requires_crd is False
    assert "requiresCRD" in capability.model_dump(exclude_none=True)


def test_to_kube_writes_only_what_was_set() -> None:
    obj = ModelDeployment(spec=ModelDeploymentSpec(model=ModelSpec(id="Qwen/Qwen3-0.6B")))
    obj.metadata.name = "q"
    assert obj.to_kube() == {
        "apiVersion": "airunway.ai/v1alpha1",
        "kind": "ModelDeployment",
        "metadata": {"name": "q"},
        "spec": {"model": {"id": "Qwen/Qwen3-0.6B"}},
    }


def test_defaults_match_the_crd_defaults() -> None:
    spec = ModelDeploymentSpec.model_validate(
        {"model": {"id": "x"}, "engine": {}, "serving": {}, "scaling": {}, "resources": {"gpu": {}}}
    )
    assert spec.model.source == "huggingface"
    assert spec.engine is not None
    assert (spec.engine.enable_prefix_caching, spec.engine.trust_remote_code) == (True, False)
    assert spec.serving is not None
    assert spec.serving.mode is ServingMode.AGGREGATED
    assert spec.scaling is not None
    assert spec.scaling.replicas == 1
    assert spec.resources is not None
    assert spec.resources.gpu is not None
    assert (spec.resources.gpu.count, spec.resources.gpu.type) == (0, "nvidia.com/gpu")


def test_quantities_keep_their_spelling() -> None:
    for size in ("100Gi", "1.5T", "500m", 1073741824):
        volume = StorageVolume.model_validate({"name": "v", "size": size})
        assert volume.model_dump(exclude_unset=True)["size"] == size


def test_conditions_serialise_as_kubernetes_times() -> None:
    when = datetime(2026, 1, 2, 3, 4, 5, 600, tzinfo=timezone(timedelta(hours=2)))
    condition = Condition(
        type=ConditionType.READY,
        status=ConditionStatus.TRUE,
        last_transition_time=when,
        reason="Ready",
        message="",
    )
    dumped = condition.model_dump(mode="json", exclude_none=True)
    assert dumped["lastTransitionTime"] == "2026-01-02T01:04:05Z"
    assert Condition.model_validate(dumped).last_transition_time == when.replace(microsecond=0)
    with pytest.raises(ValidationError):
        Condition.model_validate({**dumped, "lastTransitionTime": "2026-01-02T01:04:05"})
    with pytest.raises(ValidationError):
        Condition.model_validate({**dumped, "reason": ""})


def test_status_condition_lookup() -> None:
    now = datetime.now(UTC).isoformat()
    obj = ModelDeployment.model_validate(
        md(
            {"model": {"id": "x"}},
            status={
                "phase": "Running",
                "conditions": [
                    {
                        "type": "Validated",
                        "status": "True",
                        "lastTransitionTime": now,
                        "reason": "ValidationPassed",
                        "message": "Schema validation passed",
                    }
                ],
            },
        )
    )
    assert obj.status is not None
    validated = obj.status.condition(ConditionType.VALIDATED)
    assert validated is not None
    assert validated.reason == "ValidationPassed"
    assert obj.status.condition(ConditionType.READY) is None


def test_resolved_serving_mode_and_image_override() -> None:
    spec = ModelDeploymentSpec.model_validate({"model": {"id": "x"}})
    assert spec.resolved_serving_mode() is ServingMode.AGGREGATED
    assert spec.image_override() == ""
    spec = ModelDeploymentSpec.model_validate(
        {"model": {"id": "x"}, "serving": {"mode": "disaggregated"}, "image": "legacy"}
    )
    assert spec.resolved_serving_mode() is ServingMode.DISAGGREGATED
    assert spec.image_override() == "legacy"
    spec = ModelDeploymentSpec.model_validate(
        {"model": {"id": "x"}, "image": "legacy", "engine": {"image": "engine"}}
    )
    assert spec.image_override() == "engine"


def test_resolved_engine_type_prefers_spec_then_status() -> None:
    assert ModelDeployment.model_validate(md({"model": {"id": "x"}})).resolved_engine_type() == ""
    auto = md({"model": {"id": "x"}}, status={"engine": {"type": "llamacpp"}})
    assert ModelDeployment.model_validate(auto).resolved_engine_type() == "llamacpp"
    explicit = md({"model": {"id": "x"}, "engine": {"type": "vllm"}}, status=auto["status"])
    assert ModelDeployment.model_validate(explicit).resolved_engine_type() == "vllm"


def test_resolved_claim_name() -> None:
    assert StorageVolume(name="weights").resolved_claim_name("qwen") == "qwen-weights"
    assert StorageVolume(name="w", claim_name="pvc").resolved_claim_name("qwen") == "pvc"


def test_provider_capability_lookups() -> None:
    ipc = InferenceProviderConfig.model_validate(
        {
            "apiVersion": API_VERSION,
            "kind": "InferenceProviderConfig",
            "metadata": {"name": "kaito"},
            "spec": {
                "capabilities": {
                    "engines": [
                        {"name": "vllm", "servingModes": ["aggregated"], "gpuSupport": True},
                        {"name": "llamacpp", "servingModes": [], "apiFormats": ["openai-chat"]},
                    ]
                }
            },
            "status": {"ready": True},
        }
    )
    assert ipc.is_ready()
    vllm = ipc.engine_capability(EngineType.VLLM)
    assert vllm is not None
    assert vllm.supports_serving_mode(ServingMode.AGGREGATED)
    assert not vllm.supports_serving_mode(ServingMode.DISAGGREGATED)
    assert vllm.effective_api_formats() == [APIFormat.OPENAI_CHAT]
    llamacpp = ipc.engine_capability("llamacpp")
    assert llamacpp is not None
    assert not llamacpp.supports_serving_mode(ServingMode.AGGREGATED)  # empty list: no mode
    assert ipc.engine_capability("sglang") is None
    assert ipc.spec is not None
    assert ipc.spec.capabilities is not None
    assert ipc.spec.capabilities.engine_names() == ["vllm", "llamacpp"]
    bare = InferenceProviderConfig.model_validate(
        {"apiVersion": API_VERSION, "kind": "InferenceProviderConfig", "metadata": {"name": "x"}}
    )
    assert bare.engine_capability("vllm") is None
    assert not bare.is_ready()


def test_api_formats_an_engine_cannot_serve() -> None:
    capability = EngineCapability(
        name=EngineType.LLAMACPP, api_formats=[APIFormat.OPENAI_CHAT, APIFormat.OPENAI_RESPONSES]
    )
    assert capability.invalid_api_formats() == [APIFormat.OPENAI_RESPONSES]


def test_provider_finalizer() -> None:
    assert provider_finalizer("dynamo") == "airunway.ai/dynamo-provider"
