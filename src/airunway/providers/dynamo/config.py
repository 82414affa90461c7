"""Dynamo's self-registration (spec providers.md §2.1) and its :class:`ProviderDefinition`.

Dynamo offers vLLM and SGLang (aggregated and disaggregated) and TensorRT-LLM (aggregated) on
GPUs, and manages its own InferencePool (``{name}-pool``) and endpoint picker, which the core
gateway reconciler must wait for instead of creating its own.  Its selection rules make it the
first choice for SGLang, TensorRT-LLM and disaggregated serving, and a fallback for vLLM on GPUs.
"""

from __future__ import annotations

import functools
from typing import Any, Final

from airunway.providers.dynamo.services import VERSION
from airunway.providers.dynamo.status import translate
from airunway.providers.dynamo.transform import API_VERSION, KIND, check, transform
from airunway.providers.sdk import ipc, storage
from airunway.providers.sdk.base import Manifest, ProviderDefinition
from airunway.providers.sdk.rbac import Rule, owned

NAME: Final = "dynamo"
DISPLAY: Final = "Dynamo"
DESCRIPTION: Final = "NVIDIA Dynamo for high-performance GPU inference"
NAMESPACE: Final = "dynamo-system"
HELM_REPO: Final = "https://helm.ngc.nvidia.com/nvidia/ai-dynamo"
MESSAGES: Final = ipc.upstream_messages(KIND)
GATEWAY: Final = {
    "managesInferencePool": True,
    "inferencePoolNamePattern": "{name}-pool",
    "inferencePoolNamespace": "{namespace}",
}
SELECTION_RULES: Final = (
    ("spec.engine.type == 'trtllm'", 100),
    ("spec.engine.type == 'sglang'", 100),
    ("has(spec.serving) && spec.serving.mode == 'disaggregated'", 90),
    ("has(spec.resources.gpu) && spec.resources.gpu.count > 0 && spec.engine.type == 'vllm'", 50),
)


def capabilities() -> dict[str, Any]:
    """``spec.capabilities``: three engines, each with Dynamo's gateway block."""
    both = ["aggregated", "disaggregated"]
    return {
        "engines": [
            ipc.engine_capability(
                "vllm",
                both,
                ["openai-chat", "openai-responses", "anthropic-messages"],
                gateway=dict(GATEWAY),
            ),
            ipc.engine_capability(
                "sglang", both, ["openai-chat", "anthropic-messages"], gateway=dict(GATEWAY)
            ),
            ipc.engine_capability(
                "trtllm",
                ["aggregated"],
                ["openai-chat", "openai-responses"],
                gateway=dict(GATEWAY),
            ),
        ]
    }


def installation(version: str = VERSION) -> dict[str, Any]:
    """InstallationInfo: the dynamo-platform chart (with Grove) from NGC."""
    chart = f"{HELM_REPO}/charts/dynamo-platform-{version}.tgz"
    step = (
        "Install Dynamo Platform",
        (
            f"helm upgrade --install dynamo-platform {chart} --namespace {NAMESPACE} "
            "--create-namespace --set-json global.grove.install=true"
        ),
        (
            f"Install the Dynamo platform operator v{version} with bundled Grove "
            "enabled by default. This chart includes the required CRDs."
        ),
    )
    values = {"global.grove.install": True}
    return ipc.helm_installation(
        DESCRIPTION,
        ("nvidia-ai-dynamo", HELM_REPO),
        ipc.helm_chart("dynamo-platform", chart, NAMESPACE, values=values),
        [step],
    )


def health() -> dict[str, Any]:
    """Where the UI looks for the CRD and the operator pods."""
    name = "app.kubernetes.io/name=dynamo-operator"
    manager = "control-plane=controller-manager"
    return ipc.operator_health(
        ("DynamoGraphDeployment CRD", "dynamographdeployments.nvidia.com"),
        NAMESPACE,
        [f"{manager},{name},app.kubernetes.io/instance=dynamo-platform", name, manager],
        [name],
    )


def registration(version: str = VERSION) -> ipc.Registration:
    """Everything Dynamo registers."""
    data = (capabilities(), installation(version), health())
    return ipc.Registration(NAME, DISPLAY, DESCRIPTION, *data, selection_rules=SELECTION_RULES)


def config(version: str = "") -> Manifest:
    """The InferenceProviderConfig ``dynamo`` (``version`` is the shim's, not Dynamo's)."""
    return registration().config(version)


def definition(dynamo_version: str = VERSION) -> ProviderDefinition:
    """Dynamo for the shared runtime; images are tagged with ``dynamo_version``."""
    versioned = functools.partial(transform, version=dynamo_version)
    kinds = ((API_VERSION, KIND), *storage.KINDS)
    return ipc.define(
        registration(), MESSAGES, (check, versioned, translate), kinds, managed_storage=True
    )


#: What the Dynamo provider renders and reads (see airunway.providers.sdk.rbac).
RBAC_RULES: Final[tuple[Rule, ...]] = (
    *owned("nvidia.com", "dynamographdeployments", "the DynamoGraphDeployment per ModelDeployment"),
    *storage.RBAC_RULES,
)
