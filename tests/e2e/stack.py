"""The real stack the browser tests drive: a dev cluster with the playground's services.

Started by ``tests/e2e/run.ts`` (``python -m tests.e2e.stack --info FILE``): a control plane
of its own, the core controller, the KAITO and Direct vLLM providers with the simulated KAITO
operator and the stand-in registry, the backend (auth off, serving ``web/dist``), and a second
backend with auth on, both under the backend's generated RBAC.  Two real ServiceAccount tokens
are issued for the auth tests: one allowed to manage ModelDeployments in the test namespace,
one with no rights at all.  The addresses and tokens are written as JSON to ``FILE``; the stack
runs until this process gets SIGTERM/SIGINT or its stdin closes, then everything is stopped.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import signal
import sys
import uuid
from pathlib import Path

import httpx

from airunway.devcluster import process
from airunway.devcluster.cluster import DevCluster
from airunway.devcluster.errors import StartError
from airunway.devcluster.ports import free_ports
from airunway.devcluster.services import AIRUNWAY, start_playground_services
from airunway.kube.client import Kube
from airunway.kube.tokens import create_token
from airunway.kube.wait import WaitTimeoutError, wait_for
from tests.support.backend import user_with_role

NAMESPACE = "web-e2e"
DEPLOYER_RULES = [
    {
        "apiGroups": ["airunway.ai"],
        "resources": ["modeldeployments"],
        "verbs": ["get", "list", "watch", "create", "delete"],
    }
]


async def _start_auth_backend(cluster: DevCluster, port: int) -> None:
    """A second backend with auth on, under the same ServiceAccount kubeconfig (token based)."""
    log = cluster.dir / "logs" / "backend-auth.log"
    args = [
        *AIRUNWAY,
        "backend",
        "run",
        f"--kubeconfig={cluster.dir / 'backend-sa.kubeconfig'}",
        f"--port={port}",
        "--auth",
    ]
    record = process.start("backend-auth", args, log, (port,))
    cluster.add_record(record)

    async def ready() -> bool:
        if not record.alive():
            raise StartError(f"backend-auth exited during start-up; log: {log}", str(log))
        try:
            async with httpx.AsyncClient(timeout=1.0, trust_env=False) as client:
                r = await client.get(f"http://127.0.0.1:{port}/api/health")
        except httpx.TransportError:
            return False
        return r.status_code == 200

    try:
        await wait_for(ready, timeout=60, what="the auth backend to answer /api/health")
    except WaitTimeoutError as exc:
        raise StartError(f"{exc}; log: {log}", str(log)) from exc


async def _users(kube: Kube) -> dict[str, str]:
    await kube.apply({"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": NAMESPACE}})
    deployer = await user_with_role(kube, NAMESPACE, "web-deployer", DEPLOYER_RULES)
    await kube.apply(
        {
            "apiVersion": "v1",
            "kind": "ServiceAccount",
            "metadata": {"name": "web-nobody", "namespace": NAMESPACE},
        }
    )
    nobody = await create_token(kube, NAMESPACE, "web-nobody")
    return {"deployerToken": deployer, "nobodyToken": nobody}


async def _wait_for_runtimes(base: str) -> None:
    """The providers register asynchronously; the form needs both to be listed and ready."""

    async def listed() -> bool:
        async with httpx.AsyncClient(base_url=base, trust_env=False, timeout=5) as client:
            body = (await client.get("/api/runtimes/status")).json()
        ready = {r["id"] for r in body["runtimes"] if r["installed"] and r["healthy"]}
        return ready >= {"kaito", "vllm"}

    await wait_for(listed, timeout=90, what="the kaito and vllm runtimes to be ready")


async def main(info: Path) -> None:
    name = f"web-e2e-{uuid.uuid4().hex[:6]}"
    settings = DevCluster(name).settings
    cluster = DevCluster(name, crd_dirs=[settings.upstream_crds / "kaito", settings.project_crds])
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(sig, stop.set)

    def stdin_closed() -> None:
        if not sys.stdin.read(1):
            stop.set()

    loop.add_reader(sys.stdin.fileno(), stdin_closed)
    try:
        await cluster.up()
        backend_port, auth_port = free_ports(2)
        await start_playground_services(
            cluster, heartbeat_interval=5.0, sim_ready_delay=1.0, backend_port=backend_port
        )
        await _start_auth_backend(cluster, auth_port)
        kube = cluster.connect("web-e2e")
        try:
            users = await _users(kube)
        finally:
            await kube.close()
        base = f"http://127.0.0.1:{backend_port}"
        await _wait_for_runtimes(base)
        body = {
            "cluster": name,
            "kubeconfig": str(cluster.kubeconfig),
            "logs": str(cluster.dir / "logs"),
            "baseUrl": base,
            "authBaseUrl": f"http://127.0.0.1:{auth_port}",
            "namespace": NAMESPACE,
            **users,
        }
        await asyncio.to_thread(info.write_text, json.dumps(body, indent=2))
        print("stack ready", flush=True)  # noqa: T201 - the runner reads this line
        await stop.wait()
    finally:
        cluster.down()


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--info", type=Path, required=True, help="Where to write the JSON.")
    asyncio.run(main(parser.parse_args().info))
