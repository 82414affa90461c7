"""llm-d provider (``llmd``): vLLM Deployments + Services behind the llm-d inference scheduler.

Pure parts: ``config`` (registration, including the endpoint picker the core gateway reconciler
deploys, and the :class:`ProviderDefinition`), ``transform`` (compatibility and rendering),
``status`` (the primary Deployment's state).  The shared runtime does every API call.
"""

from airunway.providers.llmd.config import (
    NAME,
    SCHEDULER_CONFIG,
    SCHEDULER_IMAGE,
    config,
    definition,
)
from airunway.providers.llmd.status import translate
from airunway.providers.llmd.transform import check, transform

__all__ = [
    "NAME",
    "SCHEDULER_CONFIG",
    "SCHEDULER_IMAGE",
    "check",
    "config",
    "definition",
    "transform",
    "translate",
]
