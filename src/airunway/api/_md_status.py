"""``status`` of a ModelDeployment: what the core controller and the providers observed.

Every field is optional because several writers fill it piecemeal with merge patches (the core
writes phase/provider/engine/gateway/conditions, providers write replicas/endpoint/image); a model
that required fields would reject half-written but valid objects. ``conditions`` is a list map
keyed by ``type``, like every ``metav1.Condition`` list.
"""

from pydantic import Field, StrictBool, StrictStr

from airunway.api._base import Int32, Int64, StrictModel
from airunway.api._kube_types import Condition
from airunway.api.constants import DeploymentPhase
from airunway.api.enums import APIFormat, EngineType


class ProviderStatus(StrictModel):
    """ProviderStatus records the selected provider and the resource it created."""

    name: StrictStr | None = Field(default=None, description="name is the selected provider name.")
    selected_reason: StrictStr | None = Field(
        default=None, description="selectedReason explains why this provider was selected."
    )
    resource_name: StrictStr | None = Field(
        default=None, description="resourceName is the name of the created provider resource."
    )
    resource_kind: StrictStr | None = Field(
        default=None, description="resourceKind is the kind of the created provider resource."
    )


class EngineStatus(StrictModel):
    """EngineStatus records the resolved inference engine."""

    type: EngineType | None = Field(default=None, description="type is the resolved engine type.")
    selected_reason: StrictStr | None = Field(
        default=None, description="selectedReason explains why this engine was selected."
    )


class GatewayStatus(StrictModel):
    """GatewayStatus describes how the model is reached through the Gateway."""

    endpoint: StrictStr | None = Field(
        default=None, description="endpoint is the unified gateway endpoint (address)."
    )
    model_name: StrictStr | None = Field(
        default=None, description="modelName is the model name to use in API requests."
    )
    gateway_namespace: StrictStr | None = Field(
        default=None,
        description="gatewayNamespace is the namespace of the Gateway used for routing.",
    )
    api_formats: list[APIFormat] | None = Field(
        default=None,
        description=(
            "apiFormats is the list of API formats supported by this deployment's engine. "
            "Declared for compatibility; not populated by the controller."
        ),
    )


class ImageStatus(StrictModel):
    """ImageStatus describes how the container image was resolved and verified."""

    requested: StrictStr | None = Field(
        default=None,
        description="requested is the image reference requested by the user or resolver.",
    )
    resolved: StrictStr | None = Field(
        default=None,
        description="resolved is the fully resolved image reference used by the deployment.",
    )
    repository: StrictStr | None = Field(
        default=None, description="repository is the image repository."
    )
    tag: StrictStr | None = Field(default=None, description="tag is the image tag.")
    digest: StrictStr | None = Field(
        default=None, description="digest is the immutable image digest when available."
    )
    source: StrictStr | None = Field(
        default=None,
        description="source describes how the image was selected: stable, nightly, launch, "
        "or custom.",
    )
    created_at: StrictStr | None = Field(
        default=None, description="createdAt is the image creation timestamp, when known."
    )
    revision: StrictStr | None = Field(
        default=None,
        description="revision is the upstream source revision of the image, when known.",
    )
    age: StrictStr | None = Field(
        default=None, description="age is a human-readable image age, when known."
    )
    in_nightly: StrictBool | None = Field(
        default=None,
        description="inNightly indicates whether the image is in the nightly catalog.",
    )
    verified: StrictBool | None = Field(
        default=None,
        description="verified indicates whether the image passed controller verification.",
    )
    verification_message: StrictStr | None = Field(
        default=None,
        description="verificationMessage contains details from image verification.",
    )
    message: StrictStr | None = Field(
        default=None,
        description="message explains image resolution or verification details.",
    )


class ReplicaStatus(StrictModel):
    """ReplicaStatus counts replicas as reported by the provider."""

    desired: Int32 | None = Field(
        default=None, description="desired is the desired number of replicas."
    )
    ready: Int32 | None = Field(default=None, description="ready is the number of ready replicas.")
    available: Int32 | None = Field(
        default=None, description="available is the number of available replicas."
    )


class EndpointStatus(StrictModel):
    """EndpointStatus locates the in-cluster Service that serves the model."""

    service: StrictStr | None = Field(
        default=None, description="service is the name of the Service."
    )
    port: Int32 | None = Field(default=None, description="port is the Service port.")


class ModelDeploymentStatus(StrictModel):
    """ModelDeploymentStatus is the observed state of a ModelDeployment."""

    phase: DeploymentPhase | None = Field(
        default=None, description="phase is the current phase of the deployment."
    )
    message: StrictStr | None = Field(
        default=None, description="message is a human-readable message about the current state."
    )
    provider: ProviderStatus | None = Field(
        default=None, description="provider contains information about the selected provider."
    )
    engine: EngineStatus | None = Field(
        default=None, description="engine contains information about the selected engine."
    )
    gateway: GatewayStatus | None = Field(
        default=None, description="gateway contains information about the gateway integration."
    )
    image: ImageStatus | None = Field(
        default=None,
        description="image contains information about resolved and verified images.",
    )
    replicas: ReplicaStatus | None = Field(
        default=None, description="replicas contains replica count information."
    )
    endpoint: EndpointStatus | None = Field(
        default=None, description="endpoint contains the service endpoint information."
    )
    conditions: list[Condition] | None = Field(
        default=None,
        description="conditions represent the current state of the ModelDeployment resource.",
        json_schema_extra={
            "x-kubernetes-list-type": "map",
            "x-kubernetes-list-map-keys": ["type"],
        },
    )
    observed_generation: Int64 | None = Field(
        default=None,
        description="observedGeneration is the generation observed by the controller.",
    )

    def condition(self, condition_type: str) -> Condition | None:
        """Return the condition of ``condition_type``, or None when it is absent."""
        return next((c for c in self.conditions or () if c.type == condition_type), None)
