"""Command lines of the control-plane components, one function each.

The flags follow what envtest and kwokctl do, with three deliberate choices: authorization is
``Node,RBAC`` with separate component identities (tests must see real RBAC), the API server
advertises 127.0.0.1 with ``--endpoint-reconciler-type=none`` (no default route is needed, and
nothing dials the ``kubernetes`` Service's endpoints here), and leader election is off for the
control-plane components so a restart on the same data never waits out a stale Lease.
"""

from __future__ import annotations

from dataclasses import dataclass
from importlib import resources
from pathlib import Path

from airunway.devcluster.pki import SERVICE_CIDR, ClusterPKI

#: kwok manages only the nodes that carry this annotation (see nodes.py).
KWOK_NODE_SELECTOR = "kwok.x-k8s.io/node=fake"
#: kwok's own default stages (paths relative to its module's kustomize/stage directory).
KWOK_STAGES = (
    "node/fast/node-initialize.yaml",
    "node/heartbeat-with-lease/node-heartbeat-with-lease.yaml",
    "pod/fast/pod-ready.yaml",
    "pod/fast/pod-complete.yaml",
    "pod/fast/pod-delete.yaml",
)


@dataclass(frozen=True)
class Ports:
    """Loopback ports of one cluster."""

    etcd: int
    etcd_peer: int
    apiserver: int
    controller_manager: int
    scheduler: int
    kwok: int

    @classmethod
    def from_list(cls, ports: list[int]) -> Ports:
        """Assign a list of six free ports to the components."""
        return cls(*ports)


@dataclass(frozen=True)
class Binaries:
    """Paths of the built binaries."""

    etcd: Path
    apiserver: Path
    controller_manager: Path
    scheduler: Path
    kwok: Path


def etcd(b: Binaries, p: Ports, data: Path) -> list[str]:
    """Run etcd with fsync off: a throwaway test store, not a durable one."""
    return [
        str(b.etcd),
        "--name=airunway",
        f"--data-dir={data}",
        f"--listen-client-urls=http://127.0.0.1:{p.etcd}",
        f"--advertise-client-urls=http://127.0.0.1:{p.etcd}",
        f"--listen-peer-urls=http://127.0.0.1:{p.etcd_peer}",
        f"--initial-advertise-peer-urls=http://127.0.0.1:{p.etcd_peer}",
        f"--initial-cluster=airunway=http://127.0.0.1:{p.etcd_peer}",
        "--listen-metrics-urls=",
        "--unsafe-no-fsync=true",
        "--quota-backend-bytes=8589934592",
        "--auto-compaction-retention=1",
        "--log-level=warn",
    ]


def apiserver(b: Binaries, p: Ports, pki: ClusterPKI) -> list[str]:
    """kube-apiserver with RBAC, ServiceAccount tokens and TokenReview working."""
    return [
        str(b.apiserver),
        f"--etcd-servers=http://127.0.0.1:{p.etcd}",
        "--bind-address=127.0.0.1",
        "--advertise-address=127.0.0.1",
        f"--secure-port={p.apiserver}",
        "--endpoint-reconciler-type=none",
        f"--tls-cert-file={pki.apiserver.cert}",
        f"--tls-private-key-file={pki.apiserver.key}",
        f"--client-ca-file={pki.ca.cert}",
        "--authorization-mode=Node,RBAC",
        "--service-account-issuer=https://kubernetes.default.svc.cluster.local",
        f"--service-account-key-file={pki.sa_pub}",
        f"--service-account-signing-key-file={pki.sa_key}",
        f"--service-cluster-ip-range={SERVICE_CIDR}",
        "--allow-privileged=true",
        "--profiling=false",
        "--enable-priority-and-fairness=false",
        f"--cert-dir={pki.dir}",
    ]


def controller_manager(b: Binaries, p: Ports, pki: ClusterPKI, kubeconfig: Path) -> list[str]:
    """kube-controller-manager: deployments, jobs, GC, namespaces, SAs, node lifecycle."""
    return [
        str(b.controller_manager),
        f"--kubeconfig={kubeconfig}",
        f"--authentication-kubeconfig={kubeconfig}",
        f"--authorization-kubeconfig={kubeconfig}",
        "--bind-address=127.0.0.1",
        f"--secure-port={p.controller_manager}",
        "--leader-elect=false",
        "--use-service-account-credentials=true",
        f"--service-account-private-key-file={pki.sa_key}",
        f"--root-ca-file={pki.ca.cert}",
        f"--cluster-signing-cert-file={pki.ca.cert}",
        f"--cluster-signing-key-file={pki.ca.key}",
        f"--cert-dir={pki.dir / 'kcm'}",
        "--concurrent-deployment-syncs=10",
        "--concurrent-replicaset-syncs=10",
        "--kube-api-qps=200",
        "--kube-api-burst=400",
        # kwok renews hundreds of node Leases from one process; on a saturated machine a renewal
        # can come later than the default 50 s, and the node-lifecycle controller then marks
        # every pod of that node NotReady, which kwok (unlike a kubelet) never undoes
        "--node-monitor-grace-period=5m",
    ]


def scheduler(b: Binaries, p: Ports, pki: ClusterPKI, kubeconfig: Path) -> list[str]:
    """kube-scheduler: real placement by real capacity, GPUs included."""
    return [
        str(b.scheduler),
        f"--kubeconfig={kubeconfig}",
        f"--authentication-kubeconfig={kubeconfig}",
        f"--authorization-kubeconfig={kubeconfig}",
        "--bind-address=127.0.0.1",
        f"--secure-port={p.scheduler}",
        "--leader-elect=false",
        f"--cert-dir={pki.dir / 'scheduler'}",
        "--kube-api-qps=200",
        "--kube-api-burst=400",
    ]


def kwok(
    b: Binaries, p: Ports, kubeconfig: Path, stages_dir: Path, logs_config: Path | None = None
) -> list[str]:
    """kwok: keeps our fake nodes Ready and moves their pods through kwok's default stages.

    With ``logs_config`` (a ClusterLogs rule, see kwok_logs.py) kwok also serves pod logs as the
    nodes' kubelet endpoint.
    """
    args = [
        str(b.kwok),
        f"--kubeconfig={kubeconfig}",
        "--manage-all-nodes=false",
        f"--manage-nodes-with-annotation-selector={KWOK_NODE_SELECTOR}",
        "--node-lease-duration-seconds=40",
        "--node-ip=127.0.0.1",
        f"--server-address=127.0.0.1:{p.kwok}",
    ]
    args += [f"--config={stages_dir / s}" for s in KWOK_STAGES]
    args += [f"--config={s}" for s in project_stages()]
    if logs_config is not None:
        args += [f"--node-port={p.kwok}", f"--config={logs_config}"]
    return args


def project_stages() -> list[Path]:
    """AI Runway's own kwok Stages (``stages/*.yaml``), e.g. failing a Job's pod on request."""
    root = Path(str(resources.files("airunway.devcluster") / "stages"))
    return sorted(root.glob("*.yaml"))
