"""``/api/settings`` and ``/api/providers`` (spec §3.2).

The settings view and the provider list are public (the UI needs them before sign-in); a
provider's details and a settings change are not.
"""

from __future__ import annotations

from airunway.backend.auth import CallerKube, State
from airunway.backend.routes.common import PROTECTED, RESPONSES, NamePath, Router
from airunway.backend.schemas.providers import ProviderDetails, Providers
from airunway.backend.schemas.settings import (
    AuthInfo,
    Config,
    SettingsUpdate,
    SettingsUpdated,
    SettingsView,
)
from airunway.backend.services import config_store, registry

settings_api = Router(prefix="/api/settings", tags=["settings"], responses=RESPONSES)
providers_api = Router(prefix="/api/providers", tags=["providers"], responses=RESPONSES)


@settings_api.get("", operation_id="settings-get")
async def get_settings(state: State) -> SettingsView:
    """Stored settings, registered providers, and whether auth is on."""
    config = await config_store.get_config(state)
    identity = "your own token" if state.settings.auth_enabled else "the backend's own identity"
    return SettingsView(
        config=Config.model_validate(config),
        providers=await registry.list_providers(state.kube),
        auth=AuthInfo(enabled=state.settings.auth_enabled, identity=identity),
    )


@settings_api.put("", operation_id="settings-update", dependencies=PROTECTED)
async def update_settings(
    state: State, kube: CallerKube, update: SettingsUpdate
) -> SettingsUpdated:
    """Change stored settings (written with the caller's identity)."""
    changes = update.model_dump(by_alias=True, exclude_none=True)
    config = await config_store.put_config(state, kube, changes)
    return SettingsUpdated(config=Config.model_validate(config))


@settings_api.get("/providers", operation_id="settings-providers")
async def settings_providers(state: State) -> Providers:
    """Registered providers (same as ``GET /api/providers``)."""
    return Providers(providers=await registry.list_providers(state.kube))


@settings_api.get(
    "/providers/{provider_id}", operation_id="settings-provider", dependencies=PROTECTED
)
async def settings_provider(kube: CallerKube, provider_id: NamePath) -> ProviderDetails:
    """One provider with its installation metadata."""
    return await registry.provider(kube, provider_id)


@providers_api.get("", operation_id="providers-list")
async def list_providers(state: State) -> Providers:
    """Registered providers."""
    return Providers(providers=await registry.list_providers(state.kube))


@providers_api.get("/{provider_id}", operation_id="providers-get", dependencies=PROTECTED)
async def get_provider(kube: CallerKube, provider_id: NamePath) -> ProviderDetails:
    """One provider with its installation metadata."""
    return await registry.provider(kube, provider_id)
