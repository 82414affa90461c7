"""Fixtures for tests on the real control plane: the cluster, admin client, namespaces."""

from __future__ import annotations

import asyncio
import fcntl
import uuid
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

import pytest

from airunway.devcluster.cluster import DevCluster
from airunway.devcluster.errors import DevClusterError
from airunway.devcluster.services import (
    ControllerProcess,
    service_account_kubeconfig,
    start_controller,
)
from airunway.kube.client import Kube


@pytest.fixture(scope="session")
def cluster(cluster_name: str) -> DevCluster:
    """The run's control plane, started by whichever worker needs it first."""
    c = DevCluster(cluster_name)
    with _locked(c) as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        try:
            if not c.status().healthy:
                asyncio.run(c.up())
        except DevClusterError as exc:
            pytest.fail(f"the control plane could not start: {exc}", pytrace=False)
        finally:
            fcntl.flock(lock, fcntl.LOCK_UN)
    return c


MAIN_CONTROLLER = "controller-main"


def _locked(cluster: DevCluster) -> Any:
    cluster.settings.clusters_dir.mkdir(parents=True, exist_ok=True)
    return (cluster.settings.clusters_dir / f"{cluster.name}.lock").open("w")


async def _start_main_controller(cluster: DevCluster) -> ControllerProcess:
    """The run's controller, as a real process under the generated least-privilege RBAC."""
    rbac_file = cluster.settings.project_crds.parent / "rbac" / "controller.yaml"
    kubeconfig = await service_account_kubeconfig(cluster, rbac_file, "controller-sa")
    return await start_controller(cluster, kubeconfig=kubeconfig, identity=MAIN_CONTROLLER)


@pytest.fixture(scope="session")
def controller(cluster: DevCluster) -> ControllerProcess:
    """The run's core controller (webhook registered), started once, shared by all workers."""
    with _locked(cluster) as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        record = next(
            (r for r in cluster.records() if r.name == MAIN_CONTROLLER and r.alive()), None
        )
        if record is not None:
            webhook, health, metrics = record.ports
            return ControllerProcess(record, webhook, health, metrics, MAIN_CONTROLLER)
        try:
            return asyncio.run(_start_main_controller(cluster))
        except DevClusterError as exc:
            pytest.fail(f"the controller could not start: {exc}", pytrace=False)


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


@asynccontextmanager
async def crds_only_cluster(prefix: str, namespace: str) -> AsyncIterator[Kube]:
    """A cluster of its own with only our CRDs (no webhook, no controller) and one namespace.

    For tests of what the CRD alone (schema and CEL) accepts: the API's safety net when the
    webhook is down.
    """
    name = f"{prefix}-{uuid.uuid4().hex[:6]}"
    cluster = DevCluster(name, profile="minimal", crd_dirs=[DevCluster(name).settings.project_crds])
    try:
        await cluster.up()
        kube = cluster.connect("airunway-tests")
        try:
            await kube.apply(
                {"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": namespace}}
            )
            yield kube
        finally:
            await kube.close()
    finally:
        cluster.down()
