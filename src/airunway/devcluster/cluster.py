"""A local Kubernetes control plane with simulated GPU nodes: ``up``, ``down`` and ``status``.

The cluster is real (etcd, kube-apiserver, kube-controller-manager, kube-scheduler built from
source, kwok for the nodes); only the nodes are simulated.  Its state (ports, pids, paths) lives
in ``<clusters_dir>/<name>/state.json`` so that ``status`` and ``down`` work from another process,
and so that the next ``up`` can clean up after a run that was killed.
"""

from __future__ import annotations

import asyncio
import json
import shutil
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx

from airunway.devcluster import components, kwok_logs, process
from airunway.devcluster.build import Builder
from airunway.devcluster.crds import install_crds
from airunway.devcluster.errors import NotRunningError, StartError
from airunway.devcluster.kubeconfig import write_all
from airunway.devcluster.nodes import load_profile, node_manifests
from airunway.devcluster.pki import ClusterPKI
from airunway.devcluster.ports import free_ports, is_listening
from airunway.devcluster.process import ProcessRecord
from airunway.devcluster.settings import DevClusterSettings
from airunway.kube.client import Kube
from airunway.kube.errors import KubeError
from airunway.kube.wait import WaitTimeoutError, wait_for

_START_ATTEMPTS = 3
FIELD_MANAGER = "airunway-devcluster"


@dataclass
class ComponentStatus:
    """Whether one component runs, and where its log is."""

    name: str
    running: bool
    pid: int
    log: str
    rss_bytes: int


@dataclass
class ClusterStatus:
    """What ``airunway dev cluster status`` reports."""

    name: str
    exists: bool
    server: str = ""
    kubeconfig: str = ""
    components: list[ComponentStatus] = field(default_factory=list)

    @property
    def healthy(self) -> bool:
        """All components are running."""
        return self.exists and all(c.running for c in self.components)


@dataclass
class StartupTimings:
    """Seconds spent in each phase of ``up`` (for bench/devcluster)."""

    build: float = 0.0
    control_plane: float = 0.0
    nodes_and_crds: float = 0.0
    total: float = 0.0


