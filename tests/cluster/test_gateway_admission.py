"""A Gateway that does not admit the ModelDeployment's namespace, with listener patching off.

A cluster of its own (the controller runs with ``patch_gateway_allowed_routes=false`` and an
explicit Gateway), with the real Gateway API and Inference Extension CRDs and the gateway
SIMULATOR in-process writing the statuses a Gateway implementation writes.  The test plays the
serving provider: it registers a provider config and reports the deployment Running.
"""

from __future__ import annotations

import asyncio
import contextlib
import functools
import uuid
from collections.abc import AsyncIterator
from typing import Any

import pytest

from airunway.devcluster.cluster import DevCluster
from airunway.kube.wait import wait_for
from airunway.sim.gateway import CLASS_NAME, GatewaySimulator, upstream_objects
from airunway.sim.gateway_status import address
from airunway.sim.settings import SimSettings
from tests.support.md import (
    MD_API,
    MD_KIND,
    condition,
    engine,
    ipc,
    md,
    register_ready,
    wait_status,
)
from tests.support.stack import Stack, cluster_stack, controller

pytestmark = pytest.mark.cluster
GATEWAY_API = "gateway.networking.k8s.io/v1"
EDGE, TEAM = "edge", "team"


@pytest.fixture(scope="module")
async def stack() -> AsyncIterator[Stack]:
    name = f"gwa-{uuid.uuid4().hex[:6]}"
    settings = DevCluster(name).settings
    upstream = settings.upstream_crds
    crds = [upstream / "gateway-api", upstream / "gateway-api-inference-extension"]
    cluster = DevCluster(name, profile="minimal", crd_dirs=[*crds, settings.project_crds])
    env = {
        "AIRUNWAY_CONTROLLER_GATEWAY_NAME": "gw",
        "AIRUNWAY_CONTROLLER_GATEWAY_NAMESPACE": EDGE,
        "AIRUNWAY_CONTROLLER_PATCH_GATEWAY_ALLOWED_ROUTES": "false",
    }
    start = functools.partial(controller, controller_env=env)
    async with cluster_stack(cluster, start, "gateway-admission-tests", ()) as stack:
        sim_settings = SimSettings(
            kubeconfig=cluster.kubeconfig,
            install_upstream=False,
            field_manager="airunway-sim-gateway",
        )
        sim_kube = cluster.connect(sim_settings.field_manager)
        simulator = asyncio.create_task(GatewaySimulator(sim_kube, sim_settings).run())
        try:
            yield stack
        finally:
            simulator.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await simulator
            await sim_kube.close()


def _gateway(allowed: dict[str, Any] | None) -> dict[str, Any]:
    listener: dict[str, Any] = {"name": "http", "port": 80, "protocol": "HTTP"}
    if allowed is not None:
        listener["allowedRoutes"] = {"namespaces": allowed}
    return {
        "apiVersion": GATEWAY_API,
        "kind": "Gateway",
        "metadata": {"name": "gw", "namespace": EDGE},
        "spec": {"gatewayClassName": CLASS_NAME, "listeners": [listener]},
    }


async def test_a_namespace_the_gateway_does_not_admit_is_named_then_fixed(stack: Stack) -> None:
    kube = stack.kube
    for namespace in (EDGE, TEAM):
        await kube.apply({"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": namespace}})
    gateway_class = next(o for o in upstream_objects() if o["kind"] == "GatewayClass")
    await kube.apply(gateway_class)
    await kube.apply(_gateway(None))  # from: Same (the default)
    await register_ready(kube, ipc("shim", [engine("vllm")]))
    await kube.apply(
        md(
            "m",
            TEAM,
            provider={"name": "shim"},
            engine={"type": "vllm"},
            resources={"gpu": {"count": 1}},
        )
    )
    await wait_status(kube, "m", TEAM, "provider", lambda o: "provider" in (o.get("status") or {}))
    shim = stack.cluster.connect("shim-provider")
    try:
        await shim.apply_status(
            {
                "apiVersion": MD_API,
                "kind": MD_KIND,
                "metadata": {"name": "m", "namespace": TEAM},
                "status": {"phase": "Running", "endpoint": {"service": "m", "port": 8000}},
            }
        )
    finally:
        await shim.close()

    def reason_is(reason: str) -> Any:
        def check(obj: dict[str, Any]) -> bool:
            ready = condition(obj, "GatewayReady")
            return ready is not None and ready["reason"] == reason

        return check

    obj = await wait_status(kube, "m", TEAM, "RouteNotAllowed", reason_is("RouteNotAllowed"), 60)
    ready = condition(obj, "GatewayReady")
    assert ready is not None
    assert ready["status"] == "False"
    assert ready["message"] == (
        f"Gateway {EDGE}/gw does not allow HTTPRoutes from namespace {TEAM} "
        "(spec.listeners[].allowedRoutes)"
    )
    # the Gateway's owner admits the namespace; the watch on Gateways brings the route
    await kube.apply(_gateway({"from": "All"}), force=True)
    obj = await wait_status(kube, "m", TEAM, "configured", reason_is("GatewayConfigured"), 60)
    gateway = await kube.get(GATEWAY_API, "Gateway", "gw", EDGE)

    async def programmed() -> bool:
        nonlocal gateway
        gateway = await kube.get(GATEWAY_API, "Gateway", "gw", EDGE)
        status = gateway.get("status") or {}
        return bool(status.get("addresses")) and bool(
            (condition(gateway, "Programmed") or {}).get("status") == "True"
        )

    await wait_for(programmed, timeout=30, what="the simulated Gateway to be Programmed")
    obj = await wait_status(
        kube,
        "m",
        TEAM,
        "the Gateway address",
        lambda o: (o["status"].get("gateway") or {}).get("endpoint") == address(gateway),
        30,
    )

    async def route_attached() -> bool:
        route = await kube.get(GATEWAY_API, "HTTPRoute", "m", TEAM)
        parents = (route.get("status") or {}).get("parents") or []
        conditions = {c["type"]: c["status"] for c in (parents[0]["conditions"] if parents else [])}
        return conditions == {"Accepted": "True", "ResolvedRefs": "True"}

    await wait_for(route_attached, timeout=30, what="the simulated Gateway to accept the route")
