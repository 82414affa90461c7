"""KubeRay: compatibility checks, status mapping and registration (§3)."""

from __future__ import annotations

from typing import Any

from airunway.api import InferenceProviderConfig
from airunway.providers.kuberay import check, config, transform, translate
from airunway.providers.sdk.status import Phase, Replicas
from tests.unit.providers.providers3.p3_builders import disaggregated, provider_md


def test_only_vllm_on_gpus() -> None:
    assert check(provider_md("kuberay", engine="sglang")) == (
        "KubeRay only supports vllm engine, got sglang"
    )
    assert check(provider_md("kuberay", resources={"gpu": {"count": 0}})) == (
        "KubeRay requires GPU (set resources.gpu.count > 0)"
    )
    assert check(provider_md("kuberay")) is None
    assert check(provider_md("kuberay", **disaggregated())) is None


def test_overrides_are_not_applied() -> None:
    md = provider_md("kuberay", overrides={"spec": {"serveConfigV2": "x"}})
    assert transform(md).primary["spec"]["serveConfigV2"].startswith("applications:")


def _rs(status: dict[str, Any] | None, groups: tuple[int, ...] = (2,)) -> dict[str, Any]:
    obj: dict[str, Any] = {
        "metadata": {"name": "qwen"},
        "spec": {"rayClusterConfig": {"workerGroupSpecs": [{"replicas": n} for n in groups]}},
    }
    if status is not None:
        obj["status"] = status
    return obj


def _apps(**states: str) -> dict[str, Any]:
    return {
        "activeServiceStatus": {
            "applicationStatuses": {
                name: {"status": s, "message": f"{name} {s.lower()}"} for name, s in states.items()
            }
        }
    }


def test_no_status_is_pending_with_the_serve_endpoint() -> None:
    state = translate(_rs(None))
    assert state.phase is Phase.PENDING
    assert state.endpoint == ("qwen-serve-svc", 8000)
    assert state.replicas == Replicas(desired=2, ready=0, available=0)


def test_ready_condition_then_applications_decide() -> None:
    cond = {"type": "RayServiceReady", "status": "False", "message": "cluster starting"}
    state = translate(_rs({"conditions": [cond]}))
    assert (state.phase, state.message) == (Phase.DEPLOYING, "cluster starting")
    running = translate(_rs({"conditions": [cond], **_apps(llm="RUNNING")}, groups=(1, 2)))
    assert running.phase is Phase.RUNNING
    assert running.replicas == Replicas(desired=3, ready=3, available=3)
    failed = translate(_rs({**_apps(llm="DEPLOY_FAILED", other="RUNNING")}))
    assert (failed.phase, failed.message) == (Phase.FAILED, "llm deploy_failed")
    deploying = translate(_rs(_apps(llm="DEPLOYING")))
    assert (deploying.phase, deploying.message) == (Phase.DEPLOYING, "llm deploying")


def test_ready_condition_true_without_applications_is_running() -> None:
    state = translate(_rs({"conditions": [{"type": "RayServiceReady", "status": "True"}]}))
    assert state.phase is Phase.RUNNING
    assert state.replicas == Replicas(desired=2, ready=0, available=0)


def test_registration_matches_the_spec() -> None:
    manifest = config("dev")
    InferenceProviderConfig.model_validate(manifest)
    annotations = manifest["metadata"]["annotations"]
    assert annotations["airunway.ai/capabilities"] == (
        '{"engines":[{"name":"vllm","servingModes":["aggregated","disaggregated"],'
        '"apiFormats":["openai-chat"],"gpuSupport":true}]}'
    )
    assert annotations["airunway.ai/installation"].startswith(
        '{"description":"Ray Serve via KubeRay for distributed Ray-based model serving with vLLM",'
        '"defaultNamespace":"ray-system","helmRepos":[{"name":"kuberay","url":'
        '"https://ray-project.github.io/kuberay-helm/"}],"helmCharts":[{"name":"kuberay-operator",'
        '"chart":"kuberay/kuberay-operator","version":"1.3.0","namespace":"ray-system",'
        '"createNamespace":true}],"steps":[{"title":"Add KubeRay Helm Repository"'
    )
    assert annotations["airunway.ai/installation"].endswith(
        '"command":"helm upgrade --install kuberay-operator kuberay/kuberay-operator --version '
        '1.3.0 -n ray-system --create-namespace --wait","description":"Install the KubeRay '
        'operator v1.3.0."}]}'
    )
    assert annotations["airunway.ai/health"] == (
        '{"crds":[{"displayName":"KubeRay RayService CRD","name":"rayservices.ray.io"}],'
        '"operatorPods":[{"namespace":"ray-system","selectors":["app.kubernetes.io/name='
        'kuberay-operator,app.kubernetes.io/instance=kuberay-operator","app.kubernetes.io/name='
        'kuberay-operator"]},{"selectors":["app.kubernetes.io/name=kuberay-operator"]}]}'
    )
    assert manifest["spec"]["selectionRules"] == [
        {
            "condition": "has(spec.resources.gpu) && spec.resources.gpu.count > 1 && "
            "spec.engine.type == 'vllm'",
            "priority": 80,
        }
    ]
