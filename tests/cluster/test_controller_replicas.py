"""Leader election and crash recovery, on a cluster of their own.

These tests start and kill controller replicas, so they get a separate small cluster (only our
CRDs, minimal nodes) instead of disturbing the run's shared controller.
"""

from __future__ import annotations

import os
import signal
import uuid
from collections.abc import AsyncIterator
from typing import Any

import httpx
import pytest

from airunway.devcluster.cluster import DevCluster
from airunway.devcluster.services import ControllerProcess, start_controller
from airunway.kube.client import Kube
from airunway.kube.errors import NotFoundError
from airunway.kube.wait import wait_for
from tests.support.md import engine, ipc, md, register_ready, wait_status

pytestmark = pytest.mark.cluster
FAST_LEASE = {
    "AIRUNWAY_CONTROLLER_LEASE_DURATION": "4",
    "AIRUNWAY_CONTROLLER_RENEW_DEADLINE": "3",
    "AIRUNWAY_CONTROLLER_RETRY_PERIOD": "0.5",
}


@pytest.fixture(scope="module")
async def side() -> AsyncIterator[DevCluster]:
    settings_cluster = DevCluster(f"replicas-{uuid.uuid4().hex[:6]}", profile="minimal")
    cluster = DevCluster(
        settings_cluster.name,
        profile="minimal",
        crd_dirs=[settings_cluster.settings.project_crds],
    )
    try:
        await cluster.up()
        kube = cluster.connect()
        try:
            await kube.apply(
                {"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": "airunway-system"}}
            )
            await kube.apply(
                {"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": "work"}}
            )
            await register_ready(kube, ipc("solo", [engine("vllm")]))
        finally:
            await kube.close()
        yield cluster
    finally:
        cluster.down()


async def _holder(kube: Kube) -> str:
    """Who holds the Lease; "" before the first replica has created it."""
    try:
        lease = await kube.get(
            "coordination.k8s.io/v1", "Lease", "2038fe6a.airunway.ai", "airunway-system"
        )
    except NotFoundError:
        return ""
    return str(lease["spec"].get("holderIdentity") or "")


async def _reconciles(controller: ControllerProcess) -> float:
    async with httpx.AsyncClient(trust_env=False) as client:
        text = (await client.get(f"http://127.0.0.1:{controller.metrics_port}/metrics")).text
    total = 0.0
    for line in text.splitlines():
        if line.startswith("airunway_reconciliation_duration_seconds_count"):
            total += float(line.rsplit(" ", 1)[1])
    return total


def _provider(obj: dict[str, Any]) -> bool:
    return bool(((obj.get("status") or {}).get("provider") or {}).get("name"))


async def test_only_the_leader_reconciles_and_a_follower_takes_over(side: DevCluster) -> None:
    first = await start_controller(side, identity="replica-a", extra_env=FAST_LEASE)
    kube = side.connect("tests")
    try:
        await wait_for(lambda: _is(kube, "replica-a"), timeout=30, what="replica-a to lead")
        second = await start_controller(side, identity="replica-b", extra_env=FAST_LEASE)
        await kube.apply(md("before", "work", resources={"gpu": {"count": 1}}))
        await wait_status(kube, "before", "work", "provider", _provider)
        assert await _reconciles(first) > 0
        assert await _reconciles(second) == 0  # the follower never reconciled
        assert await _holder(kube) == "replica-a"

        os.kill(first.record.pid, signal.SIGKILL)
        await wait_for(lambda: _is(kube, "replica-b"), timeout=30, what="replica-b to take over")
        await kube.apply(md("after", "work", resources={"gpu": {"count": 1}}))
        obj = await wait_status(kube, "after", "work", "provider", _provider)
        assert obj["status"]["provider"]["name"] == "solo"
        assert await _reconciles(second) > 0
        second.stop()
    finally:
        await kube.close()


async def _is(kube: Kube, identity: str) -> bool:
    return await _holder(kube) == identity


async def test_killed_mid_reconcile_converges_without_duplicates(side: DevCluster) -> None:
    kube = side.connect("tests")
    try:
        first = await start_controller(side, identity="crashy", extra_env=FAST_LEASE)
        names = [f"burst-{i}" for i in range(20)]
        for name in names:
            await kube.apply(md(name, "work", resources={"gpu": {"count": 1}}))
        os.kill(first.record.pid, signal.SIGKILL)
        await start_controller(side, identity="recovered", extra_env=FAST_LEASE)
        for name in names:
            obj = await wait_status(kube, name, "work", "provider", _provider, timeout=60)
            types = [c["type"] for c in obj["status"]["conditions"]]
            assert len(types) == len(set(types)), f"{name}: duplicated conditions {types}"
            assert obj["status"]["observedGeneration"] == obj["metadata"]["generation"]
        events = await kube.list("v1", "Event", "work")
        for name in names:
            selected = [
                e
                for e in events
                if e["involvedObject"]["name"] == name
                and e["reason"] == "AutoSelected"
                and "Provider " in e["message"]
            ]
            assert len(selected) <= 1, f"{name}: {len(selected)} ProviderSelected events"
    finally:
        await kube.close()
