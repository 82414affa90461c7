"""The llm-d provider process: the SDK runtime, always ready (no upstream operator)."""

from __future__ import annotations

from airunway.providers.llmd.config import UPSTREAM_CRD_VERSION, definition
from airunway.providers.sdk.operator import ProviderProcess
from airunway.providers.sdk.settings import ProviderSettings


def build(settings: ProviderSettings) -> ProviderProcess:
    """The llm-d provider process."""
    return ProviderProcess(definition(), settings, upstream_version=UPSTREAM_CRD_VERSION)
