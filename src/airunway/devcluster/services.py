"""Start AI Runway's own processes next to a dev cluster, as the playground and tests do.

The controller today; providers and the backend later.  They are started as real processes of
the ``airunway`` command, with their own logs, and recorded like the control-plane components,
so ``status`` shows them and ``down`` stops them.
The webhook server gets a serving certificate from the cluster CA and registers itself by URL,
since the dev cluster has no Service routing to reach it.
"""

from __future__ import annotations

import asyncio
import json
import sys
import uuid
from dataclasses import dataclass
from pathlib import Path

import httpx
import yaml

from airunway.devcluster import process
from airunway.devcluster.cluster import DevCluster
from airunway.devcluster.errors import StartError
from airunway.devcluster.kubeconfig import write_token_kubeconfig
from airunway.devcluster.ports import free_ports
from airunway.devcluster.process import ProcessRecord
from airunway.kube.tokens import create_token
from airunway.kube.wait import WaitTimeoutError, wait_for

AIRUNWAY = [sys.executable, "-m", "airunway.cli.main"]


@dataclass(frozen=True)
class ControllerProcess:
    """A running controller replica and where to reach it."""

    record: ProcessRecord
    webhook_port: int
    health_port: int
    metrics_port: int
    identity: str

    def alive(self) -> bool:
        """Whether the process still runs."""
        return self.record.alive()

    def stop(self) -> None:
        """Stop it (SIGTERM, then SIGKILL)."""
        process.stop(self.record)


def webhook_cert_dir(cluster: DevCluster, name: str = "controller-webhook") -> Path:
    """A directory with tls.crt, tls.key and ca.crt for a webhook server on 127.0.0.1."""
    pair = cluster.pki.serving(name, dns=["localhost"], ips=["127.0.0.1"])
    directory = cluster.dir / "certs" / name
    directory.mkdir(parents=True, exist_ok=True)
    (directory / "tls.crt").write_bytes(pair.cert.read_bytes())
    (directory / "tls.key").write_bytes(pair.key.read_bytes())
    (directory / "tls.key").chmod(0o600)
    (directory / "ca.crt").write_bytes(cluster.pki.ca.cert.read_bytes())
    return directory


def token_kubeconfig(cluster: DevCluster, token: str, name: str) -> Path:
    """A kubeconfig that authenticates with a ServiceAccount token."""
    path = cluster.dir / f"{name}.kubeconfig"
    write_token_kubeconfig(path, server=cluster.server, ca=cluster.pki.ca.cert, token=token)
    return path


async def service_account_kubeconfig(cluster: DevCluster, rbac_file: Path, name: str) -> Path:
    """Apply a generated RBAC file and return a kubeconfig for its ServiceAccount's token.

    Running our processes under the RBAC we ship (not as cluster admin) is what makes a missing
    rule fail in the playground and the tests rather than in a user's cluster.
    """
    text = await asyncio.to_thread(rbac_file.read_text)
    docs = [d for d in yaml.safe_load_all(text) if d]
    account = next(d for d in docs if d["kind"] == "ServiceAccount")["metadata"]
    kube = cluster.connect()
    try:
        namespace = account["namespace"]
        await kube.apply(
            {"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": namespace}}, force=True
        )
        for doc in docs:
            await kube.apply(doc, force=True)
        token = await create_token(kube, namespace, account["name"], seconds=24 * 3600)
    finally:
        await kube.close()
    return token_kubeconfig(cluster, token, name)


async def _start(  # noqa: PLR0913 - one start-up for every process we serve
    cluster: DevCluster,
    identity: str,
    args: list[str],
    ports: tuple[int, int, int],
    extra_env: dict[str, str] | None,
    timeout: float,
    *,
    ready_path: str = "/readyz",
    record_ports: tuple[int, ...] | None = None,
) -> ControllerProcess:
    """Start an ``airunway`` process, record it with the cluster, wait for its ``ready_path``."""
    log = cluster.dir / "logs" / f"{identity}.log"
    record = process.start(identity, args, log, record_ports or ports, extra_env)
    cluster.add_record(record)
    started = ControllerProcess(record, *ports, identity)
    health_port = ports[1]

    async def ready() -> bool:
        if not record.alive():
            last = log.read_text(errors="replace").strip().splitlines()[-3:]
            message = f"{identity} exited during start-up; log: {log}; last lines: " + (
                " | ".join(last)
            )
            raise StartError(message, str(log))
        try:
            async with httpx.AsyncClient(timeout=1.0, trust_env=False) as client:
                r = await client.get(f"http://127.0.0.1:{health_port}{ready_path}")
        except httpx.TransportError:
            return False
        return r.status_code == 200  # noqa: PLR2004

    try:
        await wait_for(ready, timeout=timeout, what=f"{identity} to answer {ready_path}")
    except WaitTimeoutError as exc:
        started.stop()
        raise StartError(f"{exc}; log: {log}", str(log)) from exc
    return started


