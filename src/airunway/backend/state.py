"""What the app holds for its lifetime: settings, its own Kubernetes identity, caches."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from airunway.backend.schemas.deployments import Metrics
from airunway.backend.services.hf_config import ArchCache
from airunway.backend.services.workloads import metrics_cache
from airunway.backend.settings import BackendSettings
from airunway.kube.client import Kube
from airunway.runtime.single_flight import SingleFlightCache

FIELD_MANAGER = "airunway-backend"


@dataclass
class BackendState:
    """Shared by every request; ``kube`` is the backend's own (ServiceAccount) identity."""

    settings: BackendSettings
    kube: Kube
    cluster_name: str | None = None
    config_cache: dict[str, Any] | None = None
    lists: SingleFlightCache[Any] = field(default_factory=lambda: SingleFlightCache(0.0))
    archs: ArchCache = field(default_factory=lambda: ArchCache("https://huggingface.co"))
    metrics: SingleFlightCache[Metrics] = field(default_factory=metrics_cache)
