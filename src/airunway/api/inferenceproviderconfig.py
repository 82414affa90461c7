"""InferenceProviderConfig (airunway.ai/v1alpha1): a provider's cluster-scoped self-registration.

A provider shim writes one of these named after itself: ``spec.capabilities`` lists the engines it
runs and how (serving modes, GPU/CPU, API formats, gateway behaviour), ``spec.selectionRules``
are CEL conditions over a ModelDeployment spec that raise its priority, and ``status`` is its
heartbeat. There is no admission webhook for this kind, so the CRD carries no CEL rules: adding
some would reject objects the reference accepts. The capability look-ups the reference defines on
the Go types are methods here, with the reference's nil semantics (no capabilities, no support).
"""

from typing import Literal

from pydantic import Field, StrictBool, StrictStr

from airunway.api._base import KubeObject, NonNegativeInt32, StrictModel, Timestamp
from airunway.api._kube_types import Condition
from airunway.api.enums import VALID_API_FORMATS_FOR_ENGINE, APIFormat, EngineType, ServingMode


class EndpointPickerConfig(StrictModel):
    """EndpointPickerConfig customizes the endpoint picker (EPP) deployed with an InferencePool."""

    image: StrictStr | None = Field(
        default=None,
        description=(
            "image is the container image for the EPP. When empty, the controller uses its "
            "built-in default EPP image."
        ),
    )
    config_data: StrictStr | None = Field(
        default=None,
        description=(
            "configData is the raw YAML body of the EndpointPickerConfig, written into the EPP "
            'ConfigMap under the key "default-plugins.yaml". When empty, the controller\'s '
            "default (empty) EndpointPickerConfig is used."
        ),
    )


class GatewayCapabilities(StrictModel):
    """GatewayCapabilities describes how an engine of this provider integrates with the Gateway."""

    manages_inference_pool: StrictBool | None = Field(
        default=None,
        description=(
            "managesInferencePool indicates that the provider's operator creates and owns the "
            "InferencePool (and EPP); the controller then waits for it and uses it as the "
            "HTTPRoute backend instead of creating one."
        ),
    )
    inference_pool_name_pattern: StrictStr | None = Field(
        default=None,
        description=(
            "inferencePoolNamePattern is the name of provider-created pools, with {name} and "
            "{namespace} placeholders. Only consulted when managesInferencePool is true."
        ),
    )
    inference_pool_namespace: StrictStr | None = Field(
        default=None,
        description=(
            "inferencePoolNamespace is the namespace of provider-created pools, with {name} and "
            "{namespace} placeholders; another namespace than the ModelDeployment's gets a "
            "ReferenceGrant."
        ),
    )
    endpoint_picker: EndpointPickerConfig | None = Field(
        default=None,
        description=(
            "endpointPicker customizes the EPP image and configuration the controller deploys. "
            "Ignored when managesInferencePool is true."
        ),
    )
    ignores_served_name: StrictBool | None = Field(
        default=None,
        description=(
            "ignoresServedName indicates that routing for this provider and engine does not "
            "honor spec.model.servedName, so the route model name falls back to discovery or "
            "spec.model.id."
        ),
    )


class EngineCapability(StrictModel):
    """EngineCapability defines per-engine capability metadata."""

    name: EngineType = Field(description="name is the inference engine type.")
    serving_modes: list[ServingMode] | None = Field(
        default=None,
        description=(
            "servingModes is the list of serving modes this engine supports; an empty list "
            "supports none."
        ),
    )
    api_formats: list[APIFormat] | None = Field(
        default=None,
        description=(
            "apiFormats is the list of API formats this engine supports. Consumers treat an "
            "empty list as [openai-chat]."
        ),
    )
    gpu_support: StrictBool | None = Field(
        default=None, description="gpuSupport indicates if this engine supports GPU inference."
    )
    cpu_support: StrictBool | None = Field(
        default=None,
        description="cpuSupport indicates if this engine supports CPU-only inference.",
    )
    requires_crd: StrictBool | None = Field(
        default=None,
        alias="requiresCRD",
        description=(
            "requiresCRD indicates if this engine needs an upstream CRD or operator. When "
            "omitted, clients treat it as true."
        ),
    )
    gateway: GatewayCapabilities | None = Field(
        default=None, description="gateway defines this engine's gateway-related capabilities."
    )

    def supports_serving_mode(self, mode: ServingMode) -> bool:
        """Return whether ``mode`` is listed in ``servingModes``."""
        return mode in (self.serving_modes or ())

    def effective_api_formats(self) -> list[APIFormat]:
        """Return ``apiFormats``, or ``[openai-chat]`` when the list is empty."""
        return list(self.api_formats) if self.api_formats else [APIFormat.OPENAI_CHAT]

    def invalid_api_formats(self) -> list[APIFormat]:
        """Return the declared formats the engine cannot serve (``ValidAPIFormatsForEngine``)."""
        valid = VALID_API_FORMATS_FOR_ENGINE[self.name]
        return [f for f in self.api_formats or () if f not in valid]


