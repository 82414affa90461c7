"""The backend over N ModelDeployments for ``bench/web/bench.ts``; runs until stdin closes.

A side dev cluster of its own (profile "minimal", only AI Runway's CRDs), N ModelDeployments
created directly (no controller: the page's cost is what is measured, not reconciliation), and
the backend as a real process under its generated RBAC, serving the built UI.  Writes
``{"baseUrl", "n"}`` as JSON to ``--info`` and prints "stack ready".

Usage: python bench/web/stack.py --info FILE [--n 1000]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import signal
import sys
import uuid
from pathlib import Path
from typing import Any

from airunway.devcluster.cluster import DevCluster
from airunway.devcluster.ports import free_ports
from airunway.devcluster.services import service_account_kubeconfig, start_backend
from airunway.kube.client import Kube
from airunway.kube.errors import TooManyRequestsError
from airunway.kube.wait import wait_for

API = "airunway.ai/v1alpha1"
NAMESPACES = 10


def _md(i: int, namespace: str) -> dict[str, Any]:
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


async def _create(kube: Kube, n: int) -> None:
    names = [f"bench-web-{j}" for j in range(NAMESPACES)]
    for ns in names:
        await kube.apply({"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": ns}})

    async def listable() -> bool:
        try:
            await kube.list(API, "ModelDeployment", names[0])
        except TooManyRequestsError:
            return False
        return True

    await wait_for(listable, timeout=60, what="the ModelDeployment storage")
    semaphore = asyncio.Semaphore(32)

    async def one(i: int) -> None:
        async with semaphore:
            await kube.create(_md(i, names[i % NAMESPACES]))

    await asyncio.gather(*(one(i) for i in range(n)))


async def main(info: Path, n: int) -> None:
    """Start everything, report where, wait for stdin to close, stop everything."""
    name = f"bench-web-{uuid.uuid4().hex[:6]}"
    cluster = DevCluster(name, profile="minimal", crd_dirs=[DevCluster(name).settings.project_crds])
    stop = asyncio.Event()

    def stdin_closed() -> None:
        if not sys.stdin.read(1):
            stop.set()

    loop = asyncio.get_running_loop()
    loop.add_reader(sys.stdin.fileno(), stdin_closed)
    for sig in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(sig, stop.set)
    try:
        await cluster.up()
        kube = cluster.connect("bench-web")
        try:
            await _create(kube, n)
        finally:
            await kube.close()
        rbac = cluster.settings.project_crds.parent / "rbac" / "backend.yaml"
        kubeconfig = await service_account_kubeconfig(cluster, rbac, "backend-sa")
        port = free_ports(1)[0]
        await start_backend(cluster, kubeconfig=kubeconfig, port=port)
        body = json.dumps({"baseUrl": f"http://127.0.0.1:{port}", "n": n})
        await asyncio.to_thread(info.write_text, body)
        print(f"stack ready: {n} ModelDeployments", flush=True)
        await stop.wait()
    finally:
        cluster.down()


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--info", type=Path, required=True, help="where to write the JSON")
    parser.add_argument("--n", type=int, default=1000, help="ModelDeployments to create")
    args = parser.parse_args()
    asyncio.run(main(args.info, args.n))