class DevCluster:
    """One named local cluster."""

    def __init__(
        self,
        name: str = "airunway",
        *,
        settings: DevClusterSettings | None = None,
        profile: str = "default",
        crd_dirs: list[Path] | None = None,
    ) -> None:
        self.name = name
        self.settings = settings or DevClusterSettings()
        self.profile = profile
        self.crd_dirs = (
            crd_dirs
            if crd_dirs is not None
            else [self.settings.upstream_crds, self.settings.project_crds]
        )
        self.dir = self.settings.clusters_dir / name
        self.builder = Builder(self.settings)
        self.timings = StartupTimings()
        self._records: list[ProcessRecord] = []

    # -- paths -----------------------------------------------------------------------------
    @property
    def state_file(self) -> Path:
        """Where ports, pids and paths of a running cluster are recorded."""
        return self.dir / "state.json"

    @property
    def kubeconfig(self) -> Path:
        """Admin kubeconfig (``system:masters``)."""
        return self.dir / "admin.kubeconfig"

    @property
    def pki(self) -> ClusterPKI:
        """Certificates of the cluster."""
        return ClusterPKI(self.dir / "pki")

    def _state(self) -> dict[str, Any] | None:
        if not self.state_file.is_file():
            return None
        data: dict[str, Any] = json.loads(self.state_file.read_text())
        return data

    def records(self) -> list[ProcessRecord]:
        """Process records of the running (or last started) cluster."""
        state = self._state()
        if state is None:
            return []
        return [ProcessRecord.from_json(r) for r in state["processes"]]

    @property
    def server(self) -> str:
        """The API server URL."""
        state = self._state()
        if state is None:
            raise NotRunningError(f"no cluster named '{self.name}' (run: airunway dev cluster up)")
        return str(state["server"])

    def connect(self, field_manager: str = FIELD_MANAGER, token: str | None = None) -> Kube:
        """A client for this cluster (admin, or the user of ``token``)."""
        if not self.kubeconfig.is_file():
            raise NotRunningError(f"no cluster named '{self.name}' (run: airunway dev cluster up)")
        return Kube.from_kubeconfig(self.kubeconfig, field_manager=field_manager, token=token)

    # -- lifecycle -------------------------------------------------------------------------
    async def up(self, *, timeout: float = 180.0) -> ClusterStatus:
        """Build if needed, clean stale state, start everything and wait until it is usable."""
        started = time.monotonic()
        await asyncio.to_thread(self.builder.ensure_all)
        stages = await asyncio.to_thread(self.builder.kwok_stages_dir)
        self.timings.build = time.monotonic() - started
        self.down()
        last: StartError | None = None
        for _ in range(_START_ATTEMPTS):
            try:
                await self._start(stages, timeout)
                break
            except StartError as exc:
                last = exc
                self.down()
                if "address already in use" not in _tail(exc.log):
                    raise
            except KubeError as exc:
                self.down()
                raise StartError(f"the new cluster answered with an error: {exc}") from exc
            except BaseException:
                self.down()
                raise
        else:
            raise last or StartError("cluster did not start")
        self.timings.total = time.monotonic() - started
        return self.status()

    async def _start(self, stages: Path, timeout: float) -> None:
        t0 = time.monotonic()
        self.dir.mkdir(parents=True, exist_ok=True)
        pki = self.pki
        pki.create()
        ports = components.Ports.from_list(free_ports(6))
        server = f"https://127.0.0.1:{ports.apiserver}"
        kubeconfigs = write_all(self.dir, pki, server, f"airunway-{self.name}")
        b = self._binaries()
        logs = self.dir / "logs"
        self._records = []
        self._save(server, ports)

        await self._launch("etcd", components.etcd(b, ports, self.dir / "etcd"), logs, ports.etcd)
        await self._until(f"etcd on port {ports.etcd}", "etcd", _etcd_healthy(ports.etcd), 30)
        await self._launch(
            "kube-apiserver", components.apiserver(b, ports, pki), logs, ports.apiserver
        )
        self._save(server, ports)
        kube = self.connect()
        try:
            await self._until("kube-apiserver /readyz", "kube-apiserver", _api_ready(kube), timeout)
            kcm = components.controller_manager(b, ports, pki, kubeconfigs["controller-manager"])
            sched = components.scheduler(b, ports, pki, kubeconfigs["scheduler"])
            logs_config = kwok_logs.write_config(self.dir)
            kwok = components.kwok(b, ports, kubeconfigs["kwok"], stages, logs_config)
            await self._launch("kube-controller-manager", kcm, logs, ports.controller_manager)
            await self._launch("kube-scheduler", sched, logs, ports.scheduler)
            await self._launch("kwok", kwok, logs, ports.kwok)
            self._save(server, ports)
            self.timings.control_plane = time.monotonic() - t0
            t1 = time.monotonic()
            nodes = node_manifests(load_profile(self.profile))
            for node in nodes:
                await kube.apply(node, force=True)
            try:
                await install_crds(kube, self.crd_dirs, timeout=timeout)
            except (KubeError, FileNotFoundError) as exc:
                raise StartError(f"installing CRDs failed: {exc}", log="") from exc
            names = [n["metadata"]["name"] for n in nodes]
            await self._until("all nodes Ready", "kwok", _nodes_ready(kube, names), timeout)
            await self._until(
                "the default ServiceAccount", "kube-controller-manager", _default_sa(kube), timeout
            )
            self.timings.nodes_and_crds = time.monotonic() - t1
        finally:
            await kube.close()

    def _binaries(self) -> components.Binaries:
        bin_ = self.builder.binary
        return components.Binaries(
            etcd=bin_("etcd"),
            apiserver=bin_("kube-apiserver"),
            controller_manager=bin_("kube-controller-manager"),
            scheduler=bin_("kube-scheduler"),
            kwok=bin_("kwok"),
        )

    async def _launch(self, name: str, args: list[str], logs: Path, port: int) -> None:
        self._records.append(process.start(name, args, logs / f"{name}.log", (port,)))

    async def _until(self, what: str, component: str, check: Any, timeout: float) -> None:  # noqa: ANN401
        record = next(r for r in self._records if r.name == component)

        async def condition() -> bool:
            if not record.alive():
                raise StartError(
                    f"{component} exited during start-up; log: {record.log}", record.log
                )
            result: bool = await check()
            return result

        try:
            await wait_for(condition, timeout=timeout, what=what)
        except WaitTimeoutError as exc:
            raise StartError(f"{exc}; log: {record.log}", record.log) from exc

    def add_record(self, record: ProcessRecord) -> None:
        """Track a process started next to the cluster (controller, providers, backend)."""
        state = self._state()
        if state is None:
            raise NotRunningError(f"no cluster named '{self.name}'")
        state["processes"].append(record.to_json())
        self.state_file.write_text(json.dumps(state, indent=2))

    def _save(self, server: str, ports: components.Ports) -> None:
        state = {
            "name": self.name,
            "server": server,
            "kubeconfig": str(self.kubeconfig),
            "profile": self.profile,
            "ports": ports.__dict__,
            "processes": [r.to_json() for r in self._records],
        }
        self.state_file.write_text(json.dumps(state, indent=2))

    def down(self) -> None:
        """Stop every component (reverse start order) and delete the cluster's state."""
        for record in reversed(self.records()):
            process.stop(record)
        shutil.rmtree(self.dir, ignore_errors=True)

    def status(self) -> ClusterStatus:
        """Which components run, with their log paths."""
        state = self._state()
        if state is None:
            return ClusterStatus(self.name, exists=False)
        comps = [
            ComponentStatus(r.name, r.alive(), r.pid, r.log, r.rss_bytes()) for r in self.records()
        ]
        return ClusterStatus(
            self.name,
            exists=True,
            server=str(state["server"]),
            kubeconfig=str(state["kubeconfig"]),
            components=comps,
        )

    def leftovers(self) -> list[str]:
        """Processes or ports of this cluster still alive (should be empty after ``down``)."""
        out = [f"process {r.name} ({r.pid})" for r in self._records if r.alive()]
        out += [f"port {p}" for r in self._records for p in r.ports if is_listening(p)]
        return out


