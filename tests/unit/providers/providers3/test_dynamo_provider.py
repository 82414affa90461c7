"""Dynamo: compatibility checks, typed overrides, status mapping and registration (§2)."""

from __future__ import annotations

from typing import Any

import pytest

from airunway.api import InferenceProviderConfig
from airunway.providers.dynamo import check, config, transform, translate
from airunway.providers.sdk.errors import TransformError
from airunway.providers.sdk.status import Phase, Replicas
from tests.unit.providers.providers3.p3_builders import disaggregated, provider_md

MOCKER = {"airunway.ai/dynamo-test-backend": "mocker"}


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"engine": "llamacpp"}, "Dynamo does not support llamacpp engine"),
        ({"resources": {"gpu": {"count": 0}}}, "Dynamo requires GPU (set resources.gpu.count > 0)"),
        ({"resources": None}, "Dynamo requires GPU (set resources.gpu.count > 0)"),
        (
            {"engine": "sglang", "annotations": MOCKER},
            "Dynamo mocker mode only supports the vllm engine",
        ),
        (
            {
                "annotations": MOCKER,
                "serving": {"mode": "disaggregated"},
                "resources": None,
                "scaling": {"prefill": {"replicas": 1}},
            },
            (
                "Dynamo mocker disaggregated mode requires spec.scaling.prefill and "
                "spec.scaling.decode"
            ),
        ),
    ],
)
def test_incompatible_requests_are_refused_with_the_spec_text(
    kwargs: dict[str, Any], message: str
) -> None:
    assert check(provider_md("dynamo", **kwargs)) == message


def test_compatible_requests() -> None:
    assert check(provider_md("dynamo")) is None
    assert check(provider_md("dynamo", engine="trtllm")) is None
    assert check(provider_md("dynamo", **disaggregated())) is None
    assert check(provider_md("dynamo", annotations=MOCKER, resources={"gpu": {"count": 0}})) is None


def test_a_typed_override_of_the_wrong_type_is_a_transform_error() -> None:
    md = provider_md("dynamo", overrides={"frontend": {"replicas": "2"}})
    with pytest.raises(TransformError, match=r"^failed to parse provider overrides: failed to "):
        transform(md)


def test_a_blocked_override_key_is_a_transform_error() -> None:
    md = provider_md("dynamo", overrides={"kind": "Deployment"})
    with pytest.raises(
        TransformError, match=r'^failed to apply provider overrides: overriding "kind"'
    ):
        transform(md)


def test_disaggregated_without_components_fails_in_the_spec_order() -> None:
    md = provider_md(
        "dynamo", serving={"mode": "disaggregated"}, resources=None, scaling={"decode": {}}
    )
    with pytest.raises(TransformError) as err:
        transform(md)
    assert str(err.value) == (
        "failed to build services: spec.scaling.prefill is required for disaggregated serving mode"
    )


def test_engine_images_follow_the_dynamo_version() -> None:
    dgd = transform(provider_md("dynamo", engine="sglang"), version="9.9.9").primary
    worker = dgd["spec"]["services"]["VllmWorker"]
    assert worker["extraPodSpec"]["mainContainer"]["image"] == (
        "nvcr.io/nvidia/ai-dynamo/sglang-runtime:9.9.9"
    )
    assert worker["frontendSidecar"]["image"] == "nvcr.io/nvidia/ai-dynamo/vllm-runtime:9.9.9"
    assert dgd["spec"]["services"]["Epp"]["extraPodSpec"]["mainContainer"]["image"] == (
        "nvcr.io/nvidia/ai-dynamo/dynamo-frontend:9.9.9"
    )


def _dgd(status: dict[str, Any] | None) -> dict[str, Any]:
    obj: dict[str, Any] = {"metadata": {"name": "qwen"}}
    if status is not None:
        obj["status"] = status
    return obj


def test_no_status_is_pending_without_replicas_or_endpoint() -> None:
    state = translate(_dgd(None))
    assert (state.phase, state.replicas, state.endpoint) == (Phase.PENDING, None, None)


