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
from airunway.providers.sdk import storage
from airunway.providers.sdk.base import Manifest, Messages, ProviderDefinition
from airunway.providers.sdk.ipc import Registration, engine_capability, helm_steps
from airunway.providers.sdk.rbac import Rule

NAME: Final = "dynamo"
DISPLAY: Final = "Dynamo"
DESCRIPTION: Final = "NVIDIA Dynamo for high-performance GPU inference"
NAMESPACE: Final = "dynamo-system"
HELM_REPO: Final = "https://helm.ngc.nvidia.com/nvidia/ai-dynamo"
UPSTREAM_CRD_VERSION: Final = API_VERSION
MESSAGES: Final = Messages(
    created="DynamoGraphDeployment created successfully",
    waiting="DynamoGraphDeployment created, waiting for pods to be ready",
    running="DynamoGraphDeployment created, pods are ready",
)
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
            engine_capability(
                "vllm",
                both,
                ["openai-chat", "openai-responses", "anthropic-messages"],
                gateway=dict(GATEWAY),
            ),
            engine_capability(
                "sglang", both, ["openai-chat", "anthropic-messages"], gateway=dict(GATEWAY)
            ),
            engine_capability(
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
    return {
        "description": DESCRIPTION,
        "defaultNamespace": NAMESPACE,
        "helmRepos": [{"name": "nvidia-ai-dynamo", "url": HELM_REPO}],
        "helmCharts": [
            {
                "name": "dynamo-platform",
                "chart": chart,
                "namespace": NAMESPACE,
                "createNamespace": True,
                "values": {"global.grove.install": True},
            }
        ],
        "steps": helm_steps(
            [
                (
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
            ]
        ),
    }


def health() -> dict[str, Any]:
    """Where the UI looks for the CRD and the operator pods."""
    return {
        "crds": [
            {
                "displayName": "DynamoGraphDeployment CRD",
                "name": "dynamographdeployments.nvidia.com",
            }
        ],
        "operatorPods": [
            {
                "namespace": NAMESPACE,
                "selectors": [
                    (
                        "control-plane=controller-manager,app.kubernetes.io/name=dynamo-operator,"
                        "app.kubernetes.io/instance=dynamo-platform"
                    ),
                    "app.kubernetes.io/name=dynamo-operator",
                    "control-plane=controller-manager",
                ],
            },
            {"selectors": ["app.kubernetes.io/name=dynamo-operator"]},
        ],
    }


def registration(version: str = VERSION) -> Registration:
    """Everything Dynamo registers."""
    return Registration(
        name=NAME,
        display=DISPLAY,
        description=DESCRIPTION,
        capabilities=capabilities(),
        installation=installation(version),
        health=health(),
        selection_rules=SELECTION_RULES,
    )


def config(version: str = "") -> Manifest:
    """The InferenceProviderConfig ``dynamo`` (``version`` is the shim's, not Dynamo's)."""
    del version
    return registration().manifest()


def definition(dynamo_version: str = VERSION) -> ProviderDefinition:
    """Dynamo for the shared runtime; images are tagged with ``dynamo_version``."""
    return ProviderDefinition(
        name=NAME,
        display=DISPLAY,
        resource_label=DISPLAY,
        messages=MESSAGES,
        config=config,
        check=check,
        transform=functools.partial(transform, version=dynamo_version),
        translate=translate,
        kinds=((API_VERSION, KIND), *storage.KINDS),
        managed_storage=True,
    )


#: What the Dynamo provider renders and reads (see airunway.providers.sdk.rbac).
RBAC_RULES: Final[tuple[Rule, ...]] = (
    (
        ["nvidia.com"],
        ["dynamographdeployments"],
        ["get", "list", "watch", "create", "patch", "update", "delete"],
        "the DynamoGraphDeployment per ModelDeployment",
    ),
    (["nvidia.com"], ["dynamographdeployments/status"], ["get"], "status sync"),
    *storage.RBAC_RULES,
)
