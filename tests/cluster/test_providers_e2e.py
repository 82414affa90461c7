"""ModelDeployments reach Running end to end: core controller, provider processes, simulated
KAITO operator and a stand-in image registry, on a cluster of their own.

A cluster of their own because the providers register cluster-scoped InferenceProviderConfigs
that would change provider selection in the shared cluster's tests.  Every process runs as a
real process under the RBAC generated in deploy/rbac/.
"""

from __future__ import annotations

import datetime as dt
import functools
import os
import signal
import uuid
from collections.abc import AsyncIterator
from typing import Any

import httpx
import pytest
import yaml

from airunway.api import LABEL_MANAGED_BY
from airunway.devcluster.cluster import DevCluster
from airunway.devcluster.ports import free_ports
from airunway.devcluster.services import (
    PLAYGROUND_PROVIDERS,
    start_playground_services,
)
from airunway.kube.errors import ConflictError, ForbiddenError, NotFoundError
from airunway.kube.wait import wait_for
from tests.support.md import MD_API, MD_KIND, condition, md, wait_status
from tests.support.reference_fixtures import REPO_ROOT
from tests.support.stack import Stack, cluster_stack, phase

pytestmark = pytest.mark.cluster
HEARTBEAT = 2.0
HEARTBEAT_TIMEOUT = 10.0  # the controller's: a provider silent this long is not ready


@pytest.fixture(scope="module")
async def stack() -> AsyncIterator[Stack]:
    name = f"e2e-{uuid.uuid4().hex[:6]}"
    settings = DevCluster(name).settings
    upstream = settings.upstream_crds
    crds = [upstream / d for d in ("kaito", "gateway-api", "gateway-api-inference-extension")]
    start = functools.partial(
        start_playground_services,
        heartbeat_interval=HEARTBEAT,
        sim_ready_delay=1.0,
        controller_env={"AIRUNWAY_CONTROLLER_HEARTBEAT_TIMEOUT": str(HEARTBEAT_TIMEOUT)},
        backend_port=free_ports(1)[0],
    )
    cluster = DevCluster(name, crd_dirs=[*crds, settings.project_crds])
    async with cluster_stack(cluster, start, "e2e-tests", ("models",)) as stack:
        yield stack


async def test_providers_register_and_report_ready(stack: Stack) -> None:
    async def both_ready() -> bool:
        configs = {
            c["metadata"]["name"]: c
            for c in await stack.kube.list(MD_API, "InferenceProviderConfig")
        }
        return all((configs.get(n, {}).get("status") or {}).get("ready") for n in ("kaito", "vllm"))

    await wait_for(both_ready, timeout=60, what="kaito and vllm InferenceProviderConfigs ready")
    kaito = await stack.kube.get(MD_API, "InferenceProviderConfig", "kaito")
    assert kaito["status"]["version"] == "kaito-provider:dev"
    upstream = condition(kaito, "UpstreamReady")
    assert upstream is not None
    assert upstream["reason"] == "UpstreamHealthy"


async def test_operator_providers_without_their_crds_register_not_ready(stack: Stack) -> None:
    # this cluster has only the KAITO upstream CRDs: Dynamo and KubeRay cannot serve anything
    async def registered() -> bool:
        reported = {
            c["metadata"]["name"]
            for c in await stack.kube.list(MD_API, "InferenceProviderConfig")
            if "ready" in (c.get("status") or {})
        }
        return {"dynamo", "kuberay", "llmd"} <= reported

    await wait_for(registered, timeout=60, what="dynamo, kuberay and llmd configs")
    for name, ready in (("dynamo", False), ("kuberay", False), ("llmd", True)):
        config = await stack.kube.get(MD_API, "InferenceProviderConfig", name)
        assert bool((config.get("status") or {}).get("ready")) is ready, name


async def test_the_playground_backend_reports_runtimes(stack: Stack) -> None:
    backend = stack.providers["backend"]
    base = f"http://127.0.0.1:{backend.health_port}"

    async def listed() -> bool:
        async with httpx.AsyncClient(base_url=base, trust_env=False) as client:
            body = (await client.get("/api/runtimes/status")).json()
        return {r["id"] for r in body["runtimes"]} >= {"kaito", "vllm"}

    await wait_for(listed, timeout=60, what="the backend to list both providers")
    async with httpx.AsyncClient(base_url=base, trust_env=False) as client:
        runtimes = {
            r["id"]: r for r in (await client.get("/api/runtimes/status")).json()["runtimes"]
        }
    assert runtimes["vllm"]["requiresCrd"] is False
    assert runtimes["vllm"]["installed"] is True
    kaito = runtimes["kaito"]
    # the upstream KAITO CRD and the (simulated) operator's pods, not just our shim's registration
    assert (kaito["installed"], kaito["crdFound"], kaito["operatorRunning"]) == (True, True, True)
    assert kaito["message"] == (
        "KAITO workspace CRD found and KAITO operator pods are ready in kaito-workspace"
    )


