"""KubeRay provider (``kuberay``): ModelDeployments as Ray Serve ``RayService`` applications.

Pure parts: ``config`` (registration and the :class:`ProviderDefinition`), ``transform``
(compatibility and the RayService), ``status`` (RayService state).  The shared runtime
(``airunway.providers.sdk``) does every API call.
"""

from airunway.providers.kuberay.config import NAME, config, definition
from airunway.providers.kuberay.status import translate
from airunway.providers.kuberay.transform import check, transform

__all__ = ["NAME", "check", "config", "definition", "transform", "translate"]