def _tail(log: str, size: int = 4000) -> str:
    if not log:
        return ""
    path = Path(log)
    return path.read_text(errors="replace")[-size:] if path.is_file() else ""


def _etcd_healthy(port: int) -> Any:  # noqa: ANN401
    async def check() -> bool:
        try:
            async with httpx.AsyncClient(timeout=1.0, trust_env=False) as client:
                r = await client.get(f"http://127.0.0.1:{port}/health")
        except httpx.TransportError:
            return False
        return r.status_code == 200 and '"true"' in r.text  # noqa: PLR2004

    return check


def _api_ready(kube: Kube) -> Any:  # noqa: ANN401
    async def check() -> bool:
        try:
            return str(await kube.raw_get("/readyz")).strip() == "ok"
        except KubeError:
            return False

    return check


def _nodes_ready(kube: Kube, names: list[str]) -> Any:  # noqa: ANN401
    async def check() -> bool:
        nodes = {n["metadata"]["name"]: n for n in await kube.list("v1", "Node")}
        for name in names:
            node = nodes.get(name)
            if node is None:
                return False
            conds = {c["type"]: c["status"] for c in node.get("status", {}).get("conditions", [])}
            taints = [t["key"] for t in node.get("spec", {}).get("taints", []) or []]
            if conds.get("Ready") != "True" or "node.kubernetes.io/not-ready" in taints:
                return False
        return True

    return check


def _default_sa(kube: Kube) -> Any:  # noqa: ANN401
    async def check() -> bool:
        try:
            await kube.get("v1", "ServiceAccount", "default", "default")
        except KubeError:
            return False
        return True

    return check
