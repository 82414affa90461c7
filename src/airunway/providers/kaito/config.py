"""KAITO's self-registration (spec providers.md §1.1) and its :class:`ProviderDefinition`.

The InferenceProviderConfig is data: capabilities and selection rules that the core controller
uses to pick KAITO, and UI annotations whose JSON values are byte-identical to the reference's
(``gojson`` reproduces Go's encoder), so a shim upgrade from the reference does not rewrite them.
Dicts below that stand for Go structs list their keys in the Go field order on purpose; the
``health`` value is a Go map, so its keys are sorted.
"""

from __future__ import annotations

import functools
from typing import Any, Final

from airunway.providers.kaito.status import translate
from airunway.providers.kaito.transform import (
    WORKSPACE_API_VERSION,
    WORKSPACE_KIND,
    KaitoEnv,
    check,
    transform,
)
from airunway.providers.sdk.base import Manifest, Messages, ProviderDefinition
from airunway.providers.sdk.ipc import Registration

NAME: Final = "kaito"
DISPLAY: Final = "KAITO"
#: The KAITO workspace chart this shim installs and is tested with (``KAITO_VERSION``).
KAITO_VERSION: Final = "0.10.0"
#: ``status.upstreamCRDVersion`` of the IPC.
UPSTREAM_CRD_VERSION: Final = WORKSPACE_API_VERSION
DESCRIPTION: Final = "Kubernetes AI Toolchain Operator for simplified model deployment"
DEFAULT_NAMESPACE: Final = "kaito-workspace"
DOCUMENTATION_URL: Final = "https://github.com/ai-runway/airunway/tree/main/docs/providers/kaito.md"
HELM_REPO_URL: Final = "https://kaito-project.github.io/kaito/charts/kaito"

MESSAGES: Final = Messages(
    created="Workspace created successfully",
    waiting="Workspace created, waiting for pods to be ready",
    running="Workspace created, pods are ready",
)

_INSTALL_FLAGS: Final = (
    "--set featureGates.disableNodeAutoProvisioning=true --set nvidiaDevicePlugin.enabled=false "
    "--set localCSIDriver.useLocalCSIDriver=false --set gpu-feature-discovery.gfd.enabled=false "
    "--set gpu-feature-discovery.nfd.master.deploy=false "
    "--set gpu-feature-discovery.nfd.worker.deploy=false --wait"
)


def capabilities() -> dict[str, Any]:
    """``spec.capabilities`` (also the ``airunway.ai/capabilities`` annotation, Go field order)."""
    return {
        "engines": [
            {
                "name": "vllm",
                "servingModes": ["aggregated"],
                "apiFormats": ["openai-chat", "openai-responses", "anthropic-messages"],
                "gpuSupport": True,
            },
            {
                "name": "llamacpp",
                "servingModes": ["aggregated"],
                "apiFormats": ["openai-chat"],
                "gpuSupport": True,
                "cpuSupport": True,
                # KAITO's llama.cpp server ignores servedName: routes fall back to the model id.
                "gateway": {"ignoresServedName": True},
            },
        ]
    }


def selection_rules() -> list[dict[str, Any]]:
    """``spec.selectionRules``: KAITO wins CPU-only models and every llama.cpp model."""
    return [
        {"condition": "!has(spec.resources.gpu) || spec.resources.gpu.count == 0", "priority": 100},
        {"condition": "spec.engine.type == 'llamacpp'", "priority": 100},
    ]


def installation(chart_version: str = KAITO_VERSION) -> dict[str, Any]:
    """InstallationInfo (Go field order: description, defaultNamespace, helmRepos, ...)."""
    return {
        "description": DESCRIPTION,
        "defaultNamespace": DEFAULT_NAMESPACE,
        "helmRepos": [{"name": "kaito", "url": HELM_REPO_URL}],
        "helmCharts": [
            {
                "name": "kaito-workspace",
                "chart": "kaito/workspace",
                "version": chart_version,
                "namespace": DEFAULT_NAMESPACE,
                "createNamespace": True,
            }
        ],
        "steps": [
            {
                "title": "Add KAITO Helm Repository",
                "command": f"helm repo add kaito {HELM_REPO_URL}",
                "description": "Add the KAITO Helm repository.",
            },
            {
                "title": "Update Helm Repositories",
                "command": "helm repo update kaito",
                "description": "Update local Helm repository cache.",
            },
            {
                "title": "Install KAITO Workspace Operator",
                "command": (
                    "helm upgrade --install kaito-workspace kaito/workspace "
                    f"--version {chart_version} -n {DEFAULT_NAMESPACE} --create-namespace "
                    f"{_INSTALL_FLAGS}"
                ),
                "description": (
                    f"Install the KAITO workspace operator v{chart_version} with Node "
                    "Auto-Provisioning disabled (BYO nodes mode), and sub-chart dependencies "
                    "disabled."
                ),
            },
        ],
    }


def health() -> dict[str, Any]:
    """Health-probe hints for the UI/backend: the CRD and where the operator pods run."""
    return {
        "crds": [{"displayName": "KAITO workspace CRD", "name": "workspaces.kaito.sh"}],
        "operatorPods": [
            {
                "namespace": DEFAULT_NAMESPACE,
                "selectors": [
                    "app.kubernetes.io/name=workspace,app.kubernetes.io/instance=kaito-workspace",
                    "app.kubernetes.io/name=workspace",
                ],
            },
            {"selectors": ["app.kubernetes.io/name=workspace", "app=ai-toolchain-operator"]},
        ],
    }


def registration(chart_version: str = KAITO_VERSION) -> Registration:
    """Everything KAITO registers (``sdk.ipc`` builds the annotations and spec from it)."""
    return Registration(
        name=NAME,
        display=DISPLAY,
        description=DESCRIPTION,
        capabilities=capabilities(),
        installation=installation(chart_version),
        health=health(),
        default_namespace=DEFAULT_NAMESPACE,
        selection_rules=tuple((r["condition"], r["priority"]) for r in selection_rules()),
    )


def ipc_annotations(chart_version: str = KAITO_VERSION) -> dict[str, str]:
    """The IPC annotations (§0.4), JSON values byte-identical to the reference's."""
    return registration(chart_version).annotations()


def config(version: str = "") -> Manifest:
    """The InferenceProviderConfig ``kaito``.

    ``version`` is the shim's version, which the runtime passes to every provider; the manifest
    does not carry it (``status.version`` does), and the KAITO chart version in the installation
    annotation is the build-time :data:`KAITO_VERSION`, as in the reference.
    """
    del version
    return registration().manifest()


def definition(env: KaitoEnv | None = None) -> ProviderDefinition:
    """KAITO as the shared runtime drives it; ``env`` is the node-auto-provisioning settings."""
    return ProviderDefinition(
        name=NAME,
        display=DISPLAY,
        resource_label=DISPLAY,
        messages=MESSAGES,
        config=config,
        check=check,
        transform=functools.partial(transform, env=env),
        translate=translate,
        kinds=((WORKSPACE_API_VERSION, WORKSPACE_KIND),),
    )


#: What the KAITO provider renders and reads (see airunway.providers.sdk.rbac).
RBAC_RULES: tuple[tuple[list[str], list[str], list[str], str], ...] = (
    (
        ["kaito.sh"],
        ["workspaces"],
        ["get", "list", "watch", "create", "patch", "update", "delete"],
        "the Workspace per ModelDeployment",
    ),
    (["kaito.sh"], ["workspaces/status"], ["get"], "status sync"),
    (["apps"], ["deployments"], ["get", "list", "watch"], "upstream controller health probe"),
)
