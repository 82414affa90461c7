"""Fixtures for tests on the real control plane: the cluster, admin client, namespaces."""

from __future__ import annotations

import asyncio
import fcntl
import uuid
from collections.abc import AsyncIterator

import pytest

from airunway.devcluster.cluster import DevCluster
from airunway.devcluster.errors import DevClusterError
from airunway.kube.client import Kube


@pytest.fixture(scope="session")
def cluster(cluster_name: str) -> DevCluster:
    """The run's control plane, started by whichever worker needs it first."""
    c = DevCluster(cluster_name)
    c.settings.clusters_dir.mkdir(parents=True, exist_ok=True)
    lock_path = c.settings.clusters_dir / f"{cluster_name}.lock"
    with lock_path.open("w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        try:
            if not c.status().healthy:
                asyncio.run(c.up())
        except DevClusterError as exc:
            pytest.fail(f"the control plane could not start: {exc}", pytrace=False)
        finally:
            fcntl.flock(lock, fcntl.LOCK_UN)
    return c


@pytest.fixture(scope="session")
async def kube(cluster: DevCluster) -> AsyncIterator[Kube]:
    """Admin client (``system:masters``) with the tests' field manager."""
    client = cluster.connect("airunway-tests")
    yield client
    await client.close()


@pytest.fixture
async def namespace(kube: Kube) -> AsyncIterator[str]:
    """A fresh namespace per test, deleted afterwards."""
    name = f"t-{uuid.uuid4().hex[:10]}"
    await kube.apply({"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": name}})
    yield name
    await kube.delete("v1", "Namespace", name)
