"""The Dynamo provider process: the SDK runtime, ready while the DGD CRD is served (§0.3).

No upstream-controller probe.  Managed storage (PVCs and the model download Job before the
graph, spec §2.5) is the SDK's capability, switched on in the provider definition.
"""

from __future__ import annotations

from airunway.providers.dynamo.config import definition
from airunway.providers.dynamo.transform import API_VERSION, KIND
from airunway.providers.sdk.operator import ProviderProcess
from airunway.providers.sdk.settings import ProviderSettings


def build(settings: ProviderSettings) -> ProviderProcess:
    """The Dynamo provider process."""
    return ProviderProcess(definition(), settings, upstream_kind=(API_VERSION, KIND))
