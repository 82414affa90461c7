"""The KubeRay provider process: the SDK runtime, ready while the RayService CRD is served."""

from __future__ import annotations

from airunway.providers.kuberay.config import definition
from airunway.providers.kuberay.transform import API_VERSION, KIND
from airunway.providers.sdk.operator import ProviderProcess
from airunway.providers.sdk.settings import ProviderSettings


def build(settings: ProviderSettings) -> ProviderProcess:
    """The KubeRay provider process."""
    return ProviderProcess(definition(), settings, upstream_kind=(API_VERSION, KIND))
