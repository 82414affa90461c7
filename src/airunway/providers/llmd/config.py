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
from airunway.providers.sdk.base import Manifest, ProviderDefinition
from airunway.providers.sdk.ipc import Registration, engine_capability, helm_steps
from airunway.providers.sdk.rbac import Rule
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
            engine_capability(
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
    return {
        "description": DESCRIPTION,
        "steps": helm_steps(
            [
                (
                    "Install NVIDIA GPU Device Plugin",
                    (
                        "kubectl apply -f https://raw.githubusercontent.com/NVIDIA/"
                        "k8s-device-plugin/v0.17.0/deployments/static/nvidia-device-plugin.yml"
                    ),
                    (
                        "Install the NVIDIA device plugin so GPU nodes advertise nvidia.com/gpu "
                        "resources."
                    ),
                ),
                (
                    "Create HuggingFace Token Secret",
                    (
                        "kubectl create secret generic llm-d-hf-token "
                        "--from-literal=HF_TOKEN=<your-token> -n <model-namespace>"
                    ),
                    (
                        "Create the HuggingFace token secret in the same namespace as your "
                        "ModelDeployment."
                    ),
                ),
            ]
        ),
    }


def registration() -> Registration:
    """Everything llm-d registers (no selection rules: explicit selection only)."""
    return Registration(
        name=NAME,
        display=DISPLAY,
        description=DESCRIPTION,
        capabilities=capabilities(),
        installation=installation(),
        health={"status": {"readyPath": "ready"}},
        default_namespace=DEFAULT_NAMESPACE,
    )


def config(version: str = "") -> Manifest:
    """The InferenceProviderConfig ``llmd``."""
    del version
    return registration().manifest()


def definition() -> ProviderDefinition:
    """llm-d for the shared runtime."""
    return ProviderDefinition(
        name=NAME,
        display=DISPLAY,
        resource_label=DISPLAY,
        messages=MESSAGES,
        config=config,
        check=check,
        transform=transform,
        translate=translate,
        kinds=KINDS,
    )


#: What the llm-d provider renders and reads (see airunway.providers.sdk.rbac).
RBAC_RULES: Final[tuple[Rule, ...]] = (
    (
        ["apps"],
        ["deployments"],
        ["get", "list", "watch", "create", "patch", "update", "delete"],
        "the vLLM servers",
    ),
    (["apps"], ["deployments/status"], ["get"], "status sync"),
    (
        [""],
        ["services"],
        ["get", "list", "watch", "create", "patch", "update", "delete"],
        "their Services",
    ),
)
