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
from airunway.providers.sdk import ipc
from airunway.providers.sdk.base import Manifest, ProviderDefinition
from airunway.providers.sdk.rbac import Rule, owned

NAME: Final = "kuberay"
DISPLAY: Final = "KubeRay"
DESCRIPTION: Final = "Ray Serve via KubeRay for distributed Ray-based model serving with vLLM"
NAMESPACE: Final = "ray-system"
CHART_VERSION: Final = "1.3.0"
HELM_REPO: Final = "https://ray-project.github.io/kuberay-helm/"
MESSAGES: Final = ipc.upstream_messages(KIND)
SELECTION_RULES: Final = (
    ("has(spec.resources.gpu) && spec.resources.gpu.count > 1 && spec.engine.type == 'vllm'", 80),
)


def capabilities() -> dict[str, Any]:
    """``spec.capabilities``: vLLM, both modes, OpenAI chat."""
    return {
        "engines": [ipc.engine_capability("vllm", ["aggregated", "disaggregated"], ["openai-chat"])]
    }


def installation() -> dict[str, Any]:
    """InstallationInfo: the kuberay-operator chart."""
    install = (
        f"helm upgrade --install kuberay-operator kuberay/kuberay-operator --version "
        f"{CHART_VERSION} -n {NAMESPACE} --create-namespace --wait"
    )
    chart = ipc.helm_chart("kuberay-operator", "kuberay/kuberay-operator", NAMESPACE, CHART_VERSION)
    steps = [
        *ipc.repo_steps(DISPLAY, ("kuberay", HELM_REPO), "helm repo update"),
        ("Install KubeRay Operator", install, f"Install the KubeRay operator v{CHART_VERSION}."),
    ]
    return ipc.helm_installation(DESCRIPTION, ("kuberay", HELM_REPO), chart, steps)


def health() -> dict[str, Any]:
    """Where the UI looks for the CRD and the operator pods."""
    name = "app.kubernetes.io/name=kuberay-operator"
    return ipc.operator_health(
        ("KubeRay RayService CRD", "rayservices.ray.io"),
        NAMESPACE,
        [f"{name},app.kubernetes.io/instance=kuberay-operator", name],
        [name],
    )


def registration() -> ipc.Registration:
    """Everything KubeRay registers."""
    data = (capabilities(), installation(), health())
    return ipc.Registration(NAME, DISPLAY, DESCRIPTION, *data, selection_rules=SELECTION_RULES)


def config(version: str = "") -> Manifest:
    """The InferenceProviderConfig ``kuberay``."""
    return registration().config(version)


def definition() -> ProviderDefinition:
    """KubeRay for the shared runtime."""
    return ipc.define(
        registration(), MESSAGES, (check, transform, translate), ((API_VERSION, KIND),)
    )


#: What the KubeRay provider renders and reads (see airunway.providers.sdk.rbac).
RBAC_RULES: Final[tuple[Rule, ...]] = owned(
    "ray.io", "rayservices", "the RayService per ModelDeployment"
)
