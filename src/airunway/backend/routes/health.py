"""Health, version, cluster status and nodes (spec §2); mounted at /api/health and /api/cluster."""

from __future__ import annotations

from airunway.backend.auth import CallerKube, State
from airunway.backend.routes.common import PROTECTED, RESPONSES, Router
from airunway.backend.schemas.cluster import ClusterStatus, Health, Nodes, Version
from airunway.backend.services import cluster


def router(prefix: str, tag: str) -> Router:
    """The health router under ``prefix``; operation ids carry ``tag`` so both mounts differ."""
    api = Router(prefix=prefix, tags=[tag], responses=RESPONSES)

    @api.get("", operation_id=f"{tag}-check")
    async def check() -> Health:
        """Liveness of the backend itself."""
        return cluster.health()

    @api.get("/version", operation_id=f"{tag}-version")
    async def version(state: State) -> Version:
        """Build information."""
        return cluster.version(state.settings)

    # public as /api/cluster/status only, as the reference (the UI asks before sign-in)
    status_guard = PROTECTED if tag == "health" else []

    @api.get("/status", operation_id=f"{tag}-status", dependencies=status_guard)
    async def status(state: State) -> ClusterStatus:
        """Whether Kubernetes answers and the ModelDeployment CRD is installed (always 200)."""
        return await cluster.status(state)

    @api.get("/nodes", operation_id=f"{tag}-nodes", dependencies=PROTECTED)
    async def nodes(kube: CallerKube) -> Nodes:
        """Schedulable nodes with readiness and GPU count."""
        return await cluster.nodes(kube)

    return api
