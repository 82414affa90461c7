"""Dynamo, KubeRay and llm-d end to end: core controller, the five providers and the simulated
KAITO, Dynamo and KubeRay operators, on a cluster of their own with every upstream CRD.

A cluster of their own because the providers register cluster-scoped InferenceProviderConfigs
that change provider selection for everything else.  Every process runs as a real process under
the RBAC generated in deploy/rbac/, exactly as the playground starts them
(``start_playground_services``).  The playground examples are applied as they are.
"""

from __future__ import annotations

import functools
import uuid
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest
import yaml

from airunway.devcluster.cluster import DevCluster
from airunway.devcluster.services import start_playground_services
from airunway.kube.client import Kube
from airunway.kube.errors import NotFoundError
from airunway.kube.wait import wait_for
from tests.support.md import MD_API, MD_KIND, condition, md, wait_status
from tests.support.stack import Stack, cluster_stack, phase

pytestmark = pytest.mark.cluster
EXAMPLES = Path(__file__).parents[2] / "examples"
HEARTBEAT = 2.0
TIMEOUT = 120.0
DGD = ("nvidia.com/v1alpha1", "DynamoGraphDeployment")
RAYSERVICE = ("ray.io/v1", "RayService")


@pytest.fixture(scope="module")
async def stack() -> AsyncIterator[Stack]:
    start = functools.partial(
        start_playground_services, heartbeat_interval=HEARTBEAT, sim_ready_delay=1.0
    )
    cluster = DevCluster(f"e2e3-{uuid.uuid4().hex[:6]}")
    async with cluster_stack(cluster, start, "e2e-tests", ("models",)) as stack:
        yield stack


async def _running(kube: Kube, name: str, namespace: str = "default") -> dict[str, Any]:
    return await wait_status(
        kube, name, namespace, "Running", lambda o: phase(o) == "Running", TIMEOUT
    )


async def _failed(kube: Kube, name: str, namespace: str = "models") -> dict[str, Any]:
    return await wait_status(
        kube, name, namespace, "Failed", lambda o: phase(o) == "Failed", TIMEOUT
    )


async def test_the_three_providers_register_and_report_ready(stack: Stack) -> None:
    async def ready() -> bool:
        configs = {
            c["metadata"]["name"]: c
            for c in await stack.kube.list(MD_API, "InferenceProviderConfig")
        }
        return all(
            (configs.get(n, {}).get("status") or {}).get("ready")
            for n in ("dynamo", "kuberay", "llmd")
        )

    await wait_for(ready, timeout=60, what="dynamo, kuberay and llmd configs ready")
    dynamo = await stack.kube.get(MD_API, "InferenceProviderConfig", "dynamo")
    assert dynamo["status"]["upstreamCRDVersion"] == "nvidia.com/v1alpha1"
    kuberay = await stack.kube.get(MD_API, "InferenceProviderConfig", "kuberay")
    assert kuberay["status"]["upstreamCRDVersion"] == "ray.io/v1"


@pytest.mark.parametrize(
    ("example", "name", "kind", "endpoint"),
    [
        (
            "dynamo-qwen.yaml",
            "qwen-dynamo",
            "DynamoGraphDeployment",
            ("qwen-dynamo-frontend", 8000),
        ),
        ("kuberay-qwen.yaml", "qwen-kuberay", "RayService", ("qwen-kuberay-serve-svc", 8000)),
        ("llmd-qwen.yaml", "qwen-llmd", "Deployment", ("qwen-llmd", 8000)),
    ],
)
async def test_each_example_reaches_running(
    stack: Stack, example: str, name: str, kind: str, endpoint: tuple[str, int]
) -> None:
    await stack.kube.apply(yaml.safe_load((EXAMPLES / example).read_text()))
    obj = await _running(stack.kube, name)
    status = obj["status"]
    assert status["provider"]["resourceKind"] == kind
    assert (status["endpoint"]["service"], status["endpoint"]["port"]) == endpoint
    ready = condition(obj, "Ready")
    assert ready is not None
    assert ready["status"] == "True"


async def test_dynamo_operator_failure_surfaces_as_failed_with_its_reason(stack: Stack) -> None:
    kube = stack.kube
    await kube.apply(
        md(
            "dyn-broken",
            "models",
            provider={"name": "dynamo"},
            engine={"type": "vllm"},
            resources={"gpu": {"count": 1}},
        )
    )
    await _running(kube, "dyn-broken", "models")
    # someone (here: the test) marks the graph as failing in the simulated operator
    await kube.apply(
        {
            "apiVersion": DGD[0],
            "kind": DGD[1],
            "metadata": {
                "name": "dyn-broken",
                "namespace": "models",
                "annotations": {"sim.airunway.ai/fail": "worker"},
            },
        },
        force=True,
    )
    obj = await _failed(kube, "dyn-broken")
    assert "simulated failure" in obj["status"]["message"]
    ready = condition(obj, "Ready")
    assert ready is not None
    assert ready["reason"] == "DeploymentFailed"