async def test_vllm_model_deployment_runs_on_a_gpu_node(stack: Stack) -> None:
    kube = stack.kube
    await kube.apply(
        md(
            "qwen",
            "models",
            provider={"name": "vllm"},
            engine={"type": "vllm"},
            resources={"gpu": {"count": 2}},
        )
    )
    obj = await wait_status(kube, "qwen", "models", "Running", lambda o: phase(o) == "Running", 90)
    status = obj["status"]
    assert status["endpoint"] == {"service": "qwen", "port": 8000}
    assert status["replicas"]["ready"] == 1
    assert status["provider"]["resourceKind"] == "Deployment"
    assert status["image"]["resolved"].startswith("vllm/vllm-openai@sha256:")
    ready = condition(obj, "Ready")
    assert ready is not None
    assert ready["status"] == "True"
    pods = await kube.list("v1", "Pod", "models", labels={"airunway.ai/deployment": "qwen"})
    node = await kube.get("v1", "Node", pods[0]["spec"]["nodeName"])
    assert int(node["status"]["allocatable"]["nvidia.com/gpu"]) >= 2


async def test_the_model_comes_up_behind_the_simulated_gateway(stack: Stack) -> None:
    kube = stack.kube

    def configured(obj: dict[str, Any]) -> bool:
        ready = condition(obj, "GatewayReady")
        return ready is not None and ready["reason"] == "GatewayConfigured"

    obj = await wait_status(kube, "qwen", "models", "GatewayReady", configured, 60)
    gateway = await kube.get(
        "gateway.networking.k8s.io/v1", "Gateway", "inference-gateway", "airunway-gateway"
    )
    programmed = condition(gateway, "Programmed")
    assert programmed is not None
    assert programmed["status"] == "True"
    address = gateway["status"]["addresses"][0]["value"]
    assert obj["status"]["gateway"] == {
        "endpoint": address,
        "modelName": "Qwen/Qwen3-0.6B",
        "gatewayNamespace": "airunway-gateway",
        "apiFormats": ["openai-chat", "openai-responses", "anthropic-messages"],
    }

    async def route_accepted() -> bool:
        route = await kube.get("gateway.networking.k8s.io/v1", "HTTPRoute", "qwen", "models")
        parents = (route.get("status") or {}).get("parents") or []
        return bool(parents) and all(c["status"] == "True" for c in parents[0]["conditions"])

    await wait_for(route_accepted, timeout=30, what="the simulated Gateway to accept the route")
    gateway = await kube.get(
        "gateway.networking.k8s.io/v1", "Gateway", "inference-gateway", "airunway-gateway"
    )
    assert gateway["status"]["listeners"][0]["attachedRoutes"] >= 1


async def test_the_cached_example_downloads_once_then_runs(stack: Stack) -> None:
    kube = stack.kube
    example = yaml.safe_load((REPO_ROOT / "examples" / "vllm-qwen-cached.yaml").read_text())
    await kube.apply(example)
    name, namespace = example["metadata"]["name"], example["metadata"]["namespace"]
    obj = await wait_status(kube, name, namespace, "Running", lambda o: phase(o) == "Running", 120)
    downloaded = condition(obj, "ModelDownloaded")
    assert downloaded is not None
    assert downloaded["status"] == "True"
    claim = await kube.get("v1", "PersistentVolumeClaim", f"{name}-model-cache", namespace)
    assert claim["spec"]["storageClassName"] == "airunway-sim"  # the simulated provisioner's
    assert claim["status"]["phase"] == "Bound"
    jobs = await kube.list(
        "batch/v1", "Job", namespace, labels={"airunway.ai/model-deployment": name}
    )
    assert len(jobs) == 1  # one download for both replicas
    assert obj["status"]["replicas"]["ready"] == 2


