"""The Dynamo and KubeRay simulators on the real control plane: real CRDs, scheduler, kwok, GC.

Each test runs its simulator in-process, watching only the test's namespace.  The custom
resources are the providers' golden outputs (tests/data/<provider>/output), so the simulators
are exercised with exactly what the providers render.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator, Awaitable, Callable
from pathlib import Path
from typing import Any

import pytest
import yaml

from airunway.devcluster.cluster import DevCluster
from airunway.kube.client import Kube
from airunway.kube.wait import wait_for
from airunway.sim.base import Simulator
from airunway.sim.dynamo import DynamoSimulator
from airunway.sim.kuberay import KubeRaySimulator
from airunway.sim.settings import SimSettings

pytestmark = pytest.mark.cluster
DATA = Path(__file__).parents[1] / "data"
TIMEOUT = 45.0
DGD = "nvidia.com/v1alpha1"


@contextlib.asynccontextmanager
async def running(
    cluster: DevCluster, namespace: str, factory: Callable[[Kube, SimSettings], Simulator]
) -> AsyncIterator[None]:
    settings = SimSettings(
        kubeconfig=cluster.kubeconfig, ready_delay=0.5, namespace=namespace, field_manager="sim"
    )
    kube = Kube.from_kubeconfig(cluster.kubeconfig, field_manager=settings.field_manager)
    task = asyncio.create_task(factory(kube, settings).run())
    try:
        yield
    finally:
        task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await task
        await kube.close()


def golden(provider: str, case: str, namespace: str, name: str) -> dict[str, Any]:
    """The primary object of a golden output, unowned, in ``namespace`` as ``name``."""
    obj: dict[str, Any] = next(
        yaml.safe_load_all((DATA / provider / "output" / f"{case}.yaml").read_text())
    )
    obj["metadata"] |= {"namespace": namespace, "name": name}
    obj["metadata"].pop("ownerReferences", None)
    return obj


async def _state(kube: Kube, api: str, kind: str, name: str, namespace: str) -> dict[str, Any]:
    return (await kube.get(api, kind, name, namespace)).get("status") or {}


async def test_dynamo_aggregated_graph_becomes_successful_on_gpu_nodes(
    cluster: DevCluster, kube: Kube, namespace: str
) -> None:
    async with running(cluster, namespace, DynamoSimulator):
        await kube.apply(golden("dynamo", "example-9-1", namespace, "qwen"))

        async def successful() -> bool:
            status = await _state(kube, DGD, "DynamoGraphDeployment", "qwen", namespace)
            return status.get("state") == "successful"

        await wait_for(successful, timeout=TIMEOUT, what="DGD successful")
        status = await _state(kube, DGD, "DynamoGraphDeployment", "qwen", namespace)
        assert status["services"]["VllmWorker"]["readyReplicas"] == 1
        assert status["services"]["Epp"]["componentKind"] == "Deployment"
        ready = next(c for c in status["conditions"] if c["type"] == "Ready")
        assert ready["status"] == "True"
        pods = await kube.list(
            "v1", "Pod", namespace, labels={"nvidia.com/dynamo-component": "VllmWorker"}
        )
        node = await kube.get("v1", "Node", pods[0]["spec"]["nodeName"])
        assert int(node["status"]["allocatable"]["nvidia.com/gpu"]) >= 1
        service = await kube.get("v1", "Service", "qwen-frontend", namespace)
        assert service["spec"]["ports"][0]["port"] == 8000


async def test_dynamo_multinode_and_disaggregated_workers(
    cluster: DevCluster, kube: Kube, namespace: str
) -> None:
    async with running(cluster, namespace, DynamoSimulator):
        await kube.apply(golden("dynamo", "disaggregated-vllm-gateway-off", namespace, "pd"))
        await kube.apply(golden("dynamo", "multinode-vllm", namespace, "big"))

        async def both() -> bool:
            pd = await _state(kube, DGD, "DynamoGraphDeployment", "pd", namespace)
            big = await _state(kube, DGD, "DynamoGraphDeployment", "big", namespace)
            return pd.get("state") == "successful" and bool(big.get("services"))

        await wait_for(both, timeout=TIMEOUT, what="disaggregated graph successful")
        pd = await _state(kube, DGD, "DynamoGraphDeployment", "pd", namespace)
        assert set(pd["services"]) == {"Frontend", "VllmPrefillWorker", "VllmDecodeWorker"}
        assert pd["services"]["VllmDecodeWorker"]["replicas"] == 2
        worker = await kube.get("apps/v1", "Deployment", "big-vllmworker", namespace)
        assert worker["spec"]["replicas"] == 2  # 1 replica over 2 nodes
        requests = worker["spec"]["template"]["spec"]["containers"][0]["resources"]["requests"]
        assert requests["nvidia.com/gpu"] == "8"


async def test_dynamo_failure_injection_and_recovery(
    cluster: DevCluster, kube: Kube, namespace: str
) -> None:
    body = golden("dynamo", "mocker-aggregated", namespace, "mock")
    body["metadata"]["annotations"] = {"sim.airunway.ai/fail": "worker"}
    async with running(cluster, namespace, DynamoSimulator):
        await kube.apply(body)

        def state_is(value: str) -> Callable[[], Awaitable[bool]]:
            async def check() -> bool:
                s = await _state(kube, DGD, "DynamoGraphDeployment", "mock", namespace)
                return s.get("state") == value

            return check

        await wait_for(state_is("failed"), timeout=TIMEOUT, what="DGD failed")
        status = await _state(kube, DGD, "DynamoGraphDeployment", "mock", namespace)
        ready = next(c for c in status["conditions"] if c["type"] == "Ready")
        assert "simulated failure" in ready["message"]
        del body["metadata"]["annotations"]  # our field manager owned it: apply removes it
        await kube.apply(body, force=True)
        await wait_for(state_is("successful"), timeout=TIMEOUT, what="DGD recovered")


RAY = "ray.io/v1"


async def test_kuberay_rayservice_runs_on_a_raycluster_with_gpu_workers(
    cluster: DevCluster, kube: Kube, namespace: str
) -> None:
    async with running(cluster, namespace, KubeRaySimulator):
        await kube.apply(golden("kuberay", "example-9-4", namespace, "qwen"))

        async def running_app() -> bool:
            status = await _state(kube, RAY, "RayService", "qwen", namespace)
            apps = (status.get("activeServiceStatus") or {}).get("applicationStatuses") or {}
            return (apps.get("llm") or {}).get("status") == "RUNNING"

        await wait_for(running_app, timeout=TIMEOUT, what="Serve application RUNNING")
        status = await _state(kube, RAY, "RayService", "qwen", namespace)
        ready = next(c for c in status["conditions"] if c["type"] == "RayServiceReady")
        assert ready["status"] == "True"
        cluster_name = status["activeServiceStatus"]["rayClusterName"]
        rc = await _state(kube, RAY, "RayCluster", cluster_name, namespace)
        assert rc["state"] == "ready"
        assert rc["readyWorkerReplicas"] == 1
        workers = await kube.list(
            "v1",
            "Pod",
            namespace,
            labels={"ray.io/cluster": cluster_name, "ray.io/node-type": "worker"},
        )
        node = await kube.get("v1", "Node", workers[0]["spec"]["nodeName"])
        assert int(node["status"]["allocatable"]["nvidia.com/gpu"]) >= 2
        await kube.get("v1", "Service", "qwen-serve-svc", namespace)


async def test_kuberay_failure_injection(cluster: DevCluster, kube: Kube, namespace: str) -> None:
    body = golden("kuberay", "disaggregated", namespace, "pd")
    body["metadata"]["annotations"] = {"sim.airunway.ai/fail": "serve"}
    async with running(cluster, namespace, KubeRaySimulator):
        await kube.apply(body)

        async def failed() -> bool:
            status = await _state(kube, RAY, "RayService", "pd", namespace)
            apps = (status.get("activeServiceStatus") or {}).get("applicationStatuses") or {}
            return (apps.get("llm") or {}).get("status") == "DEPLOY_FAILED"

        await wait_for(failed, timeout=TIMEOUT, what="Serve application DEPLOY_FAILED")
        pods = await kube.list(
            "v1", "Pod", namespace, labels={"ray.io/originated-from-cr-name": "pd"}
        )
        assert sorted(p["metadata"]["labels"]["ray.io/group"] for p in pods) == [
            "decode-workers",
            "decode-workers",
            "headgroup",
            "prefill-workers",
        ]
