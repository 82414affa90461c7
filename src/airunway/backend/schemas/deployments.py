"""Response bodies of ``/api/deployments`` (spec §9)."""

from __future__ import annotations

from typing import Any, Literal

from pydantic import Field

from airunway.backend.schemas.base import Schema


class PodStatus(Schema):
    """One pod of a deployment."""

    name: str
    phase: str
    ready: bool
    restarts: int
    node: str | None = None
    reason: str | None = None
    message: str | None = None


class Replicas(Schema):
    """Desired, ready and available replicas."""

    desired: int
    ready: int
    available: int


class GatewayInfo(Schema):
    """Where the Gateway serves the model, when enabled."""

    endpoint: str | None = None
    model_name: str | None = None
    api_formats: list[str] | None = None


class DeploymentStatus(Schema):
    """A ModelDeployment as the UI shows it."""

    name: str
    namespace: str
    model_id: str
    served_model_name: str | None = None
    engine: str | None = None
    mode: str
    phase: str
    provider: str
    replicas: Replicas
    conditions: list[dict[str, Any]] | None = None
    pods: list[PodStatus]
    created_at: str
    frontend_service: str
    storage: dict[str, Any] | None = None
    prefill_replicas: dict[str, Any] | None = None
    decode_replicas: dict[str, Any] | None = None
    gateway: GatewayInfo | None = None
    image: dict[str, Any] | None = None


class Pagination(Schema):
    """Where a page sits in the whole list."""

    total: int
    limit: int
    offset: int
    has_more: bool


class DeploymentList(Schema):
    """A page of deployments, newest first."""

    deployments: list[DeploymentStatus]
    pagination: Pagination


class Created(Schema):
    """The answer to a successful create."""

    message: str = "Deployment created successfully"
    name: str
    namespace: str
    warnings: list[str] | None = None


class ManifestResource(Schema):
    """One Kubernetes object a deployment consists of."""

    kind: str
    api_version: str
    name: str
    manifest: dict[str, Any]


class ResourceKind(Schema):
    """Kind and apiVersion of the primary object."""

    kind: str
    api_version: str


class Manifests(Schema):
    """The objects a preview would create, or the stored object."""

    resources: list[ManifestResource]
    primary_resource: ResourceKind


class Message(Schema):
    """A plain confirmation."""

    message: str


class Pods(Schema):
    """The pods of a deployment."""

    pods: list[PodStatus]


class Logs(Schema):
    """The tail of one container's log."""

    logs: str
    pod_name: str
    container: str | None = None
    message: str | None = None


class MetricValue(Schema):
    """One Prometheus sample."""

    name: str
    value: float
    labels: dict[str, str] = Field(default_factory=dict)


class Metrics(Schema):
    """The deployment's /metrics, parsed, or why they are not available."""

    available: bool
    error: str | None = None
    timestamp: str
    metrics: list[MetricValue]
    running_off_cluster: bool | None = None


class PendingReason(Schema):
    """Why a pod of the deployment is not scheduled or not running, in plain words."""

    reason: str
    message: str
    is_resource_constraint: bool
    resource_type: Literal["gpu", "cpu", "memory"] | None = None
    can_autoscaler_help: bool
    explanation: str | None = Field(
        default=None,
        description="Our plain-words reading, e.g. 'needs 8 \N{MULTIPLICATION SIGN} "
        "nvidia.com/gpu; the largest free "
        "node has 4'.",
    )


class PendingReasons(Schema):
    """All reasons found for the first pending pod."""

    reasons: list[PendingReason]


class Pvc(Schema):
    """A PersistentVolumeClaim the form can mount."""

    name: str
    status: str
    storage_class: str
    capacity: str


class Pvcs(Schema):
    """PVCs of a namespace."""

    pvcs: list[Pvc]