async def test_an_object_that_loses_the_label_watches_select_on_gets_it_back(
    stack: Stack,
) -> None:
    """Removed by hand (a PUT without it), the object leaves the provider's label-selected watch.

    The watch then sends DELETED, which reconciles the owner (unit-tested in
    ``tests/unit/providers/test_sdk_watch_events.py``); the reconcile applies the label again.
    """
    kube = stack.kube
    await wait_status(kube, "qwen", "models", "Running", lambda o: phase(o) == "Running", 90)

    async def unlabelled() -> bool:
        service = await kube.get("v1", "Service", "qwen", "models")
        service["metadata"]["labels"].pop(LABEL_MANAGED_BY)
        try:
            await kube.replace(service)
        except ConflictError:
            return False
        return True

    async def relabelled() -> bool:
        service = await kube.get("v1", "Service", "qwen", "models")
        return LABEL_MANAGED_BY in (service["metadata"].get("labels") or {})

    await wait_for(unlabelled, timeout=30, what="a PUT of the Service without the label")
    await wait_for(relabelled, timeout=30, what="the provider to apply its label again")


async def test_drift_of_the_deployment_is_corrected(stack: Stack) -> None:
    kube = stack.kube
    await wait_status(kube, "qwen", "models", "Running", lambda o: phase(o) == "Running", 90)
    intruder = stack.cluster.connect("someone-else")
    try:
        await intruder.apply(
            {
                "apiVersion": "apps/v1",
                "kind": "Deployment",
                "metadata": {"name": "qwen", "namespace": "models"},
                "spec": {"replicas": 3},
            },
            force=True,
        )
    finally:
        await intruder.close()

    async def corrected() -> bool:
        deployment = await kube.get("apps/v1", "Deployment", "qwen", "models")
        return int(deployment["spec"]["replicas"]) == 1

    await wait_for(corrected, timeout=30, what="the provider to restore replicas: 1")


async def test_kaito_cpu_llamacpp_runs(stack: Stack) -> None:
    kube = stack.kube
    await kube.apply(
        md(
            "gemma-cpu",
            "models",
            model={"id": "unsloth/gemma-3-1b-it-GGUF"},
            engine={"type": "llamacpp"},
            image="ghcr.io/sozercan/llama-cpp-runner:latest",
            resources={"cpu": "8", "memory": "16Gi"},
        )
    )
    obj = await wait_status(
        kube, "gemma-cpu", "models", "Running", lambda o: phase(o) == "Running", 90
    )
    assert obj["status"]["provider"]["name"] == "kaito"
    assert obj["status"]["engine"]["type"] == "llamacpp"
    assert obj["status"]["endpoint"] == {"service": "gemma-cpu", "port": 80}
    workspace = await kube.get("kaito.sh/v1beta1", "Workspace", "gemma-cpu", "models")
    assert workspace["resource"]["labelSelector"]["matchLabels"] == {"kubernetes.io/os": "linux"}


async def test_incompatible_request_is_a_condition_and_creates_nothing(stack: Stack) -> None:
    kube = stack.kube
    # admitted by the webhook, refused by the KAITO provider: its llama.cpp path needs spec.image
    await kube.apply(
        md(
            "no-image",
            "models",
            model={"id": "unsloth/gemma-3-1b-it-GGUF"},
            provider={"name": "kaito"},
            engine={"type": "llamacpp", "image": "ghcr.io/sozercan/llama-cpp-runner:latest"},
            resources={"cpu": "2"},
        )
    )

    def failed(obj: dict[str, Any]) -> bool:
        c = condition(obj, "ProviderCompatible")
        return c is not None and c["status"] == "False"

    obj = await wait_status(kube, "no-image", "models", "ProviderCompatible=False", failed, 60)
    c = condition(obj, "ProviderCompatible")
    assert c is not None
    assert c["reason"] == "IncompatibleConfiguration"
    assert c["message"] == "llamacpp engine requires spec.image to be set"
    assert obj["status"]["phase"] == "Failed"
    with pytest.raises(NotFoundError):
        await kube.get("kaito.sh/v1beta1", "Workspace", "no-image", "models")


async def test_the_webhook_refuses_what_the_named_provider_cannot_serve(stack: Stack) -> None:
    with pytest.raises(ForbiddenError) as err:
        await stack.kube.apply(
            md(
                "no-gpu",
                "models",
                provider={"name": "vllm"},
                engine={"type": "vllm"},
                resources={"gpu": {"count": 0}, "cpu": "2"},
            )
        )
    assert "vllm engine on provider vllm requires GPU (set resources.gpu.count > 0)" in str(
        err.value
    )


