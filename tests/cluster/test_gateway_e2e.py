"""The gateway integration on a real control plane, from "no gateway CRDs" to routing by name.

A cluster of its own, started WITHOUT the Gateway API and Inference Extension CRDs: the first
test shows that nothing is created and nothing fails; the second installs the real upstream CRDs
while the controller runs (no restart) and the objects appear.  The core controller is
configured with an explicit Gateway, and it and the Direct vLLM provider run as real processes
under their generated RBAC; the ModelDeployments become Running through the provider (a digest
image needs no registry).  Tests run in file order and build on each other.
"""

from __future__ import annotations

import functools
import uuid
from collections.abc import AsyncIterator
from typing import Any

import pytest

from airunway.devcluster.cluster import DevCluster
from airunway.devcluster.crds import install_crds
from airunway.kube.client import Kube
from airunway.kube.errors import NotFoundError
from airunway.kube.wait import wait_for
from tests.support.md import MD_API, MD_KIND, condition, ipc, md, register_ready, wait_status
from tests.support.stack import Stack, cluster_stack, controller_and_vllm, phase

pytestmark = pytest.mark.cluster
IMAGE = "vllm/vllm-openai@sha256:" + "b" * 64
NS = "models"
GW_NS = "gateway-system"
GW = "inference-gateway"
POOL = ("inference.networking.k8s.io/v1", "InferencePool")
ROUTE = ("gateway.networking.k8s.io/v1", "HTTPRoute")
EPP_KINDS = (
    ("v1", "ServiceAccount"),
    ("rbac.authorization.k8s.io/v1", "Role"),
    ("rbac.authorization.k8s.io/v1", "RoleBinding"),
    ("v1", "ConfigMap"),
    ("apps/v1", "Deployment"),
    ("v1", "Service"),
    ("networking.istio.io/v1beta1", "DestinationRule"),
)


@pytest.fixture(scope="module")
async def stack() -> AsyncIterator[Stack]:
    name = f"gw-{uuid.uuid4().hex[:6]}"
    cluster = DevCluster(name, crd_dirs=[DevCluster(name).settings.project_crds])
    env = {"AIRUNWAY_CONTROLLER_GATEWAY_NAME": GW, "AIRUNWAY_CONTROLLER_GATEWAY_NAMESPACE": GW_NS}
    start = functools.partial(controller_and_vllm, controller_env=env)
    async with cluster_stack(cluster, start, "gateway-tests", (NS, GW_NS)) as stack:
        yield stack


async def _running(kube: Kube, name: str, **extra: Any) -> dict[str, Any]:
    model = {"id": "Qwen/Qwen3-0.6B"} | extra.pop("model", {})
    await kube.apply(
        md(
            name,
            NS,
            provider={"name": "vllm"},
            engine={"type": "vllm", "image": IMAGE},
            resources={"gpu": {"count": 1}},
            model=model,
            **extra,
        )
    )
    return await wait_status(kube, name, NS, "Running", lambda o: phase(o) == "Running", 90)


async def _gateway_ready(kube: Kube, name: str, reason: str) -> dict[str, Any]:
    def check(obj: dict[str, Any]) -> bool:
        ready = condition(obj, "GatewayReady")
        return ready is not None and ready["reason"] == reason

    return await wait_status(kube, name, NS, f"GatewayReady {reason}", check, 60)


async def _absent(kube: Kube, api: str, kind: str, name: str, namespace: str = NS) -> bool:
    try:
        await kube.get(api, kind, name, namespace)
    except NotFoundError:
        return True
    return False


async def test_without_gateway_crds_nothing_is_created_and_nothing_fails(stack: Stack) -> None:
    kube = stack.kube
    early = await _running(kube, "early")
    # an explicit request shows that the gateway step ran and why it could not act
    explicit = await _running(kube, "explicit", gateway={"enabled": True})
    explicit = await _gateway_ready(kube, "explicit", "CRDsNotAvailable")
    ready = condition(explicit, "GatewayReady")
    assert ready is not None
    assert ready["status"] == "False"
    assert ready["message"] == (
        "Gateway API Inference Extension CRDs are not installed in the cluster"
    )
    early = await kube.get(MD_API, MD_KIND, "early", NS)
    assert condition(early, "GatewayReady") is None
    assert "gateway" not in early["status"]
    assert phase(early) == "Running"
    with pytest.raises(NotFoundError):
        await kube.list(*POOL, NS)


