"""The contract between a provider package and the shared runtime.

A provider is data plus pure functions (:class:`ProviderDefinition`): what it registers, whether it
can serve a ModelDeployment, what it renders, how its upstream object maps back to status.  The
runtime (``sdk.runtime``) does every API call, the finalizer, drift correction and status writes,
identically for all providers.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from airunway.api import ModelDeployment
from airunway.providers.sdk.status import UpstreamState

Manifest = dict[str, Any]


@dataclass(frozen=True)
class Rendered:
    """The objects a ModelDeployment becomes; ``objects[0]`` is the primary one."""

    objects: list[Manifest]

    @property
    def primary(self) -> Manifest:
        """The object whose state is the ModelDeployment's state."""
        return self.objects[0]


@dataclass(frozen=True)
class Messages:
    """The provider's status texts (spec providers.md, per provider)."""

    created: str
    waiting: str
    running: str


@dataclass(frozen=True)
class ProviderDefinition:
    """Everything provider-specific, as pure functions."""

    #: IPC name and the suffix of finalizer ``airunway.ai/<name>-provider``.
    name: str
    #: ``Configuration compatible with <display>``.
    display: str
    #: ``Failed to generate <resource_label> resources: ...``.
    resource_label: str
    messages: Messages
    #: The InferenceProviderConfig manifest (metadata with annotations, spec) for a version.
    config: Callable[[str], Manifest]
    #: None when compatible, else the reason (ProviderCompatible=False, phase Failed).
    check: Callable[[ModelDeployment], str | None]
    #: The rendered objects; raises ``TransformError``.
    transform: Callable[[ModelDeployment], Rendered]
    #: Upstream primary object -> state.
    translate: Callable[[Manifest], UpstreamState]
    #: (apiVersion, kind) of every kind the provider renders (watched, and cleaned up on delete).
    kinds: tuple[tuple[str, str], ...] = field(default=())
    #: Create the PVCs of ``spec.model.storage`` and download the model before rendering
    #: (spec providers.md §2.5, ``sdk.storage``); its PVC and Job kinds belong in ``kinds``.
    managed_storage: bool = False

    @property
    def finalizer(self) -> str:
        """The provider's finalizer on ModelDeployments it serves."""
        return f"airunway.ai/{self.name}-provider"

    @property
    def field_manager(self) -> str:
        """The server-side-apply field manager of the provider."""
        return f"{self.name}-provider"
