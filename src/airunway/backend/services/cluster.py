"""Health, version, cluster status and nodes (spec §2)."""

from __future__ import annotations

from datetime import UTC, datetime

from airunway.backend.schemas.cluster import (
    ClusterStatus,
    Health,
    Node,
    Nodes,
    ProviderInstallation,
    Version,
)
from airunway.backend.services.capacity import node_gpus
from airunway.backend.settings import BackendSettings
from airunway.backend.state import BackendState
from airunway.kube.client import Kube
from airunway.kube.errors import KubeError, NotFoundError

CRD = "modeldeployments.airunway.ai"


def now() -> str:
    """The current time as ISO 8601 UTC with a ``Z``."""
    return datetime.now(UTC).isoformat().replace("+00:00", "Z")


def health() -> Health:
    """The process answers."""
    return Health(timestamp=now())


def version(settings: BackendSettings) -> Version:
    """Build information from the settings."""
    return Version(
        version=settings.version, build_time=settings.build_time, git_commit=settings.git_commit
    )


async def status(state: BackendState) -> ClusterStatus:
    """Connected or not (with the error), and whether our CRD is there; never raises."""
    namespace = state.settings.default_namespace
    try:
        await state.kube.list("v1", "Namespace")
    except KubeError as exc:
        return ClusterStatus(connected=False, namespace=namespace, error=exc.message)
    try:
        await state.kube.get("apiextensions.k8s.io/v1", "CustomResourceDefinition", CRD)
        install = ProviderInstallation(
            installed=True, crd_found=True, message="ModelDeployment CRD is installed"
        )
    except NotFoundError:
        install = ProviderInstallation(
            installed=False,
            crd_found=False,
            message="ModelDeployment CRD not found. Please install AI Runway controller.",
        )
    except KubeError as exc:
        install = ProviderInstallation(
            installed=False, crd_found=False, message=f"Error checking CRD: {exc.message}"
        )
    return ClusterStatus(
        connected=True,
        namespace=namespace,
        cluster_name=state.cluster_name,
        provider_installation=install,
    )


async def nodes(kube: Kube) -> Nodes:
    """Schedulable nodes sorted by name."""
    out = []
    for node in await kube.list("v1", "Node"):
        if (node.get("spec") or {}).get("unschedulable"):
            continue
        conditions = (node.get("status") or {}).get("conditions") or []
        ready = any(c.get("type") == "Ready" and c.get("status") == "True" for c in conditions)
        out.append(Node(name=node["metadata"]["name"], ready=ready, gpu_count=node_gpus(node)))
    return Nodes(nodes=sorted(out, key=lambda n: n.name))