async def test_kuberay_serve_failure_surfaces_as_failed(stack: Stack) -> None:
    await stack.kube.apply(
        md(
            "ray-broken",
            "models",
            provider={"name": "kuberay"},
            engine={"type": "vllm"},
            resources={"gpu": {"count": 2}},
            podTemplate={"metadata": {"annotations": {"sim.airunway.ai/fail": "serve"}}},
        )
    )
    obj = await _failed(stack.kube, "ray-broken")
    assert "Deploying application llm failed" in obj["status"]["message"]


async def test_llmd_rollout_deadline_surfaces_as_failed(stack: Stack) -> None:
    # 16 GPUs fit no node: the rollout never progresses and its (overridden) deadline passes
    await stack.kube.apply(
        md(
            "llmd-stuck",
            "models",
            provider={"name": "llmd", "overrides": {"spec": {"progressDeadlineSeconds": 2}}},
            engine={"type": "vllm"},
            resources={"gpu": {"count": 16}},
        )
    )
    obj = await _failed(stack.kube, "llmd-stuck")
    assert "has timed out progressing" in obj["status"]["message"]


async def test_bad_input_is_a_condition_and_creates_nothing(stack: Stack) -> None:
    kube = stack.kube
    # admitted by the webhook (no blocked key), refused by the Dynamo provider: its typed
    # override "epp.image" must be a string
    await kube.apply(
        md(
            "dyn-bad-override",
            "models",
            provider={"name": "dynamo", "overrides": {"epp": {"image": 5}}},
            engine={"type": "vllm"},
            resources={"gpu": {"count": 1}},
        )
    )
    obj = await _failed(kube, "dyn-bad-override")
    created = condition(obj, "ResourceCreated")
    assert created is not None
    assert (created["status"], created["reason"]) == ("False", "TransformFailed")
    assert created["message"].startswith(
        "failed to parse provider overrides: failed to unmarshal overrides: epp.image"
    )
    assert obj["status"]["message"].startswith("Failed to generate Dynamo resources: ")
    with pytest.raises(NotFoundError):
        await kube.get(*DGD, "dyn-bad-override", "models")


async def test_drift_of_upstream_objects_is_corrected(stack: Stack) -> None:
    kube = stack.kube
    await _running(kube, "qwen-kuberay")
    await _running(kube, "qwen-dynamo")
    intruder = stack.cluster.connect("someone-else")
    try:
        await intruder.apply(
            {
                "apiVersion": RAYSERVICE[0],
                "kind": RAYSERVICE[1],
                "metadata": {"name": "qwen-kuberay", "namespace": "default"},
                "spec": {"serveConfigV2": "applications: []\n"},
            },
            force=True,
        )
        await intruder.apply(
            {
                "apiVersion": DGD[0],
                "kind": DGD[1],
                "metadata": {"name": "qwen-dynamo", "namespace": "default"},
                "spec": {"services": {"VllmDecodeWorker": {"replicas": 4}}},
            },
            force=True,
        )
    finally:
        await intruder.close()

    async def corrected() -> bool:
        rs = await kube.get(*RAYSERVICE, "qwen-kuberay", "default")
        dgd = await kube.get(*DGD, "qwen-dynamo", "default")
        serve = str(rs["spec"]["serveConfigV2"])
        decode_replicas = int(dgd["spec"]["services"]["VllmDecodeWorker"]["replicas"])
        return serve.startswith("applications:\n  - name: llm") and decode_replicas == 1

    await wait_for(corrected, timeout=60, what="the providers to restore their upstream specs")


@pytest.mark.parametrize(
    ("name", "upstream"),
    [
        ("qwen-dynamo", DGD),
        ("qwen-kuberay", RAYSERVICE),
        ("qwen-llmd", ("apps/v1", "Deployment")),
    ],
)
async def test_delete_cleans_up(stack: Stack, name: str, upstream: tuple[str, str]) -> None:
    kube = stack.kube
    await _running(kube, name)
    await kube.delete(MD_API, MD_KIND, name, "default")

    async def gone() -> bool:
        for api, kind in ((MD_API, MD_KIND), upstream):
            try:
                await kube.get(api, kind, name, "default")
            except NotFoundError:
                continue
            return False
        return True

    await wait_for(gone, timeout=60, what=f"{name} and its {upstream[1]} to be gone")


@pytest.mark.parametrize(
    ("name", "spec", "provider"),
    [
        (
            "auto-sglang",
            {"engine": {"type": "sglang"}, "resources": {"gpu": {"count": 1}}},
            "dynamo",
        ),
        (
            "auto-vllm-2gpu",
            {"engine": {"type": "vllm"}, "resources": {"gpu": {"count": 2}}},
            "kuberay",
        ),
        ("auto-vllm-1gpu", {"resources": {"gpu": {"count": 1}}}, "dynamo"),
        ("auto-cpu", {"resources": {"cpu": "2"}}, "kaito"),
    ],
)
async def test_auto_selection_on_the_cluster(
    stack: Stack, name: str, spec: dict[str, Any], provider: str
) -> None:
    await stack.kube.apply(md(name, "models", **spec))

    def selected(obj: dict[str, Any]) -> bool:
        return bool(((obj.get("status") or {}).get("provider") or {}).get("name"))

    obj = await wait_status(stack.kube, name, "models", "provider selected", selected, 60)
    assert obj["status"]["provider"]["name"] == provider
