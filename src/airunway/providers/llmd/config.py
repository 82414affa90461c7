"""llm-d's self-registration (spec providers.md §4.1) and its :class:`ProviderDefinition`.

llm-d registers vLLM (aggregated and disaggregated) with no selection rules, so it is used only
when named (``spec.provider.name: llmd``) unless an administrator adds rules to its config.  Its
gateway block is what the core gateway reconciler needs to run the llm-d inference scheduler as
the endpoint picker of the deployment's InferencePool: the scheduler image and its
EndpointPickerConfig (mounted as ``default-plugins.yaml``).
"""

from __future__ import annotations

from typing import Any, Final

from airunway.providers.llmd.status import translate
from airunway.providers.llmd.transform import check, transform
from airunway.providers.sdk import ipc
from airunway.providers.sdk.base import Manifest, ProviderDefinition
from airunway.providers.sdk.rbac import Rule, owned
from airunway.providers.sdk.workloads import KINDS, MESSAGES

NAME: Final = "llmd"
DISPLAY: Final = "llm-d"
LLMD_VERSION: Final = "0.6.0"
SCHEDULER_IMAGE: Final = f"ghcr.io/llm-d/llm-d-inference-scheduler:v{LLMD_VERSION}"
#: The endpoint picker's default configuration (YAML, exactly as the reference ships it).
SCHEDULER_CONFIG: Final = """apiVersion: inference.networking.x-k8s.io/v1alpha1
kind: EndpointPickerConfig
plugins:
- type: prefix-cache-scorer
- type: decode-filter
- type: max-score-picker
- type: single-profile-handler
schedulingProfiles:
- name: default
  plugins:
  - pluginRef: decode-filter
  - pluginRef: max-score-picker
  - pluginRef: prefix-cache-scorer
    weight: 2
"""
DESCRIPTION: Final = (
    "llm-d provider: deploys vLLM Deployments + Services directly. "
    "Requires GPU nodes with the NVIDIA device plugin."
)
DEFAULT_NAMESPACE: Final = "default"
UPSTREAM_CRD_VERSION: Final = "apps/v1"


def capabilities(
    scheduler_image: str = SCHEDULER_IMAGE, scheduler_config: str = SCHEDULER_CONFIG
) -> dict[str, Any]:
    """``spec.capabilities``: vLLM with the endpoint picker the core deploys for llm-d."""
    gateway = {"endpointPicker": {"image": scheduler_image, "configData": scheduler_config}}
    return {
        "engines": [
            ipc.engine_capability(
                "vllm",
                ["aggregated", "disaggregated"],
                ["openai-chat", "openai-responses", "anthropic-messages"],
                requires_crd=False,
                gateway=gateway,
            )
        ]
    }


def installation() -> dict[str, Any]:
    """InstallationInfo: no chart; the GPU device plugin and the token Secret."""
    return ipc.direct_installation(DESCRIPTION, "llm-d-hf-token")


def registration() -> ipc.Registration:
    """Everything llm-d registers (no selection rules: explicit selection only)."""
    data = (capabilities(), installation(), {"status": {"readyPath": "ready"}})
    return ipc.Registration(NAME, DISPLAY, DESCRIPTION, *data, default_namespace=DEFAULT_NAMESPACE)


def config(version: str = "") -> Manifest:
    """The InferenceProviderConfig ``llmd``."""
    return registration().config(version)


def definition() -> ProviderDefinition:
    """llm-d for the shared runtime."""
    return ipc.define(registration(), MESSAGES, (check, transform, translate), KINDS)


#: What the llm-d provider renders and reads (see airunway.providers.sdk.rbac).
RBAC_RULES: Final[tuple[Rule, ...]] = (
    *owned("apps", "deployments", "the vLLM servers"),
    *owned("", "services", "their Services", status=False),
)
