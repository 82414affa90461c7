"""Benchmark the REST backend's deployment list under concurrent load.

Issue 7 item 7.  On a side dev cluster of its own (profile "minimal", only AI Runway's CRDs; all
traffic on 127.0.0.1) it creates N ModelDeployments (default 1,000), starts the backend as a
real process under its generated RBAC, and lets C concurrent clients (default 50) call
``GET /api/deployments`` (every namespace, the UI's default view) for D seconds (default 30).
It prints p50/p99 latency, requests per second and the backend's RSS before and after.
Goal: p99 <= 100 ms.

Usage: python bench/backend/bench.py [--n 1000] [--clients 50] [--duration 30] [--namespaces 10]
       [--keep]
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import time
import uuid
from typing import Any

import httpx
import psutil

from airunway.devcluster.cluster import DevCluster
from airunway.devcluster.ports import free_ports
from airunway.devcluster.services import service_account_kubeconfig, start_backend
from airunway.kube.client import Kube
from airunway.kube.errors import TooManyRequestsError
from airunway.kube.wait import wait_for

API = "airunway.ai/v1alpha1"
MIB = 1024 * 1024


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


async def _create(kube: Kube, n: int, namespaces: int) -> float:
    names = [f"bench-{j}" for j in range(namespaces)]
    for ns in names:
        await kube.apply({"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": ns}})

    async def listable() -> bool:
        try:
            await kube.list(API, "ModelDeployment", names[0])
        except TooManyRequestsError:
            return False
        return True

    await wait_for(listable, timeout=60, what="the ModelDeployment storage")
    started = time.perf_counter()
    semaphore = asyncio.Semaphore(32)

    async def one(i: int) -> None:
        async with semaphore:
            await kube.create(_md(i, names[i % namespaces]))

    await asyncio.gather(*(one(i) for i in range(n)))
    return time.perf_counter() - started


async def _load(url: str, clients: int, duration: float) -> tuple[list[float], int]:
    latencies: list[float] = []
    errors = 0
    deadline = time.perf_counter() + duration

    async def client() -> None:
        nonlocal errors
        async with httpx.AsyncClient(base_url=url, timeout=30, trust_env=False) as http:
            while time.perf_counter() < deadline:
                t0 = time.perf_counter()
                response = await http.get("/api/deployments")
                latencies.append(time.perf_counter() - t0)
                if response.status_code != 200:
                    errors += 1

    await asyncio.gather(*(client() for _ in range(clients)))
    return latencies, errors


def _pct(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(p * len(ordered)))] * 1000


async def main(args: argparse.Namespace) -> None:
    """Create the objects, start the backend, load it, print the figures."""
    name = f"bench-backend-{uuid.uuid4().hex[:6]}"
    cluster = DevCluster(name, profile="minimal", crd_dirs=[DevCluster(name).settings.project_crds])
    try:
        await cluster.up()
        kube = cluster.connect("bench")
        try:
            seconds = await _create(kube, args.n, args.namespaces)
        finally:
            await kube.close()
        print(
            f"created {args.n} ModelDeployments in {args.namespaces} namespaces in {seconds:.1f}s"
        )
        rbac = cluster.settings.project_crds.parent / "rbac" / "backend.yaml"
        kubeconfig = await service_account_kubeconfig(cluster, rbac, "backend-sa")
        port = free_ports(1)[0]
        backend = await start_backend(cluster, kubeconfig=kubeconfig, port=port)
        proc = psutil.Process(backend.record.pid)
        url = f"http://127.0.0.1:{port}"
        async with httpx.AsyncClient(base_url=url, timeout=60, trust_env=False) as http:
            first = await http.get("/api/deployments")
            total = first.json()["pagination"]["total"]
        rss_idle = proc.memory_info().rss / MIB
        print(f"backend up on {url}; first list: {total} deployments; RSS {rss_idle:.0f} MiB")
        await _load(url, min(args.clients, 5), 2.0)  # warm-up
        latencies, errors = await _load(url, args.clients, args.duration)
        rss_after = proc.memory_info().rss / MIB
        print(f"\nGET /api/deployments, {args.clients} clients, {args.duration:.0f}s, N={args.n}")
        print(f"  requests      {len(latencies)} ({errors} non-200)")
        print(f"  req/s         {len(latencies) / args.duration:.1f}")
        print(f"  p50           {_pct(latencies, 0.50):.1f} ms")
        print(f"  p99           {_pct(latencies, 0.99):.1f} ms  (goal <= 100 ms)")
        print(f"  mean          {statistics.fmean(latencies) * 1000:.1f} ms")
        print(f"  backend RSS   {rss_idle:.0f} MiB idle, {rss_after:.0f} MiB after the load")
    finally:
        if args.keep:
            print(f"kept cluster {name}: airunway dev cluster down --name {name}")
        else:
            cluster.down()


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--n", type=int, default=1000, help="ModelDeployments to create")
    parser.add_argument("--namespaces", type=int, default=10, help="spread over this many")
    parser.add_argument("--clients", type=int, default=50, help="concurrent clients")
    parser.add_argument("--duration", type=float, default=30.0, help="seconds of load")
    parser.add_argument("--keep", action="store_true", help="keep the side cluster")
    asyncio.run(main(parser.parse_args()))
