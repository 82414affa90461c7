"""Registered providers: the InferenceProviderConfigs in the cluster (spec §3.2)."""

from __future__ import annotations

import logging

from airunway.api import API_VERSION, INFERENCE_PROVIDER_CONFIG_KIND
from airunway.backend.errors import ResourceMissingError
from airunway.backend.schemas.providers import ProviderDetails, ProviderInfo
from airunway.backend.services import providers
from airunway.kube.client import Kube
from airunway.kube.errors import KubeError, NotFoundError

log = logging.getLogger("airunway.backend")


async def list_providers(kube: Kube) -> list[ProviderInfo]:
    """Every registered provider; an unreadable list is an empty one (the route is public)."""
    try:
        ipcs = await kube.list(API_VERSION, INFERENCE_PROVIDER_CONFIG_KIND)
    except KubeError as exc:
        log.warning("cannot list InferenceProviderConfigs: %s", exc)
        return []
    return [providers.info(ipc) for ipc in ipcs]


async def provider(kube: Kube, provider_id: str) -> ProviderDetails:
    """One provider's details; 404 when it is not registered."""
    try:
        ipc = await kube.get(API_VERSION, INFERENCE_PROVIDER_CONFIG_KIND, provider_id)
    except NotFoundError as exc:
        raise ResourceMissingError(f"Provider not found: {provider_id}") from exc
    return providers.details(ipc)