class ProviderCapabilities(StrictModel):
    """ProviderCapabilities defines what a provider supports."""

    engines: list[EngineCapability] | None = Field(
        default=None,
        description=(
            "engines is the list of supported inference engines with per-engine capabilities."
        ),
        json_schema_extra={
            "x-kubernetes-list-type": "map",
            "x-kubernetes-list-map-keys": ["name"],
        },
    )

    def engine(self, name: str) -> EngineCapability | None:
        """Return the capability of engine ``name`` (exact match), or None."""
        return next((e for e in self.engines or () if e.name == name), None)

    def engine_names(self) -> list[EngineType]:
        """Return the advertised engine names in declaration order."""
        return [e.name for e in self.engines or ()]


class SelectionRule(StrictModel):
    """SelectionRule defines a rule for auto-selecting this provider."""

    condition: StrictStr = Field(
        description=(
            "condition is a CEL expression over the ModelDeployment spec (variable `spec`) that "
            "evaluates to true when this rule matches, for example\n"
            '"has(spec.resources.gpu) && spec.resources.gpu.count > 0" or\n'
            "\"spec.engine.type == 'llamacpp'\"."
        )
    )
    priority: NonNegativeInt32 = Field(
        default=0,
        description=(
            "priority of this rule (higher wins). A provider's priority is the highest among "
            "its matching rules; ties go to the provider name that sorts first."
        ),
    )


class InferenceProviderConfigSpec(StrictModel):
    """InferenceProviderConfigSpec declares provider capabilities and selection rules."""

    capabilities: ProviderCapabilities | None = Field(
        default=None, description="capabilities defines what this provider supports."
    )
    selection_rules: list[SelectionRule] | None = Field(
        default=None,
        description=(
            "selectionRules defines rules for auto-selecting this provider. Conditions use CEL "
            "(Common Expression Language)."
        ),
    )


class InferenceProviderConfigStatus(StrictModel):
    """InferenceProviderConfigStatus is written by the provider controller (its heartbeat)."""

    ready: StrictBool | None = Field(
        default=None, description="ready indicates if the provider is ready to accept workloads."
    )
    version: StrictStr | None = Field(
        default=None, description="version is the version of the provider controller."
    )
    upstream_crd_version: StrictStr | None = Field(
        default=None,
        alias="upstreamCRDVersion",
        description="upstreamCRDVersion is the API version of the upstream CRD this provider "
        "creates.",
    )
    upstream_schema_hash: StrictStr | None = Field(
        default=None,
        description="upstreamSchemaHash is a hash of the upstream CRD schema.",
    )
    last_heartbeat: Timestamp | None = Field(
        default=None,
        description="lastHeartbeat is the last time the provider controller updated this status.",
    )
    conditions: list[Condition] | None = Field(
        default=None,
        description="conditions represent the current state of the InferenceProviderConfig.",
        json_schema_extra={
            "x-kubernetes-list-type": "map",
            "x-kubernetes-list-map-keys": ["type"],
        },
    )


class InferenceProviderConfig(KubeObject):
    """InferenceProviderConfig is a cluster-scoped resource that providers use to register."""

    api_version: Literal["airunway.ai/v1alpha1"] = Field(
        default="airunway.ai/v1alpha1",
        description="APIVersion defines the versioned schema of this representation of an object.",
    )
    kind: Literal["InferenceProviderConfig"] = Field(
        default="InferenceProviderConfig",
        description="Kind is the REST resource this object represents.",
    )
    spec: InferenceProviderConfigSpec | None = Field(
        default=None, description="spec defines provider capabilities and selection rules."
    )
    status: InferenceProviderConfigStatus | None = Field(
        default=None, description="status is written by the provider controller."
    )

    def engine_capability(self, engine: str) -> EngineCapability | None:
        """Return the capability of ``engine``, or None without spec, capabilities or engine."""
        if self.spec is None or self.spec.capabilities is None:
            return None
        return self.spec.capabilities.engine(engine)

    def is_ready(self) -> bool:
        """Return ``status.ready`` (False when status is absent)."""
        return bool(self.status is not None and self.status.ready)


class InferenceProviderConfigList(KubeObject):
    """InferenceProviderConfigList is a list of InferenceProviderConfigs."""

    api_version: Literal["airunway.ai/v1alpha1"] = Field(
        default="airunway.ai/v1alpha1", description="APIVersion of the list."
    )
    kind: Literal["InferenceProviderConfigList"] = Field(
        default="InferenceProviderConfigList", description="Kind of the list."
    )
    items: list[InferenceProviderConfig] = Field(
        description="items are the InferenceProviderConfigs."
    )