async def test_upstream_failure_surfaces_as_failed(stack: Stack) -> None:
    kube = stack.kube
    body = md(
        "broken-ws",
        "models",
        model={"id": "unsloth/gemma-3-1b-it-GGUF"},
        engine={"type": "llamacpp"},
        image="ghcr.io/sozercan/llama-cpp-runner:latest",
        resources={"cpu": "2"},
        podTemplate={"metadata": {"annotations": {"sim.airunway.ai/fail": "inference"}}},
    )
    await kube.apply(body)
    obj = await wait_status(
        kube, "broken-ws", "models", "Failed", lambda o: phase(o) == "Failed", 90
    )
    ready = condition(obj, "Ready")
    assert ready is not None
    assert ready["reason"] == "DeploymentFailed"


async def test_delete_cleans_up_and_releases_the_finalizer(stack: Stack) -> None:
    kube = stack.kube
    await wait_status(kube, "qwen", "models", "Running", lambda o: phase(o) == "Running", 90)
    await kube.delete(MD_API, MD_KIND, "qwen", "models")

    async def gone() -> bool:
        try:
            await kube.get(MD_API, MD_KIND, "qwen", "models")
        except NotFoundError:
            pass
        else:
            return False
        try:
            await kube.get("apps/v1", "Deployment", "qwen", "models")
        except NotFoundError:
            return True
        return False

    await wait_for(gone, timeout=60, what="the ModelDeployment and its Deployment to be gone")


async def test_overrides_the_api_server_refuses_are_a_condition_and_nothing_is_applied(
    stack: Stack,
) -> None:
    kube = stack.kube
    refused = {"spec": {"template": {"spec": {"restartPolicy": "Never"}}}}  # Deployments: Always
    await kube.apply(
        md(
            "refused-override",
            "models",
            provider={"name": "vllm", "overrides": refused},
            engine={"type": "vllm"},
            resources={"gpu": {"count": 1}},
        )
    )

    def create_failed(obj: dict[str, Any]) -> bool:
        created = condition(obj, "ResourceCreated")
        return created is not None and created["reason"] == "CreateFailed"

    obj = await wait_status(kube, "refused-override", "models", "CreateFailed", create_failed)
    created = condition(obj, "ResourceCreated")
    assert created is not None
    assert "restartPolicy" in created["message"]  # the API server's own words
    assert obj["status"]["phase"] == "Failed"
    for kind in ("Deployment", "Service"):  # nothing of it was applied
        with pytest.raises(NotFoundError):
            await kube.get(
                "apps/v1" if kind == "Deployment" else "v1", kind, "refused-override", "models"
            )


async def test_a_stopped_provider_goes_not_ready_and_new_deployments_say_so(stack: Stack) -> None:
    kube = stack.kube
    stack.providers["vllm"].stop()  # clean stop: unregisters at once

    async def not_ready() -> bool:
        config = await kube.get(MD_API, "InferenceProviderConfig", "vllm")
        return not (config.get("status") or {}).get("ready")

    await wait_for(not_ready, timeout=30, what="the vllm config to be not ready")

    # a provider that dies without unregistering still says ready=true: its heartbeat goes stale
    configs = {c["metadata"]["name"]: c for c in await kube.list(MD_API, "InferenceProviderConfig")}
    killed_names = [n for n in PLAYGROUND_PROVIDERS if n != "vllm"]
    others = [n for n in killed_names if configs[n]["status"].get("ready")]
    for name in killed_names:
        os.kill(stack.providers[name].record.pid, signal.SIGKILL)
    killed = dt.datetime.now(dt.UTC)

    async def stale() -> bool:
        for name in others:
            config = await kube.get(MD_API, "InferenceProviderConfig", name)
            assert config["status"].get("ready") is True  # killed, so never unregistered
            beat = dt.datetime.fromisoformat(config["status"]["lastHeartbeat"])
            if (
                dt.datetime.now(dt.UTC) - max(beat, killed)
            ).total_seconds() <= HEARTBEAT_TIMEOUT + 1:
                return False
        return True

    await wait_for(
        stale, timeout=60, what=f"the killed providers' heartbeats ({others}) to go stale"
    )
    await kube.apply(
        md(
            "after-providers-died",
            "models",
            engine={"type": "vllm"},
            resources={"gpu": {"count": 1}},
        )
    )

    def unselectable(obj: dict[str, Any]) -> bool:
        selected = condition(obj, "ProviderSelected")
        return selected is not None and selected["status"] == "False"

    obj = await wait_status(kube, "after-providers-died", "models", "no provider", unselectable)
    selected = condition(obj, "ProviderSelected")
    assert selected is not None
    assert selected["reason"] == "SelectionFailed"
    assert "no healthy providers available" in selected["message"]
    assert not (obj["status"].get("provider") or {}).get("name")