@pytest.mark.parametrize(
    ("state", "phase"),
    [
        ("successful", Phase.RUNNING),
        ("initializing", Phase.DEPLOYING),
        ("deploying", Phase.DEPLOYING),
        ("failed", Phase.FAILED),
        ("pending", Phase.PENDING),
        ("whatever", Phase.PENDING),
    ],
)
def test_state_maps_to_phase(state: str, phase: Phase) -> None:
    assert translate(_dgd({"state": state})).phase is phase


def test_replicas_sum_services_with_fallbacks_and_top_level_overrides() -> None:
    status: dict[str, Any] = {
        "state": "deploying",
        "services": {
            "Frontend": {"replicas": 1, "readyReplicas": 1},
            "VllmWorker": {"replicas": 2, "availableReplicas": 1},
        },
    }
    assert translate(_dgd(status)).replicas == Replicas(desired=3, ready=2, available=2)
    status["readyReplicas"] = 0
    assert translate(_dgd(status)).replicas == Replicas(desired=3, ready=0, available=2)


def test_endpoint_defaults_to_the_frontend_service() -> None:
    assert translate(_dgd({"state": "successful"})).endpoint == ("qwen-frontend", 8000)
    named = {"state": "successful", "endpoint": {"service": "x", "port": 9000}}
    assert translate(_dgd(named)).endpoint == ("x", 9000)


def test_failed_message_falls_back_to_a_false_condition() -> None:
    status = {
        "state": "failed",
        "conditions": [
            {"type": "Ready", "status": "False", "message": "worker crashed"},
        ],
    }
    assert translate(_dgd(status)).message == "worker crashed"
    assert translate(_dgd({"state": "failed"})).message == "deployment failed"


def test_registration_annotations_are_byte_identical_to_the_spec() -> None:
    manifest = config("dev")
    InferenceProviderConfig.model_validate(manifest)
    annotations = manifest["metadata"]["annotations"]
    assert annotations["airunway.ai/capabilities"].startswith(
        '{"engines":[{"name":"vllm","servingModes":["aggregated","disaggregated"],'
        '"apiFormats":["openai-chat","openai-responses","anthropic-messages"],"gpuSupport":true,'
        '"gateway":{"managesInferencePool":true,"inferencePoolNamePattern":"{name}-pool",'
        '"inferencePoolNamespace":"{namespace}"}}'
    )
    assert annotations["airunway.ai/installation"] == (
        '{"description":"NVIDIA Dynamo for high-performance GPU inference","defaultNamespace":'
        '"dynamo-system","helmRepos":[{"name":"nvidia-ai-dynamo","url":'
        '"https://helm.ngc.nvidia.com/nvidia/ai-dynamo"}],"helmCharts":[{"name":"dynamo-platform",'
        '"chart":"https://helm.ngc.nvidia.com/nvidia/ai-dynamo/charts/dynamo-platform-1.1.1.tgz",'
        '"namespace":"dynamo-system","createNamespace":true,"values":{"global.grove.install":true}'
        '}],"steps":[{"title":"Install Dynamo Platform","command":"helm upgrade --install '
        "dynamo-platform https://helm.ngc.nvidia.com/nvidia/ai-dynamo/charts/"
        "dynamo-platform-1.1.1.tgz --namespace dynamo-system --create-namespace --set-json "
        'global.grove.install=true","description":"Install the Dynamo platform operator v1.1.1 '
        'with bundled Grove enabled by default. This chart includes the required CRDs."}]}'
    )
    assert annotations["airunway.ai/health"] == (
        '{"crds":[{"displayName":"DynamoGraphDeployment CRD","name":'
        '"dynamographdeployments.nvidia.com"}],"operatorPods":[{"namespace":"dynamo-system",'
        '"selectors":["control-plane=controller-manager,app.kubernetes.io/name=dynamo-operator,'
        'app.kubernetes.io/instance=dynamo-platform","app.kubernetes.io/name=dynamo-operator",'
        '"control-plane=controller-manager"]},{"selectors":["app.kubernetes.io/name='
        'dynamo-operator"]}]}'
    )
    assert [r["priority"] for r in manifest["spec"]["selectionRules"]] == [100, 100, 90, 50]
