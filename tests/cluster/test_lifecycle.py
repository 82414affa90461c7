"""A second cluster beside the first: status, dead components, stale state, clean teardown."""

from __future__ import annotations

import os
import signal
import uuid

import pytest

from airunway.devcluster.cluster import DevCluster
from airunway.devcluster.ports import is_listening
from airunway.kube.wait import wait_for

pytestmark = pytest.mark.cluster


async def test_second_cluster_side_by_side_survives_kill_and_leaves_nothing(
    cluster: DevCluster,
) -> None:
    other = DevCluster(f"side-{uuid.uuid4().hex[:6]}", profile="minimal", crd_dirs=[])
    try:
        status = await other.up()
        assert status.healthy
        assert status.server != cluster.server
        assert cluster.status().healthy

        # a component that dies is named by status, with its log path
        kwok = next(r for r in other.records() if r.name == "kwok")
        os.kill(kwok.pid, signal.SIGKILL)

        async def kwok_dead() -> bool:
            return not kwok.alive()

        await wait_for(kwok_dead, timeout=10, what="kwok to exit")
        degraded = other.status()
        assert not degraded.healthy
        dead = [c for c in degraded.components if not c.running]
        assert [c.name for c in dead] == ["kwok"]
        assert dead[0].log.endswith("kwok.log")

        # a killed run leaves state behind: the next up cleans it up and starts fresh
        stale = other.records()
        again = DevCluster(other.name, profile="minimal", crd_dirs=[])
        assert (await again.up()).healthy
        assert not any(r.alive() for r in stale)
    finally:
        final = other.records()
        other.down()
    assert not any(r.alive() for r in final + stale)
    assert not [p for r in final + stale for p in r.ports if is_listening(p)]
    assert not other.dir.exists()
    assert cluster.status().healthy