async def test_crds_installed_while_running_are_picked_up(stack: Stack) -> None:
    kube = stack.kube
    # a body-based router (installed by the user, as upstream): restarted when a pool appears
    labels = {"app": "body-based-router"}
    await kube.apply(
        {
            "apiVersion": "apps/v1",
            "kind": "Deployment",
            "metadata": {"name": "body-based-router", "namespace": GW_NS},
            "spec": {
                "selector": {"matchLabels": labels},
                "template": {
                    "metadata": {"labels": labels},
                    "spec": {"containers": [{"name": "bbr", "image": "example.test/bbr:1"}]},
                },
            },
        }
    )
    upstream = stack.cluster.settings.upstream_crds
    await install_crds(
        kube,
        [
            upstream / "gateway-api",
            upstream / "gateway-api-inference-extension",
            upstream / "istio",
        ],
    )
    # the configured Gateway does not exist yet: the condition names it
    missing = await _gateway_ready(kube, "explicit", "NoGateway")
    ready = condition(missing, "GatewayReady")
    assert ready is not None
    assert ready["message"] == f"Gateway {GW_NS}/{GW} not found"

    await kube.apply(
        {
            "apiVersion": "gateway.networking.k8s.io/v1",
            "kind": "GatewayClass",
            "metadata": {"name": "tests"},
            "spec": {"controllerName": "example.test/gateway"},
        }
    )
    await kube.apply(
        {
            "apiVersion": "gateway.networking.k8s.io/v1",
            "kind": "Gateway",
            "metadata": {"name": GW, "namespace": GW_NS},
            "spec": {
                "gatewayClassName": "tests",
                "listeners": [{"name": "http", "port": 80, "protocol": "HTTP"}],
            },
        }
    )
    for name in ("early", "explicit"):
        obj = await _gateway_ready(kube, name, "GatewayConfigured")
        assert obj["status"]["gateway"]["gatewayNamespace"] == GW_NS
        assert obj["status"]["gateway"]["modelName"] == "Qwen/Qwen3-0.6B"
        uid = obj["metadata"]["uid"]
        pool = await kube.get(*POOL, name, NS)
        assert pool["metadata"]["ownerReferences"][0]["uid"] == uid
        assert pool["spec"]["selector"]["matchLabels"] == {"airunway.ai/model-deployment": name}
        assert pool["spec"]["targetPorts"] == [{"number": 8000}]
        route = await kube.get(*ROUTE, name, NS)
        assert route["spec"]["parentRefs"][0]["name"] == GW
        for api, kind in EPP_KINDS:
            epp = await kube.get(api, kind, f"{name}-epp", NS)
            assert epp["metadata"]["ownerReferences"][0]["uid"] == uid
    bbr = await kube.get("apps/v1", "Deployment", "body-based-router", GW_NS)
    assert "airunway.ai/restartedAt" in bbr["spec"]["template"]["metadata"]["annotations"]
    # the serving pods carry the label the pool selects by
    pods = await kube.list("v1", "Pod", NS, labels={"airunway.ai/model-deployment": "early"})
    assert pods
    # the Gateway's listener now admits routes from the ModelDeployments' namespace
    gateway = await kube.get("gateway.networking.k8s.io/v1", "Gateway", GW, GW_NS)
    expression = gateway["spec"]["listeners"][0]["allowedRoutes"]["namespaces"]["selector"]
    assert expression["matchExpressions"][0]["values"] == [GW_NS, NS]


