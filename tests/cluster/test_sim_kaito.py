"""The KAITO simulator on the real control plane: real CRD, scheduler, kwok and garbage collector.

Each test runs its own simulator in-process, watching only the test's namespace, so tests that
run in parallel on the shared cluster never see each other's Workspaces.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator
from typing import Any

import pytest

from airunway.devcluster.cluster import DevCluster
from airunway.kube.client import Kube
from airunway.kube.errors import NotFoundError
from airunway.kube.wait import wait_for
from airunway.sim.kaito import KaitoSimulator
from airunway.sim.settings import SimSettings

pytestmark = pytest.mark.cluster

API = "kaito.sh/v1beta1"
TIMEOUT = 45.0
LLAMACPP_IMAGE = "ghcr.io/ggml-org/llama.cpp:server"


@pytest.fixture
async def simulator(cluster: DevCluster, namespace: str) -> AsyncIterator[None]:
    settings = SimSettings(
        kubeconfig=cluster.kubeconfig, ready_delay=0.5, namespace=namespace, node_recheck=0.5
    )
    kube = Kube.from_kubeconfig(cluster.kubeconfig, field_manager=settings.field_manager)
    task = asyncio.create_task(KaitoSimulator(kube, settings).run())
    yield
    task.cancel()
    with contextlib.suppress(asyncio.CancelledError):
        await task
    await kube.close()


def llamacpp_workspace(
    namespace: str, name: str, annotations: dict[str, str] | None = None
) -> dict[str, Any]:
    """A Workspace as the AI Runway KAITO provider renders it for a llama.cpp deployment."""
    metadata: dict[str, Any] = {
        "name": name,
        "namespace": namespace,
        "labels": {"airunway.ai/managed-by": "airunway", "airunway.ai/model-deployment": name},
    }
    if annotations:
        metadata["annotations"] = annotations
    container = {
        "name": "model",
        "image": LLAMACPP_IMAGE,
        "args": ["huggingface://Qwen/Qwen2.5-0.5B-Instruct-GGUF", "--address=:5000"],
        "ports": [{"containerPort": 5000}],
        "resources": {"requests": {"cpu": "500m", "memory": "1Gi"}},
    }
    return {
        "apiVersion": API,
        "kind": "Workspace",
        "metadata": metadata,
        "resource": {"count": 1, "labelSelector": {"matchLabels": {"kubernetes.io/os": "linux"}}},
        "inference": {
            "template": {
                "metadata": {"labels": {"airunway.ai/model-deployment": name}},
                "spec": {"containers": [container]},
            }
        },
    }


def preset_workspace(namespace: str, name: str, preset: str, **labels: str) -> dict[str, Any]:
    return {
        "apiVersion": API,
        "kind": "Workspace",
        "metadata": {"name": name, "namespace": namespace},
        "resource": {"count": 1, "labelSelector": {"matchLabels": labels}},
        "inference": {"preset": {"name": preset}},
    }


def condition(workspace: dict[str, Any], kind: str) -> dict[str, Any]:
    for item in (workspace.get("status") or {}).get("conditions") or []:
        if item["type"] == kind:
            return dict(item)
    return {}


async def wait_workspace(
    kube: Kube, namespace: str, name: str, what: str, check: Any
) -> dict[str, Any]:
    """Wait until ``check(workspace)`` holds; return the Workspace that satisfied it."""
    seen: dict[str, dict[str, Any]] = {}

    async def holds() -> bool:
        seen["ws"] = await kube.get(API, "Workspace", name, namespace)
        return bool(check(seen["ws"]))

    await wait_for(holds, timeout=TIMEOUT, what=f"Workspace {name}: {what}")
    return seen["ws"]


def state_is(state: str) -> Any:
    return lambda ws: (ws.get("status") or {}).get("state") == state


async def absent(kube: Kube, api_version: str, kind: str, name: str, namespace: str) -> bool:
    try:
        await kube.get(api_version, kind, name, namespace)
    except NotFoundError:
        return True
    return False


async def test_upstream_controller_deployment_is_ready(kube: Kube, simulator: None) -> None:
    del simulator

    async def ready() -> bool:
        try:
            deployment = await kube.get(
                "apps/v1", "Deployment", "kaito-workspace", "kaito-workspace"
            )
        except NotFoundError:
            return False
        return int((deployment.get("status") or {}).get("readyReplicas") or 0) == 1

    await wait_for(ready, timeout=TIMEOUT, what="kaito-workspace/kaito-workspace ready")
    found = await kube.list("apps/v1", "Deployment", labels={"app.kubernetes.io/name": "workspace"})
    assert ("kaito-workspace", "kaito-workspace") in {
        (d["metadata"]["namespace"], d["metadata"]["name"]) for d in found
    }


async def test_llamacpp_template_workspace_becomes_ready(
    kube: Kube, namespace: str, simulator: None
) -> None:
    del simulator
    await kube.apply(llamacpp_workspace(namespace, "tiny"))

    async def pods_running() -> bool:
        pods = await kube.list("v1", "Pod", namespace, labels={"kaito.sh/workspace": "tiny"})
        return len(pods) == 1 and pods[0]["status"].get("phase") == "Running"

    await wait_for(pods_running, timeout=TIMEOUT, what="the llama.cpp pod to run")
    ws = await wait_workspace(kube, namespace, "tiny", "state Ready", state_is("Ready"))

    status = ws["status"]
    assert status["targetNodeCount"] == 1
    assert status["workerNodes"] == sorted(status["workerNodes"])
    assert status["workerNodes"]
    expected = {
        "NodesReady": "NodesReady",
        "ResourceReady": "workspaceResourceStatusSuccess",
        "InferenceReady": "WorkspaceInferenceStatusSuccess",
        "WorkspaceSucceeded": "workspaceSucceeded",
    }
    for kind, reason in expected.items():
        found = condition(ws, kind)
        assert (found["status"], found["reason"]) == ("True", reason), found
        assert found["observedGeneration"] == ws["metadata"]["generation"]
    annotations = ws["metadata"]["annotations"]
    assert annotations["workspace.kaito.io/revision"] == "1"
    assert len(annotations["workspace.kaito.io/hash"]) == 64

    sts = await kube.get("apps/v1", "StatefulSet", "tiny", namespace)
    (owner,) = sts["metadata"]["ownerReferences"]
    assert (owner["kind"], owner["name"], owner["controller"]) == ("Workspace", "tiny", True)
    assert owner["uid"] == ws["metadata"]["uid"]
    container = sts["spec"]["template"]["spec"]["containers"][0]
    assert container["image"] == LLAMACPP_IMAGE
    service = await kube.get("v1", "Service", "tiny", namespace)
    http = service["spec"]["ports"][0]
    assert (http["port"], http["targetPort"]) == (80, 5000)


async def test_preset_needing_16_gpus_stays_pending_with_the_scheduler_reason(
    kube: Kube, namespace: str, simulator: None
) -> None:
    del simulator
    ws = preset_workspace(
        namespace,
        "huge",
        "deepseek-r1-0528",
        **{"nvidia.com/gpu.present": "true", "nvidia.com/gpu.product": "NVIDIA-H100-80GB-HBM3"},
    )
    await kube.apply(ws)

    def unschedulable(obj: dict[str, Any]) -> bool:
        found = condition(obj, "ResourceReady")
        return found.get("status") == "False" and "nvidia.com/gpu" in found.get("message", "")

    seen = await wait_workspace(kube, namespace, "huge", "FailedScheduling reason", unschedulable)
    resource = condition(seen, "ResourceReady")
    assert resource["reason"] == "NodeNotReady"
    assert resource["message"].startswith("Not enough Nodes are ready: 0/")
    assert "Insufficient nvidia.com/gpu" in resource["message"]
    assert seen["status"]["state"] == "Pending"
    assert condition(seen, "WorkspaceSucceeded")["status"] == "False"
    assert condition(seen, "InferenceReady")["reason"] == "WorkspaceInferenceStatusPending"

    (pod,) = await kube.list("v1", "Pod", namespace, labels={"kaito.sh/workspace": "huge"})
    assert pod["status"]["phase"] == "Pending"
    limits = pod["spec"]["containers"][0]["resources"]["limits"]
    assert limits == {"nvidia.com/gpu": "16"}


async def test_selector_no_node_matches_creates_no_workload(
    kube: Kube, namespace: str, simulator: None
) -> None:
    del simulator
    ws = preset_workspace(
        namespace, "nowhere", "phi-4-mini-instruct", **{"airunway.ai/node-group": "no-such"}
    )
    await kube.apply(ws)

    def short(obj: dict[str, Any]) -> bool:
        return condition(obj, "ResourceReady").get("reason") == "NodeNotReady"

    seen = await wait_workspace(kube, namespace, "nowhere", "not enough nodes", short)
    assert condition(seen, "ResourceReady")["message"] == "Not enough Nodes are ready"
    assert seen["status"]["workerNodes"] == []
    assert seen["status"]["state"] == "Pending"
    assert await absent(kube, "apps/v1", "StatefulSet", "nowhere", namespace)


async def test_failure_annotations_fail_the_workspace_and_removing_them_recovers(
    kube: Kube, namespace: str, simulator: None
) -> None:
    del simulator
    await kube.apply(
        llamacpp_workspace(namespace, "bad-model", {"sim.airunway.ai/fail": "inference"})
    )
    await kube.apply(
        llamacpp_workspace(namespace, "bad-nodes", {"sim.airunway.ai/fail": "resource"})
    )

    bad_model = await wait_workspace(kube, namespace, "bad-model", "Failed", state_is("Failed"))
    inference = condition(bad_model, "InferenceReady")
    assert (inference["status"], inference["reason"]) == ("False", "WorkspaceInferenceStatusFailed")
    assert "model failed to load" in inference["message"]
    succeeded = condition(bad_model, "WorkspaceSucceeded")
    assert (succeeded["status"], succeeded["reason"]) == ("False", "workspaceFailed")

    bad_nodes = await wait_workspace(kube, namespace, "bad-nodes", "Failed", state_is("Failed"))
    resource = condition(bad_nodes, "ResourceReady")
    assert (resource["status"], resource["reason"]) == ("False", "workspaceResourceStatusNotReady")
    assert await absent(kube, "apps/v1", "StatefulSet", "bad-nodes", namespace)

    # the test's field manager owns the annotation: applying without it removes it
    await kube.apply(llamacpp_workspace(namespace, "bad-model"))
    await wait_workspace(kube, namespace, "bad-model", "recovered", state_is("Ready"))


async def test_deleting_the_workspace_removes_its_workload(
    kube: Kube, namespace: str, simulator: None
) -> None:
    del simulator
    await kube.apply(llamacpp_workspace(namespace, "gone"))
    await wait_workspace(kube, namespace, "gone", "state Ready", state_is("Ready"))

    await kube.delete(API, "Workspace", "gone", namespace)

    async def collected() -> bool:
        owned = [
            ("apps/v1", "StatefulSet", "gone"),
            ("v1", "Service", "gone"),
            ("v1", "Service", "gone-headless"),
        ]
        for api_version, kind, name in owned:
            if not await absent(kube, api_version, kind, name, namespace):
                return False
        return True

    await wait_for(collected, timeout=TIMEOUT, what="the garbage collector to remove the workload")
