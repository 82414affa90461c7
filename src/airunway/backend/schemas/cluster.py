"""Health, version, cluster status and nodes bodies (spec §2)."""

from __future__ import annotations

from typing import Literal

from airunway.backend.schemas.base import Schema


class Health(Schema):
    """The backend answers."""

    status: Literal["healthy"] = "healthy"
    timestamp: str


class Version(Schema):
    """Build information."""

    version: str
    build_time: str
    git_commit: str


class ProviderInstallation(Schema):
    """Whether the ModelDeployment CRD is installed."""

    installed: bool
    crd_found: bool
    message: str


class ClusterStatus(Schema):
    """Whether the backend reaches Kubernetes."""

    connected: bool
    namespace: str
    cluster_name: str | None = None
    error: str | None = None
    provider_installation: ProviderInstallation | None = None


class Node(Schema):
    """One schedulable node."""

    name: str
    ready: bool
    gpu_count: int


class Nodes(Schema):
    """Schedulable nodes by name."""

    nodes: list[Node]
