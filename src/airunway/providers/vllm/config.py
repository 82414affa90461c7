"""Direct vLLM registration (spec §5.1) and the provider definition the runtime runs.

Direct vLLM registers the vllm engine for aggregated serving on GPUs, no selection rules (it is
never auto-selected: users opt in with ``spec.provider.name: vllm``) and, unlike the other
providers, only two annotations: the installation steps and the legacy documentation key.  The
installation JSON must be byte-identical to the reference's ``encoding/json`` output, which
escapes ``<``, ``>`` and ``&``; ``sdk.gojson`` reproduces that encoder.
"""

from __future__ import annotations

from typing import Any, Final

from airunway.providers.sdk import ipc, storage
from airunway.providers.sdk.base import Manifest, ProviderDefinition
from airunway.providers.sdk.rbac import Rule, owned
from airunway.providers.sdk.workloads import KINDS
from airunway.providers.sdk.workloads import MESSAGES as MESSAGES  # noqa: PLC0414 - re-exported
from airunway.providers.vllm.status import translate
from airunway.providers.vllm.transform import check, transform

NAME: Final = "vllm"
DISPLAY: Final = "vLLM"
UPSTREAM_CRD_VERSION: Final = "apps/v1"
DOCUMENTATION_URL: Final = ipc.DOCS_URL.format(name=NAME)
DESCRIPTION: Final = (
    "vLLM provider: deploys vLLM Deployments + Services directly. "
    "Requires GPU nodes with the NVIDIA device plugin."
)
#: InstallationInfo in the reference's field order (description, ..., steps; title, command, ...).
INSTALLATION: Final[dict[str, Any]] = ipc.direct_installation(DESCRIPTION, "vllm-hf-token")


def spec() -> dict[str, Any]:
    """The IPC spec: the vllm engine, aggregated only, GPU only; no selection rules."""
    return registration().spec()


def registration() -> ipc.Registration:
    """What Direct vLLM registers, in the short form (two annotations, no selection rules)."""
    formats = ["openai-chat", "openai-responses", "anthropic-messages"]
    capabilities = {"engines": [ipc.engine_capability("vllm", ["aggregated"], formats)]}
    return ipc.Registration(
        NAME, DISPLAY, DESCRIPTION, capabilities, INSTALLATION, {}, short_form=True
    )


def config(version: str) -> Manifest:
    """The InferenceProviderConfig manifest (the same for every shim version)."""
    return registration().config(version)


def definition() -> ProviderDefinition:
    """Direct vLLM for the shared runtime (which also runs the §5.4 image pre-step)."""
    functions = (check, transform, translate)
    return ipc.define(
        registration(), MESSAGES, functions, KINDS + storage.KINDS, managed_storage=True
    )


#: What the Direct vLLM provider renders and reads (see airunway.providers.sdk.rbac).
RBAC_RULES: Final[tuple[Rule, ...]] = (
    *owned("apps", "deployments", "the vLLM server", status=False),
    *owned("", "services", "its Service", status=False),
    *storage.RBAC_RULES,
)
