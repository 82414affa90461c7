"""Direct vLLM registration (spec §5.1) and the provider definition the runtime runs.

Direct vLLM registers the vllm engine for aggregated serving on GPUs, no selection rules (it is
never auto-selected: users opt in with ``spec.provider.name: vllm``) and, unlike the other
providers, only two annotations: the installation steps and the legacy documentation key.  The
installation JSON must be byte-identical to the reference's ``encoding/json`` output, which
escapes ``<``, ``>`` and ``&``; ``sdk.gojson`` reproduces that encoder.
"""

from __future__ import annotations

from typing import Any

from airunway.api import (
    ANNOTATION_DOCUMENTATION,
    ANNOTATION_INSTALLATION,
    API_VERSION,
    INFERENCE_PROVIDER_CONFIG_KIND,
    APIFormat,
    EngineType,
    ServingMode,
)
from airunway.providers.sdk import gojson, storage
from airunway.providers.sdk.base import Manifest, ProviderDefinition
from airunway.providers.sdk.workloads import KINDS
from airunway.providers.sdk.workloads import MESSAGES as MESSAGES  # noqa: PLC0414 - re-exported
from airunway.providers.vllm.status import translate
from airunway.providers.vllm.transform import check, transform

NAME = "vllm"
DISPLAY = "vLLM"
UPSTREAM_CRD_VERSION = "apps/v1"
DOCUMENTATION_URL = f"https://github.com/ai-runway/airunway/tree/main/docs/providers/{NAME}.md"
DESCRIPTION = (
    "vLLM provider: deploys vLLM Deployments + Services directly. "
    "Requires GPU nodes with the NVIDIA device plugin."
)
#: InstallationInfo in the reference's field order (description, ..., steps; title, command, ...).
INSTALLATION: dict[str, Any] = {
    "description": DESCRIPTION,
    "steps": [
        {
            "title": "Install NVIDIA GPU Device Plugin",
            "command": "kubectl apply -f https://raw.githubusercontent.com/NVIDIA/"
            "k8s-device-plugin/v0.17.0/deployments/static/nvidia-device-plugin.yml",
            "description": "Install the NVIDIA device plugin so GPU nodes advertise "
            "nvidia.com/gpu resources.",
        },
        {
            "title": "Create HuggingFace Token Secret",
            "command": "kubectl create secret generic vllm-hf-token "
            "--from-literal=HF_TOKEN=<your-token> -n <model-namespace>",
            "description": "Create the HuggingFace token secret in the same namespace as your "
            "ModelDeployment.",
        },
    ],
}


def spec() -> dict[str, Any]:
    """The IPC spec: the vllm engine, aggregated only, GPU only; no selection rules."""
    engine = {
        "name": EngineType.VLLM.value,
        "servingModes": [ServingMode.AGGREGATED.value],
        "apiFormats": [
            f.value
            for f in (
                APIFormat.OPENAI_CHAT,
                APIFormat.OPENAI_RESPONSES,
                APIFormat.ANTHROPIC_MESSAGES,
            )
        ],
        "gpuSupport": True,
    }
    return {"capabilities": {"engines": [engine]}}


def config(version: str) -> Manifest:
    """The InferenceProviderConfig manifest (the same for every shim version)."""
    del version  # status.version carries it; the manifest does not depend on it
    return {
        "apiVersion": API_VERSION,
        "kind": INFERENCE_PROVIDER_CONFIG_KIND,
        "metadata": {
            "name": NAME,
            "annotations": {
                ANNOTATION_INSTALLATION: gojson.dumps(INSTALLATION),
                ANNOTATION_DOCUMENTATION: DOCUMENTATION_URL,
            },
        },
        "spec": spec(),
    }


def definition() -> ProviderDefinition:
    """Direct vLLM for the shared runtime (which also runs the §5.4 image pre-step)."""
    return ProviderDefinition(
        name=NAME,
        display=DISPLAY,
        resource_label=DISPLAY,
        messages=MESSAGES,
        config=config,
        check=check,
        transform=transform,
        translate=translate,
        kinds=KINDS + storage.KINDS,
        managed_storage=True,
    )


#: What the Direct vLLM provider renders and reads (see airunway.providers.sdk.rbac).
RBAC_RULES: tuple[tuple[list[str], list[str], list[str], str], ...] = (
    (
        ["apps"],
        ["deployments"],
        ["get", "list", "watch", "create", "patch", "update", "delete"],
        "the vLLM server",
    ),
    (
        [""],
        ["services"],
        ["get", "list", "watch", "create", "patch", "update", "delete"],
        "its Service",
    ),
    *storage.RBAC_RULES,
)
