"""ModelDeployment (airunway.ai/v1alpha1): one model served by one provider, namespaced.

This module holds the top of the kind: the spec that gathers the parts defined in ``_md_model``
and ``_md_spec``, the envelope with status, and the list type. It is the source of truth for the
CRD (``crdgen``), for parsing objects in the controller and the backend, and for the helper
semantics the reference defines on the Go types (``ResolvedServingMode``, ``ResolvedEngineType``,
``ImageOverride``), which live here as methods so every caller resolves them the same way.
"""

from typing import Any, Literal

from pydantic import ConfigDict, Field, StrictStr

from airunway.api import cel
from airunway.api._base import KubeObject, StrictModel
from airunway.api._kube_types import EnvVar, Toleration
from airunway.api._md_model import ModelSpec
from airunway.api._md_spec import (
    EngineSpec,
    GatewaySpec,
    PodTemplateSpec,
    ProviderSpec,
    ResourceSpec,
    ScalingSpec,
    SecretSpec,
    ServingSpec,
)
from airunway.api._md_status import ModelDeploymentStatus
from airunway.api.enums import ServingMode


class ModelDeploymentSpec(StrictModel):
    """ModelDeploymentSpec is the desired state of a ModelDeployment."""

    model_config = ConfigDict(json_schema_extra=cel.validations(*cel.MODEL_DEPLOYMENT_SPEC_RULES))

    model: ModelSpec = Field(description="model defines the model to serve.")
    provider: ProviderSpec | None = Field(
        default=None, description="provider selects the provider and carries its overrides."
    )
    engine: EngineSpec | None = Field(
        default=None, description="engine defines the inference engine configuration."
    )
    serving: ServingSpec | None = Field(
        default=None, description="serving defines the serving mode configuration."
    )
    scaling: ScalingSpec | None = Field(
        default=None, description="scaling defines the scaling configuration."
    )
    resources: ResourceSpec | None = Field(
        default=None,
        description=(
            "resources defines the resource requirements of one replica.\n"
            "GPUs are not allowed here in disaggregated mode (use scaling.prefill/decode)."
        ),
    )
    image: StrictStr | None = Field(
        default=None,
        description="image is a custom container image (legacy; prefer engine.image).",
    )
    env: list[EnvVar] | None = Field(
        default=None, description="env defines environment variables for the container."
    )
    pod_template: PodTemplateSpec | None = Field(
        default=None, description="podTemplate defines pod customization."
    )
    secrets: SecretSpec | None = Field(
        default=None, description="secrets defines secret references."
    )
    gateway: GatewaySpec | None = Field(
        default=None, description="gateway defines the Gateway API integration configuration."
    )
    node_selector: dict[str, StrictStr] | None = Field(
        default=None,
        description="nodeSelector constrains scheduling to nodes with specific labels.",
    )
    tolerations: list[Toleration] | None = Field(
        default=None, description="tolerations are tolerations for the pods."
    )

    def resolved_serving_mode(self) -> ServingMode:
        """Return ``serving.mode``, or ``aggregated`` when serving is absent."""
        return self.serving.mode if self.serving is not None else ServingMode.AGGREGATED

    def image_override(self) -> str:
        """Return ``engine.image`` if non-empty, else ``image``, else ``""``."""
        if self.engine is not None and self.engine.image:
            return self.engine.image
        return self.image or ""


class ModelDeployment(KubeObject):
    """ModelDeployment deploys one model for inference through a provider."""

    model_config = ConfigDict(json_schema_extra=cel.validations(*cel.MODEL_DEPLOYMENT_ROOT_RULES))

    api_version: Literal["airunway.ai/v1alpha1"] = Field(
        default="airunway.ai/v1alpha1",
        description="APIVersion defines the versioned schema of this representation of an object.",
    )
    kind: Literal["ModelDeployment"] = Field(
        default="ModelDeployment",
        description="Kind is the REST resource this object represents.",
    )
    spec: ModelDeploymentSpec = Field(
        description="spec defines the desired state of ModelDeployment."
    )
    status: ModelDeploymentStatus | None = Field(
        default=None, description="status defines the observed state of ModelDeployment."
    )

    def owner_reference(self) -> dict[str, Any]:
        """The controller reference objects made for it carry (garbage collection follows it)."""
        return {
            "apiVersion": self.api_version,
            "kind": self.kind,
            "name": self.metadata.name,
            "uid": self.metadata.uid,
            "controller": True,
            "blockOwnerDeletion": True,
        }

    def resolved_engine_type(self) -> str:
        """Return ``spec.engine.type``, else ``status.engine.type``, else ``""``."""
        if self.spec.engine is not None and self.spec.engine.type is not None:
            return self.spec.engine.type
        if self.status is not None and self.status.engine is not None:
            return self.status.engine.type or ""
        return ""


class ModelDeploymentList(KubeObject):
    """ModelDeploymentList is a list of ModelDeployments."""

    api_version: Literal["airunway.ai/v1alpha1"] = Field(
        default="airunway.ai/v1alpha1", description="APIVersion of the list."
    )
    kind: Literal["ModelDeploymentList"] = Field(
        default="ModelDeploymentList", description="Kind of the list."
    )
    items: list[ModelDeployment] = Field(description="items are the ModelDeployments.")
