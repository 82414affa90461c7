"""Provider catalogue and runtime status bodies (spec §3.2-§3.3, §4)."""

from __future__ import annotations

from typing import Any

from pydantic import Field

from airunway.backend.schemas.base import Schema


class EngineCapabilityInfo(Schema):
    """What one engine of a provider supports."""

    name: str
    serving_modes: list[str] = Field(default_factory=list)
    gpu_support: bool | None = None
    cpu_support: bool | None = None
    requires_crd: bool | None = None
    gateway: dict[str, Any] | None = None


class Capabilities(Schema):
    """A provider's declared capabilities, normalised."""

    engines: list[str] = Field(default_factory=list)
    engine_capabilities: list[EngineCapabilityInfo] = Field(default_factory=list)
    modes: list[str] = Field(default_factory=list)
    model_sources: list[str] = Field(default_factory=list)
    router_modes: list[str] = Field(default_factory=list)
    features: dict[str, bool] = Field(default_factory=dict)


class ProviderInfo(Schema):
    """A registered provider (an InferenceProviderConfig), as the UI lists it."""

    id: str
    name: str
    description: str
    default_namespace: str
    documentation_url: str | None = None
    icon: str | None = None
    capabilities: Capabilities
    requires_crd: bool
    installable: bool
    deployment_defaults: dict[str, Any] | None = None
    health: dict[str, Any] | None = None
    warnings: list[str] = Field(default_factory=list)


class CrdConfig(Schema):
    """Where the provider's config object lives in the API."""

    api_group: str
    api_version: str
    plural: str
    kind: str


class ProviderDetails(ProviderInfo):
    """A provider with its installation metadata."""

    crd_config: CrdConfig
    installation_steps: list[dict[str, Any]] = Field(default_factory=list)
    helm_repos: list[dict[str, Any]] = Field(default_factory=list)
    helm_charts: list[dict[str, Any]] = Field(default_factory=list)


class Providers(Schema):
    """All registered providers."""

    providers: list[ProviderInfo]


class RuntimeStatus(ProviderInfo):
    """A provider and whether its upstream operator is really installed and running."""

    installed: bool
    healthy: bool
    crd_found: bool
    operator_running: bool
    version: str | None = None
    message: str


class Runtimes(Schema):
    """Status of every registered provider."""

    runtimes: list[RuntimeStatus]
    error: str | None = None
