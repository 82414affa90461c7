"""The backend over N ModelDeployments on a side cluster: what the backend and web benchmarks share.

A dev cluster of its own (profile "minimal", only AI Runway's CRDs), N ModelDeployments created
directly (no controller: what is measured is the backend's cost, not reconciliation), and the
backend as a real process under its generated RBAC.  Everything listens on 127.0.0.1.
"""

from __future__ import annotations

import asyncio
import contextlib
import uuid
from collections.abc import AsyncIterator
from dataclasses import dataclass
from typing import Any

from airunway.devcluster.cluster import DevCluster
from airunway.devcluster.ports import free_ports
from airunway.devcluster.services import service_account_kubeconfig, start_backend
from airunway.kube.client import Kube
from airunway.kube.errors import TooManyRequestsError
from airunway.kube.wait import wait_for

API = "airunway.ai/v1alpha1"


@dataclass(frozen=True)
class BackendStack:
    """Where the backend listens, and its process id (for RSS and CPU figures)."""

    cluster: DevCluster
    url: str
    pid: int


def model_deployment(i: int, namespace: str) -> dict[str, Any]:
    """The ``i``-th ModelDeployment of the fleet: one GPU, vLLM, a small model."""
    return {
        "apiVersion": API,
        "kind": "ModelDeployment",
        "metadata": {"name": f"md-{i:05d}", "namespace": namespace},
        "spec": {
            "model": {"id": "Qwen/Qwen3-0.6B"},
            "engine": {"type": "vllm"},
            "resources": {"gpu": {"count": 1}},
        },
    }


async def create_fleet(kube: Kube, n: int, namespaces: list[str], concurrency: int = 32) -> None:
    """Create ``n`` ModelDeployments spread over ``namespaces`` (created first)."""
    for ns in namespaces:
        await kube.apply({"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": ns}})

    async def listable() -> bool:
        try:
            await kube.list(API, "ModelDeployment", namespaces[0])
        except TooManyRequestsError:
            return False
        return True

    await wait_for(listable, timeout=60, what="the ModelDeployment storage")
    semaphore = asyncio.Semaphore(concurrency)

    async def one(i: int) -> None:
        async with semaphore:
            await kube.create(model_deployment(i, namespaces[i % len(namespaces)]))

    await asyncio.gather(*(one(i) for i in range(n)))


@contextlib.asynccontextmanager
async def backend_stack(
    prefix: str, n: int, namespaces: int, *, keep: bool = False
) -> AsyncIterator[BackendStack]:
    """A side cluster holding ``n`` ModelDeployments, and the backend serving it; then teardown."""
    name = f"{prefix}-{uuid.uuid4().hex[:6]}"
    cluster = DevCluster(name, profile="minimal", crd_dirs=[DevCluster(name).settings.project_crds])
    try:
        await cluster.up()
        kube = cluster.connect(prefix)
        try:
            await create_fleet(kube, n, [f"{prefix}-{j}" for j in range(namespaces)])
        finally:
            await kube.close()
        rbac = cluster.settings.project_crds.parent / "rbac" / "backend.yaml"
        kubeconfig = await service_account_kubeconfig(cluster, rbac, "backend-sa")
        port = free_ports(1)[0]
        backend = await start_backend(cluster, kubeconfig=kubeconfig, port=port)
        yield BackendStack(cluster, f"http://127.0.0.1:{port}", backend.record.pid)
    finally:
        if keep:
            print(f"kept cluster {name}: airunway dev cluster down --name {name}")
        else:
            cluster.down()
