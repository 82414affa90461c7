"""Pure parts of the Dynamo and KubeRay simulators: what they create and the status they write."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import yaml

from airunway.sim import dynamo_render, kuberay_render
from airunway.sim.base import ReadinessDelay

DATA = Path(__file__).parents[2] / "data"
NOW = datetime(2026, 1, 1, tzinfo=UTC)


def _golden(provider: str, case: str) -> dict[str, Any]:
    obj: dict[str, Any] = next(
        yaml.safe_load_all((DATA / provider / "output" / f"{case}.yaml").read_text())
    )
    obj["metadata"]["uid"] = "u-1"
    return obj


def test_dynamo_component_asks_for_the_service_gpus_on_every_node() -> None:
    dgd = _golden("dynamo", "multinode-vllm")
    worker = dgd["spec"]["services"]["VllmWorker"]
    deployment = dynamo_render.render_component(dgd, "VllmWorker", worker)
    assert deployment["metadata"]["name"] == "qwen-vllmworker"
    assert deployment["spec"]["replicas"] == 2
    container = deployment["spec"]["template"]["spec"]["containers"][0]
    assert container["resources"]["limits"]["nvidia.com/gpu"] == "8"
    assert container["resources"]["requests"]["nvidia.com/gpu"] == "8"
    assert deployment["metadata"]["ownerReferences"][0]["kind"] == "DynamoGraphDeployment"


def test_dynamo_pool_only_on_the_gateway_path() -> None:
    assert dynamo_render.render_inference_pool(_golden("dynamo", "example-9-1")) is not None
    assert dynamo_render.render_inference_pool(_golden("dynamo", "mocker-aggregated")) is None


def _dynamo_status(**kwargs: Any) -> dict[str, Any]:
    observed = dynamo_render.Observed(
        generation=1,
        previous={},
        components=kwargs.get("components", {"Frontend": (1, 1, 1), "VllmWorker": (2, 2, 1)}),
        unschedulable=kwargs.get("unschedulable"),
        model_loaded=kwargs.get("model_loaded", True),
        failed=kwargs.get("failed", False),
    )
    return dynamo_render.compute_status(_golden("dynamo", "mocker-aggregated"), observed, NOW)


def test_dynamo_states() -> None:
    assert _dynamo_status()["state"] == "successful"
    assert _dynamo_status()["services"]["VllmWorker"]["readyReplicas"] == 2
    assert _dynamo_status(model_loaded=False)["state"] == "pending"
    assert _dynamo_status(components={"Frontend": None})["state"] == "initializing"
    failed = _dynamo_status(failed=True)
    assert failed["state"] == "failed"
    assert "simulated failure" in failed["conditions"][0]["message"]
    pending = _dynamo_status(components={"VllmWorker": (1, 0, 1)}, unschedulable="0/4 nodes")
    assert "0/4 nodes" in pending["conditions"][0]["message"]


def test_kuberay_cluster_pods_follow_the_groups() -> None:
    rayservice = _golden("kuberay", "disaggregated")
    cluster = kuberay_render.render_cluster(rayservice)
    cluster["metadata"]["uid"] = "c-1"
    assert cluster["metadata"]["name"].startswith("qwen-raycluster-")
    pods = kuberay_render.render_pods(cluster)
    assert [p["metadata"]["labels"]["ray.io/group"] for p in pods] == [
        "headgroup",
        "prefill-workers",
        "decode-workers",
        "decode-workers",
    ]
    limits = pods[-1]["spec"]["containers"][0]["resources"]
    assert limits["requests"]["nvidia.com/gpu"] == limits["limits"]["nvidia.com/gpu"] == "2"
    changed = {**rayservice, "spec": {**rayservice["spec"], "rayClusterConfig": {}}}
    assert kuberay_render.cluster_name(changed) != cluster["metadata"]["name"]


def _seen(**kwargs: Any) -> kuberay_render.Observed:
    base: dict[str, Any] = {
        "generation": 1,
        "cluster": "qwen-raycluster-abcde",
        "desired_workers": 1,
        "ready_workers": 1,
        "head_ready": True,
        "head_pod_ip": "10.0.0.1",
        "model_loaded": True,
        "failed": False,
        "unschedulable": None,
    }
    return kuberay_render.Observed(**(base | kwargs))


def test_kuberay_application_status() -> None:
    assert kuberay_render.app_status(_seen(head_ready=False)) is None
    assert kuberay_render.app_status(_seen())[0] == "RUNNING"  # type: ignore[index]
    assert kuberay_render.app_status(_seen(model_loaded=False))[0] == "DEPLOYING"  # type: ignore[index]
    assert kuberay_render.app_status(_seen(failed=True))[0] == "DEPLOY_FAILED"  # type: ignore[index]
    status = kuberay_render.service_status({}, _seen(), {}, NOW)
    ready = next(c for c in status["conditions"] if c["type"] == "RayServiceReady")
    assert ready["status"] == "True"
    rc = kuberay_render.cluster_status({}, _seen(ready_workers=0), NOW)
    assert "state" not in rc


def test_readiness_delay() -> None:
    now = [0.0]
    delay = ReadinessDelay(3.0, clock=lambda: now[0])
    assert delay.loaded(("n", "a"), ready=True) == (False, 3.0)
    now[0] = 3.5
    assert delay.loaded(("n", "a"), ready=True) == (True, 0.0)
    assert delay.loaded(("n", "a"), ready=False) == (False, 0.0)