async def test_two_deployments_behind_one_gateway_route_by_model_name(stack: Stack) -> None:
    kube = stack.kube
    await _running(kube, "alpha", model={"servedName": "alpha"})
    await _running(kube, "beta", gateway={"modelName": "beta-chat"})
    routes = {}
    for name, model in (("alpha", "alpha"), ("beta", "beta-chat")):
        obj = await _gateway_ready(kube, name, "GatewayConfigured")
        assert obj["status"]["gateway"]["modelName"] == model
        # the formats the vllm provider declares for its engine
        assert obj["status"]["gateway"]["apiFormats"] == [
            "openai-chat",
            "openai-responses",
            "anthropic-messages",
        ]
        routes[name] = await kube.get(*ROUTE, name, NS)
    for name, model in (("alpha", "alpha"), ("beta", "beta-chat")):
        rule = routes[name]["spec"]["rules"][0]
        assert rule["matches"][0]["headers"] == [
            {"type": "Exact", "name": "X-Gateway-Model-Name", "value": model}
        ]
        assert rule["backendRefs"][0]["kind"] == "InferencePool"
        assert rule["backendRefs"][0]["name"] == name
        assert routes[name]["spec"]["parentRefs"][0]["namespace"] == GW_NS


async def test_a_provider_managed_pool_in_another_namespace_gets_a_reference_grant(
    stack: Stack,
) -> None:
    kube = stack.kube
    await kube.apply({"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": "pools"}})
    capability = {
        "name": "vllm",
        "servingModes": ["aggregated"],
        "gpuSupport": True,
        "gateway": {
            "managesInferencePool": True,
            "inferencePoolNamePattern": "{name}-pool",
            "inferencePoolNamespace": "pools",
        },
    }
    await register_ready(kube, ipc("managed", [capability]))
    await kube.apply(
        md(
            "dyn",
            NS,
            provider={"name": "managed"},
            engine={"type": "vllm"},
            resources={"gpu": {"count": 1}},
        )
    )
    await wait_status(kube, "dyn", NS, "provider", lambda o: "provider" in (o.get("status") or {}))
    # this test plays the provider: it reports Running (the core reconciles only then)
    shim = stack.cluster.connect("managed-provider")
    try:
        status = {"phase": "Running", "endpoint": {"service": "dyn-frontend", "port": 8000}}
        await shim.apply_status(
            {"apiVersion": MD_API, "kind": MD_KIND, "metadata": {"name": "dyn", "namespace": NS}}
            | {"status": status}
        )
    finally:
        await shim.close()
    # the provider's operator creates its pool, later and elsewhere
    await kube.apply(
        {
            "apiVersion": POOL[0],
            "kind": POOL[1],
            "metadata": {"name": "dyn-pool", "namespace": "pools"},
            "spec": {
                "selector": {"matchLabels": {"app": "dyn"}},
                "targetPorts": [{"number": 8000}],
                "endpointPickerRef": {"name": "dyn-epp", "port": {"number": 9002}},
            },
        }
    )
    await _gateway_ready(kube, "dyn", "GatewayConfigured")
    pool = await kube.get(*POOL, "dyn-pool", "pools")
    grant = await kube.get(
        "gateway.networking.k8s.io/v1beta1", "ReferenceGrant", "dyn-pool-referencegrant", "pools"
    )
    assert grant["metadata"]["ownerReferences"][0]["uid"] == pool["metadata"]["uid"]
    assert grant["spec"]["from"] == [
        {"group": "gateway.networking.k8s.io", "kind": "HTTPRoute", "namespace": NS}
    ]
    route = await kube.get(*ROUTE, "dyn", NS)
    backend = route["spec"]["rules"][0]["backendRefs"][0]
    assert (backend["name"], backend["namespace"]) == ("dyn-pool", "pools")
    # no pool and no endpoint picker of the core's own for a provider-managed pool
    assert await _absent(kube, *POOL, "dyn")
    assert await _absent(kube, "apps/v1", "Deployment", "dyn-epp")


