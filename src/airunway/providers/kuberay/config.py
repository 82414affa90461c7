"""KubeRay's self-registration (spec providers.md §3.1) and its :class:`ProviderDefinition`.

KubeRay serves vLLM through Ray Serve, aggregated or disaggregated, on GPUs, OpenAI chat only.
Its one selection rule makes it the choice for multi-GPU vLLM deployments (priority 80, above
Dynamo's generic vLLM rule).  It has no gateway block: the core creates the InferencePool and
the default endpoint picker in front of ``<md>-serve-svc``.
"""

from __future__ import annotations

from typing import Any, Final

from airunway.providers.kuberay.status import translate
from airunway.providers.kuberay.transform import API_VERSION, KIND, check, transform
from airunway.providers.sdk.base import Manifest, Messages, ProviderDefinition
from airunway.providers.sdk.ipc import Registration, engine_capability, helm_steps
from airunway.providers.sdk.rbac import Rule

NAME: Final = "kuberay"
DISPLAY: Final = "KubeRay"
DESCRIPTION: Final = "Ray Serve via KubeRay for distributed Ray-based model serving with vLLM"
NAMESPACE: Final = "ray-system"
CHART_VERSION: Final = "1.3.0"
HELM_REPO: Final = "https://ray-project.github.io/kuberay-helm/"
UPSTREAM_CRD_VERSION: Final = API_VERSION
MESSAGES: Final = Messages(
    created="RayService created successfully",
    waiting="RayService created, waiting for pods to be ready",
    running="RayService created, pods are ready",
)
SELECTION_RULES: Final = (
    ("has(spec.resources.gpu) && spec.resources.gpu.count > 1 && spec.engine.type == 'vllm'", 80),
)


def capabilities() -> dict[str, Any]:
    """``spec.capabilities``: vLLM, both modes, OpenAI chat."""
    return {
        "engines": [engine_capability("vllm", ["aggregated", "disaggregated"], ["openai-chat"])]
    }


def installation() -> dict[str, Any]:
    """InstallationInfo: the kuberay-operator chart."""
    install = (
        f"helm upgrade --install kuberay-operator kuberay/kuberay-operator --version "
        f"{CHART_VERSION} -n {NAMESPACE} --create-namespace --wait"
    )
    return {
        "description": DESCRIPTION,
        "defaultNamespace": NAMESPACE,
        "helmRepos": [{"name": "kuberay", "url": HELM_REPO}],
        "helmCharts": [
            {
                "name": "kuberay-operator",
                "chart": "kuberay/kuberay-operator",
                "version": CHART_VERSION,
                "namespace": NAMESPACE,
                "createNamespace": True,
            }
        ],
        "steps": helm_steps(
            [
                (
                    "Add KubeRay Helm Repository",
                    f"helm repo add kuberay {HELM_REPO}",
                    "Add the KubeRay Helm repository.",
                ),
                (
                    "Update Helm Repositories",
                    "helm repo update",
                    "Update local Helm repository cache.",
                ),
                (
                    "Install KubeRay Operator",
                    install,
                    f"Install the KubeRay operator v{CHART_VERSION}.",
                ),
            ]
        ),
    }


def health() -> dict[str, Any]:
    """Where the UI looks for the CRD and the operator pods."""
    return {
        "crds": [{"displayName": "KubeRay RayService CRD", "name": "rayservices.ray.io"}],
        "operatorPods": [
            {
                "namespace": NAMESPACE,
                "selectors": [
                    (
                        "app.kubernetes.io/name=kuberay-operator,"
                        "app.kubernetes.io/instance=kuberay-operator"
                    ),
                    "app.kubernetes.io/name=kuberay-operator",
                ],
            },
            {"selectors": ["app.kubernetes.io/name=kuberay-operator"]},
        ],
    }


def registration() -> Registration:
    """Everything KubeRay registers."""
    return Registration(
        name=NAME,
        display=DISPLAY,
        description=DESCRIPTION,
        capabilities=capabilities(),
        installation=installation(),
        health=health(),
        selection_rules=SELECTION_RULES,
    )


def config(version: str = "") -> Manifest:
    """The InferenceProviderConfig ``kuberay``."""
    del version
    return registration().manifest()


def definition() -> ProviderDefinition:
    """KubeRay for the shared runtime."""
    return ProviderDefinition(
        name=NAME,
        display=DISPLAY,
        resource_label=DISPLAY,
        messages=MESSAGES,
        config=config,
        check=check,
        transform=transform,
        translate=translate,
        kinds=((API_VERSION, KIND),),
    )


#: What the KubeRay provider renders and reads (see airunway.providers.sdk.rbac).
RBAC_RULES: Final[tuple[Rule, ...]] = (
    (
        ["ray.io"],
        ["rayservices"],
        ["get", "list", "watch", "create", "patch", "update", "delete"],
        "the RayService per ModelDeployment",
    ),
    (["ray.io"], ["rayservices/status"], ["get"], "status sync"),
)
