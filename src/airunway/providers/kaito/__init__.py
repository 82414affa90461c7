"""The KAITO provider: ModelDeployments served as KAITO ``Workspace`` objects (providers.md §1).

Pure parts only: ``config`` (registration and the :class:`ProviderDefinition`), ``transform``
(compatibility and rendering), ``status`` (Workspace state and upstream health), ``drift`` (the
last-applied record and merge patch).  The shared runtime does every API call.
"""

from airunway.providers.kaito.config import NAME, config, definition
from airunway.providers.kaito.drift import LAST_APPLIED_ANNOTATION, merge_patch, needs_update
from airunway.providers.kaito.status import ProbeResult, probe_result, translate
from airunway.providers.kaito.transform import KaitoEnv, check, transform

__all__ = [
    "LAST_APPLIED_ANNOTATION",
    "NAME",
    "KaitoEnv",
    "ProbeResult",
    "check",
    "config",
    "definition",
    "merge_patch",
    "needs_update",
    "probe_result",
    "transform",
    "translate",
]