async def test_a_route_deleted_by_a_user_is_not_recreated(stack: Stack) -> None:
    kube = stack.kube
    obj = await _gateway_ready(kube, "explicit", "GatewayConfigured")
    assert obj["metadata"]["annotations"]["airunway.ai/httproute-created"] == "true"
    await kube.delete(*ROUTE, "explicit", NS)
    # a spec change makes the controller reconcile (and re-render) everything else
    body = md(
        "explicit",
        NS,
        provider={"name": "vllm"},
        engine={"type": "vllm", "image": IMAGE},
        resources={"gpu": {"count": 1}},
        gateway={"enabled": True, "modelName": "renamed"},
    )
    await kube.apply(body)
    generation = (await kube.get(MD_API, MD_KIND, "explicit", NS))["metadata"]["generation"]
    await wait_status(
        kube,
        "explicit",
        NS,
        "the new generation reconciled",
        lambda o: (
            (o["status"].get("gateway") or {}).get("modelName") == "renamed"
            and o["status"].get("observedGeneration") == generation
        ),
        60,
    )
    assert await _absent(kube, *ROUTE, "explicit")
    assert not await _absent(kube, *POOL, "explicit")


async def test_drift_of_a_route_is_corrected(stack: Stack) -> None:
    kube = stack.kube
    await _gateway_ready(kube, "alpha", "GatewayConfigured")
    intruder = stack.cluster.connect("someone-else")
    try:
        route = await intruder.get(*ROUTE, "alpha", NS)
        route["spec"]["rules"][0]["matches"][0]["headers"][0]["value"] = "hijacked"
        await intruder.replace(route)
    finally:
        await intruder.close()

    async def restored() -> bool:
        route = await kube.get(*ROUTE, "alpha", NS)
        return bool(route["spec"]["rules"][0]["matches"][0]["headers"][0]["value"] == "alpha")

    await wait_for(restored, timeout=30, what="the controller to restore the route's match")


async def test_disabling_the_gateway_removes_its_objects(stack: Stack) -> None:
    kube = stack.kube
    await kube.apply(
        md(
            "alpha",
            NS,
            provider={"name": "vllm"},
            engine={"type": "vllm", "image": IMAGE},
            resources={"gpu": {"count": 1}},
            model={"id": "Qwen/Qwen3-0.6B", "servedName": "alpha"},
            gateway={"enabled": False},
        )
    )
    obj = await _gateway_ready(kube, "alpha", "GatewayDisabled")
    assert "gateway" not in obj["status"]

    async def removed() -> bool:
        kinds = [POOL, ROUTE, ("apps/v1", "Deployment"), ("v1", "Service")]
        names = ["alpha", "alpha", "alpha-epp", "alpha-epp"]
        return all([await _absent(kube, *k, n) for k, n in zip(kinds, names, strict=True)])

    await wait_for(removed, timeout=30, what="alpha's pool, route and EPP to be deleted")


async def test_deleting_a_deployment_garbage_collects_its_gateway_objects(stack: Stack) -> None:
    kube = stack.kube
    await _gateway_ready(kube, "beta", "GatewayConfigured")
    await kube.delete(MD_API, MD_KIND, "beta", NS)

    async def collected() -> bool:
        return (
            await _absent(kube, MD_API, MD_KIND, "beta")
            and await _absent(kube, *POOL, "beta")
            and await _absent(kube, *ROUTE, "beta")
            and await _absent(kube, "apps/v1", "Deployment", "beta-epp")
        )

    await wait_for(collected, timeout=60, what="beta and its gateway objects to be deleted")


async def test_the_gateway_stops_admitting_a_namespace_without_gateway_deployments(
    stack: Stack,
) -> None:
    kube = stack.kube
    gateway_api = "gateway.networking.k8s.io/v1"
    # alpha (gateway disabled) stays; the last ones that use the gateway go
    for name in ("early", "explicit", "dyn"):
        await kube.delete(MD_API, MD_KIND, name, NS)

    async def released() -> bool:
        gateway = await kube.get(gateway_api, "Gateway", GW, GW_NS)
        namespaces = gateway["spec"]["listeners"][0]["allowedRoutes"]["namespaces"]
        return bool(namespaces == {"from": "Same"})

    await wait_for(released, timeout=60, what=f"the Gateway to stop admitting {NS}")