async def start_controller(
    cluster: DevCluster,
    *,
    kubeconfig: Path | None = None,
    identity: str | None = None,
    register_webhooks: bool = True,
    leader_elect: bool = True,
    extra_env: dict[str, str] | None = None,
    timeout: float = 60.0,
) -> ControllerProcess:
    """Start a controller replica and wait until its /readyz answers ok."""
    webhook_port, health_port, metrics_port = free_ports(3)
    identity = identity or f"controller-{uuid.uuid4().hex[:6]}"
    certs = webhook_cert_dir(cluster)
    args = [
        *AIRUNWAY,
        "controller",
        "run",
        f"--kubeconfig={kubeconfig or cluster.kubeconfig}",
        f"--identity={identity}",
        f"--webhook-port={webhook_port}",
        f"--webhook-cert-dir={certs}",
        f"--health-port={health_port}",
        f"--metrics-port={metrics_port}",
        "--leader-elect" if leader_elect else "--no-leader-elect",
    ]
    if register_webhooks:
        args.append(f"--register-webhooks-url=https://127.0.0.1:{webhook_port}")
    ports = (webhook_port, health_port, metrics_port)
    return await _start(cluster, identity, args, ports, extra_env, timeout)


async def start_provider(
    cluster: DevCluster,
    name: str,
    *,
    kubeconfig: Path | None = None,
    identity: str | None = None,
    heartbeat_interval: float = 60.0,
    extra_env: dict[str, str] | None = None,
    timeout: float = 60.0,
) -> ControllerProcess:
    """Start a provider replica (``airunway provider run NAME``) and wait for /readyz."""
    health_port, metrics_port = free_ports(2)
    identity = identity or f"{name}-provider-{uuid.uuid4().hex[:6]}"
    args = [
        *AIRUNWAY,
        "provider",
        "run",
        name,
        f"--kubeconfig={kubeconfig or cluster.kubeconfig}",
        f"--identity={identity}",
        f"--health-port={health_port}",
        f"--metrics-port={metrics_port}",
        f"--heartbeat-interval={heartbeat_interval}",
    ]
    return await _start(cluster, identity, args, (0, health_port, metrics_port), extra_env, timeout)


#: Every provider the playground runs (each under its generated RBAC, deploy/rbac/).
PLAYGROUND_PROVIDERS = ("kaito", "vllm", "dynamo", "kuberay", "llmd")


async def start_backend(
    cluster: DevCluster,
    *,
    kubeconfig: Path | None = None,
    port: int = 3001,
    identity: str = "backend",
    timeout: float = 60.0,
) -> ControllerProcess:
    """Start the REST backend (``airunway backend run``) and wait for ``/api/health``."""
    args = [
        *AIRUNWAY,
        "backend",
        "run",
        f"--kubeconfig={kubeconfig or cluster.kubeconfig}",
        f"--port={port}",
    ]
    ports = (0, port, 0)
    return await _start(
        cluster,
        identity,
        args,
        ports,
        None,
        timeout,
        ready_path="/api/health",
        record_ports=(port,),
    )


def _start_simulator(
    cluster: DevCluster, which: str, args: list[str], ports: tuple[int, ...] = ()
) -> None:
    """Start simulator ``which`` (``airunway sim ARGS``) and record it as ``sim-<which>``."""
    name = f"sim-{which}"
    log = cluster.dir / "logs" / f"{name}.log"
    cluster.add_record(process.start(name, [*AIRUNWAY, "sim", *args], log, ports))


async def start_playground_services(
    cluster: DevCluster,
    *,
    heartbeat_interval: float = 60.0,
    sim_ready_delay: float = 3.0,
    controller_env: dict[str, str] | None = None,
    backend_port: int = 3001,
) -> dict[str, ControllerProcess]:
    """Everything the playground runs next to the control plane, each under its own RBAC.

    The core controller (webhook registered by URL), the stand-in image registry, the
    simulated KAITO, Dynamo and KubeRay operators, Gateway and volume provisioner, then the five
    providers, and the REST backend on http://localhost:3001.
    """
    rbac = cluster.settings.project_crds.parent / "rbac"
    kubeconfig = await service_account_kubeconfig(
        cluster, rbac / "controller.yaml", "controller-sa"
    )
    await start_controller(
        cluster, kubeconfig=kubeconfig, identity="airunway-controller", extra_env=controller_env
    )
    registry_port = free_ports(1)[0]
    _start_simulator(cluster, "registry", ["registry", f"--port={registry_port}"], (registry_port,))
    kubeconfig_flag = f"--kubeconfig={cluster.kubeconfig}"
    for sim in ("kaito", "dynamo", "kuberay"):
        _start_simulator(
            cluster, sim, [sim, "run", kubeconfig_flag, f"--ready-delay={sim_ready_delay}"]
        )
    for sim in ("volumes", "gateway"):
        _start_simulator(cluster, sim, [sim, "run", kubeconfig_flag])
    overrides = json.dumps({"registry-1.docker.io": f"http://127.0.0.1:{registry_port}"})
    providers = {}
    for name in PLAYGROUND_PROVIDERS:
        kc = await service_account_kubeconfig(cluster, rbac / f"{name}-provider.yaml", f"{name}-sa")
        providers[name] = await start_provider(
            cluster,
            name,
            kubeconfig=kc,
            identity=f"{name}-provider",
            heartbeat_interval=heartbeat_interval,
            extra_env={"AIRUNWAY_VLLM_REGISTRY_OVERRIDES": overrides},
        )
    backend_kc = await service_account_kubeconfig(cluster, rbac / "backend.yaml", "backend-sa")
    providers["backend"] = await start_backend(cluster, kubeconfig=backend_kc, port=backend_port)
    return providers
