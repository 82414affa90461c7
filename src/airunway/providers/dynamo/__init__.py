"""NVIDIA Dynamo provider (``dynamo``): ModelDeployments as ``DynamoGraphDeployment`` graphs.

Pure parts: ``config`` (registration and the :class:`ProviderDefinition`), ``transform``
(compatibility and the DGD), ``services`` (the router and worker services), ``status`` (DGD
state).  The shared runtime (``airunway.providers.sdk``) does every API call.
"""

from airunway.providers.dynamo.config import NAME, config, definition
from airunway.providers.dynamo.status import translate
from airunway.providers.dynamo.transform import check, is_mocker, transform

__all__ = ["NAME", "check", "config", "definition", "is_mocker", "transform", "translate"]
