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
from airunway.providers.sdk import ipc
from airunway.providers.sdk.base import Manifest, ProviderDefinition
from airunway.providers.sdk.rbac import Rule, owned

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

MESSAGES: Final = ipc.upstream_messages(WORKSPACE_KIND)

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
            ipc.engine_capability(
                "vllm", ["aggregated"], ["openai-chat", "openai-responses", "anthropic-messages"]
            ),
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
    repo = ("kaito", HELM_REPO_URL)
    install = (
        "Install KAITO Workspace Operator",
        (
            "helm upgrade --install kaito-workspace kaito/workspace "
            f"--version {chart_version} -n {DEFAULT_NAMESPACE} --create-namespace "
            f"{_INSTALL_FLAGS}"
        ),
        (
            f"Install the KAITO workspace operator v{chart_version} with Node "
            "Auto-Provisioning disabled (BYO nodes mode), and sub-chart dependencies "
            "disabled."
        ),
    )
    return ipc.helm_installation(
        DESCRIPTION,
        repo,
        ipc.helm_chart("kaito-workspace", "kaito/workspace", DEFAULT_NAMESPACE, chart_version),
        [*ipc.repo_steps(DISPLAY, repo, "helm repo update kaito"), install],
    )


def health() -> dict[str, Any]:
    """Health-probe hints for the UI/backend: the CRD and where the operator pods run."""
    name = "app.kubernetes.io/name=workspace"
    return ipc.operator_health(
        ("KAITO workspace CRD", "workspaces.kaito.sh"),
        DEFAULT_NAMESPACE,
        [f"{name},app.kubernetes.io/instance=kaito-workspace", name],
        [name, "app=ai-toolchain-operator"],
    )


def registration(chart_version: str = KAITO_VERSION) -> ipc.Registration:
    """Everything KAITO registers (``sdk.ipc`` builds the annotations and spec from it)."""
    rules = tuple((r["condition"], r["priority"]) for r in selection_rules())
    data = (capabilities(), installation(chart_version), health())
    return ipc.Registration(NAME, DISPLAY, DESCRIPTION, *data, DEFAULT_NAMESPACE, rules)


def ipc_annotations(chart_version: str = KAITO_VERSION) -> dict[str, str]:
    """The IPC annotations (§0.4), JSON values byte-identical to the reference's."""
    return registration(chart_version).annotations()


def config(version: str = "") -> Manifest:
    """The InferenceProviderConfig ``kaito``.

    ``version`` is the shim's version, which the runtime passes to every provider; the manifest
    does not carry it (``status.version`` does), and the KAITO chart version in the installation
    annotation is the build-time :data:`KAITO_VERSION`, as in the reference.
    """
    return registration().config(version)


def definition(env: KaitoEnv | None = None) -> ProviderDefinition:
    """KAITO as the shared runtime drives it; ``env`` is the node-auto-provisioning settings."""
    functions = (check, functools.partial(transform, env=env), translate)
    return ipc.define(
        registration(), MESSAGES, functions, ((WORKSPACE_API_VERSION, WORKSPACE_KIND),)
    )


#: What the KAITO provider renders and reads (see airunway.providers.sdk.rbac).
RBAC_RULES: Final[tuple[Rule, ...]] = (
    *owned("kaito.sh", "workspaces", "the Workspace per ModelDeployment"),
    (["apps"], ["deployments"], ["get", "list", "watch"], "upstream controller health probe"),
)
