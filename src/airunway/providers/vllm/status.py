"""Direct vLLM status: the primary Deployment's state (spec §5.3, identical to llm-d §4.3).

The mapping is the one every Deployment-based provider uses, so it lives in
:mod:`airunway.providers.sdk.workloads`; this module names it for the provider definition and
keeps the provider package's usual shape (``config``, ``transform``, ``status``).
"""

from __future__ import annotations

from typing import Any

from airunway.providers.sdk.status import UpstreamState
from airunway.providers.sdk.workloads import translate_deployment


def translate(deployment: dict[str, Any]) -> UpstreamState:
    """Phase, message, replicas and endpoint ``<deployment name>:8000`` of the Deployment."""
    return translate_deployment(deployment)
