"""Settings bodies (spec §3.1-§3.2)."""

from __future__ import annotations

from airunway.backend.schemas.base import Body, NamespaceName, Schema
from airunway.backend.schemas.providers import ProviderInfo


class Config(Schema):
    """Stored settings."""

    default_namespace: str | None = None


class AuthInfo(Schema):
    """Whether callers must sign in; without it the backend acts with its own identity."""

    enabled: bool
    identity: str


class SettingsView(Schema):
    """Settings, registered providers and the auth mode."""

    config: Config
    providers: list[ProviderInfo]
    auth: AuthInfo


class SettingsUpdate(Body):
    """Fields to change."""

    default_namespace: NamespaceName | None = None


class SettingsUpdated(Schema):
    """The stored settings after an update."""

    message: str = "Settings updated successfully"
    config: Config
