"""The dev cluster is a real Kubernetes: version, scheduling on GPUs, schemas, SSA, helm."""

from __future__ import annotations

import asyncio
import subprocess
from pathlib import Path
from typing import Any

import pytest
import yaml

from airunway.devcluster import versions
from airunway.devcluster.cluster import DevCluster
from airunway.kube.client import Kube
from airunway.kube.errors import ConflictError, InvalidError
from airunway.kube.wait import wait_for

pytestmark = pytest.mark.cluster
CHART = Path(__file__).parents[1] / "data" / "charts" / "tiny"


def _deployment(name: str, namespace: str, gpus: int) -> dict[str, Any]:
    return {
        "apiVersion": "apps/v1",
        "kind": "Deployment",
        "metadata": {"name": name, "namespace": namespace},
        "spec": {
            "replicas": 1,
            "selector": {"matchLabels": {"app": name}},
            "template": {
                "metadata": {"labels": {"app": name}},
                "spec": {
                    "containers": [
                        {
                            "name": "server",
                            "image": "vllm/vllm-openai:latest",
                            "resources": {"limits": {"nvidia.com/gpu": str(gpus)}},
                        }
                    ]
                },
            },
        },
    }


async def _pods(kube: Kube, namespace: str, app: str) -> list[dict[str, Any]]:
    return await kube.list("v1", "Pod", namespace, labels={"app": app})


async def test_version_is_the_pinned_release(kube: Kube) -> None:
    version = await kube.raw_get("/version")
    assert version["gitVersion"] == versions.KUBERNETES


async def test_simulated_gpu_nodes_follow_the_profile(kube: Kube) -> None:
    nodes = {n["metadata"]["name"]: n for n in await kube.list("v1", "Node")}
    assert set(nodes) == {"gpu-h100-0", "gpu-a100-0", "gpu-t4-0", "cpu-0"}
    h100 = nodes["gpu-h100-0"]
    assert h100["status"]["allocatable"]["nvidia.com/gpu"] == "8"
    assert h100["metadata"]["labels"]["nvidia.com/gpu.product"] == "NVIDIA-H100-80GB-HBM3"
    assert h100["metadata"]["labels"]["nvidia.com/gpu.count"] == "8"
    assert "nvidia.com/gpu" not in nodes["cpu-0"]["status"]["allocatable"]


async def test_gpu_deployment_runs_on_a_gpu_node(kube: Kube, namespace: str) -> None:
    await kube.apply(_deployment("llm", namespace, gpus=1))

    async def running() -> bool:
        pods = await _pods(kube, namespace, "llm")
        return bool(pods) and all(p["status"].get("phase") == "Running" for p in pods)

    await wait_for(running, timeout=60, what="the GPU pod to run")
    pod = (await _pods(kube, namespace, "llm"))[0]
    node = await kube.get("v1", "Node", pod["spec"]["nodeName"])
    assert int(node["status"]["allocatable"]["nvidia.com/gpu"]) >= 1
    ready = {c["type"]: c["status"] for c in pod["status"]["conditions"]}
    assert ready["Ready"] == "True"


async def test_too_many_gpus_stays_pending_with_failed_scheduling(
    kube: Kube, namespace: str
) -> None:
    await kube.apply(_deployment("huge", namespace, gpus=9))

    async def failed_scheduling() -> bool:
        events = await kube.list("v1", "Event", namespace)
        return any(
            e.get("reason") == "FailedScheduling" and "nvidia.com/gpu" in e.get("message", "")
            for e in events
        )

    await wait_for(failed_scheduling, timeout=60, what="a FailedScheduling event")
    pods = await _pods(kube, namespace, "huge")
    assert [p["status"]["phase"] for p in pods] == ["Pending"]
    assert not pods[0]["spec"].get("nodeName")


async def test_upstream_schema_rejects_an_invalid_kaito_workspace(
    kube: Kube, namespace: str
) -> None:
    bad = {
        "apiVersion": "kaito.sh/v1beta1",
        "kind": "Workspace",
        "metadata": {"name": "bad", "namespace": namespace},
        "resource": {"count": "three"},
    }
    with pytest.raises(InvalidError) as err:
        await kube.apply(bad)
    assert "resource.count" in str(err.value)


async def test_server_side_apply_reports_a_conflict_between_field_managers(
    cluster: DevCluster, namespace: str
) -> None:
    first = cluster.connect("manager-one")
    second = cluster.connect("manager-two")
    cm = {
        "apiVersion": "v1",
        "kind": "ConfigMap",
        "metadata": {"name": "shared", "namespace": namespace},
        "data": {"owner": "one"},
    }
    try:
        await first.apply(cm)
        with pytest.raises(ConflictError) as err:
            await second.apply({**cm, "data": {"owner": "two"}})
        assert "manager-one" in str(err.value)
        forced = await second.apply({**cm, "data": {"owner": "two"}}, force=True)
        assert forced["data"]["owner"] == "two"
    finally:
        await first.close()
        await second.close()


def _helm(cluster: DevCluster, *args: str) -> subprocess.CompletedProcess[str]:
    helm = cluster.builder.binary("helm")
    return subprocess.run(
        [str(helm), "--kubeconfig", str(cluster.kubeconfig), *args],
        capture_output=True,
        text=True,
        check=False,
        timeout=120,
    )


async def test_helm_template_and_install_work_against_the_cluster(
    cluster: DevCluster, kube: Kube, namespace: str
) -> None:
    rendered = await asyncio.to_thread(
        _helm, cluster, "template", "demo", str(CHART), "--namespace", namespace
    )
    assert rendered.returncode == 0, rendered.stderr
    docs = [d for d in yaml.safe_load_all(rendered.stdout) if d]
    assert [d["kind"] for d in docs] == ["ConfigMap"]

    installed = await asyncio.to_thread(
        _helm, cluster, "install", "demo", str(CHART), "--namespace", namespace, "--wait"
    )
    assert installed.returncode == 0, installed.stderr
    cm = await kube.get("v1", "ConfigMap", "demo-tiny", namespace)
    assert cm["data"]["greeting"] == "hello"
    # helm read the server's real version, which the kubeVersion constraint needs
    assert cm["data"]["kubeVersion"] == versions.KUBERNETES
