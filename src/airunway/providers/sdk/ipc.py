"""The InferenceProviderConfig a provider registers, built from its data (spec providers.md §0.4).

KAITO, Dynamo, KubeRay and llm-d register the same eight annotations (UI label, description,
default namespace, both documentation keys, and the capabilities, health and installation JSON)
next to ``spec.capabilities`` and ``spec.selectionRules``; Direct vLLM registers a short form of
it.  Only the values differ, so every provider builds its registration, the parts of it (engine
capabilities, Helm installation steps, health hints) and its :class:`ProviderDefinition` with the
helpers here.  The JSON values must be byte-identical to the reference's ``encoding/json`` output
(readers compare them as strings), so they go through ``gojson``: struct-like dicts keep their
(Go field) order, ``health`` is a Go map and is sorted.  Pure.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from airunway.api import (
    ANNOTATION_CAPABILITIES,
    ANNOTATION_DEFAULT_NAMESPACE,
    ANNOTATION_DESCRIPTION,
    ANNOTATION_DISPLAY_NAME,
    ANNOTATION_DOCUMENTATION,
    ANNOTATION_DOCUMENTATION_URL,
    ANNOTATION_HEALTH,
    ANNOTATION_INSTALLATION,
    API_VERSION,
    INFERENCE_PROVIDER_CONFIG_KIND,
)
from airunway.providers.sdk import gojson
from airunway.providers.sdk.base import Manifest, Messages, ProviderDefinition, Rendered
from airunway.providers.sdk.status import UpstreamState

DOCS_URL = "https://github.com/ai-runway/airunway/tree/main/docs/providers/{name}.md"


@dataclass(frozen=True)
class Registration:
    """What one provider registers; ``capabilities`` and ``installation`` in Go field order."""

    name: str
    display: str
    description: str
    capabilities: dict[str, Any]
    installation: dict[str, Any]
    health: dict[str, Any]
    #: ``airunway.ai/default-namespace``; falls back to ``installation.defaultNamespace``
    default_namespace: str = ""
    #: (CEL condition, priority); empty = chosen only explicitly (``spec.provider.name``)
    selection_rules: tuple[tuple[str, int], ...] = field(default=())
    #: Direct vLLM's form: only the installation and legacy documentation annotations, and no
    #: ``spec.selectionRules`` key
    short_form: bool = False

    @property
    def documentation_url(self) -> str:
        """The canonical documentation URL of the provider."""
        return DOCS_URL.format(name=self.name)

    def annotations(self) -> dict[str, str]:
        """The eight IPC annotations of §0.4 (two in the short form)."""
        if self.short_form:
            return {
                ANNOTATION_INSTALLATION: gojson.dumps(self.installation),
                ANNOTATION_DOCUMENTATION: self.documentation_url,
            }
        namespace = self.default_namespace or str(self.installation.get("defaultNamespace", ""))
        return {
            ANNOTATION_DISPLAY_NAME: self.display,
            ANNOTATION_DESCRIPTION: self.description,
            ANNOTATION_DEFAULT_NAMESPACE: namespace,
            ANNOTATION_DOCUMENTATION_URL: self.documentation_url,
            ANNOTATION_DOCUMENTATION: self.documentation_url,
            ANNOTATION_CAPABILITIES: gojson.dumps(self.capabilities),
            ANNOTATION_HEALTH: gojson.dumps(self.health, sort_keys=True),
            ANNOTATION_INSTALLATION: gojson.dumps(self.installation),
        }

    def spec(self) -> dict[str, Any]:
        """``spec``: capabilities, and the selection rules (an empty list when there are none)."""
        if self.short_form:
            return {"capabilities": self.capabilities}
        return {
            "capabilities": self.capabilities,
            "selectionRules": [
                {"condition": condition, "priority": priority}
                for condition, priority in self.selection_rules
            ],
        }

    def manifest(self) -> Manifest:
        """The InferenceProviderConfig object."""
        return {
            "apiVersion": API_VERSION,
            "kind": INFERENCE_PROVIDER_CONFIG_KIND,
            "metadata": {"name": self.name, "annotations": self.annotations()},
            "spec": self.spec(),
        }

    def config(self, version: str = "") -> Manifest:
        """The manifest for shim ``version``: the same for every version (``status`` has it)."""
        del version
        return self.manifest()


#: A provider's pure functions: compatibility check, transform, upstream status translation.
Functions = tuple[
    Callable[..., str | None], Callable[..., Rendered], Callable[[Manifest], UpstreamState]
]


def define(
    registration: Registration,
    messages: Messages,
    functions: Functions,
    kinds: tuple[tuple[str, str], ...],
    *,
    managed_storage: bool = False,
) -> ProviderDefinition:
    """The :class:`ProviderDefinition` of a registered provider (its label is its display name)."""
    check, transform, translate = functions
    return ProviderDefinition(
        name=registration.name,
        display=registration.display,
        resource_label=registration.display,
        messages=messages,
        config=registration.config,
        check=check,
        transform=transform,
        translate=translate,
        kinds=kinds,
        managed_storage=managed_storage,
    )


def upstream_messages(kind: str) -> Messages:
    """The status texts of a provider whose primary object is one upstream ``kind``."""
    return Messages(
        created=f"{kind} created successfully",
        waiting=f"{kind} created, waiting for pods to be ready",
        running=f"{kind} created, pods are ready",
    )


def operator_health(
    crd: tuple[str, str], namespace: str, selectors: list[str], fallback: list[str]
) -> dict[str, Any]:
    """``health``: the (display name, name) of the upstream CRD and where its operator runs."""
    display, name = crd
    return {
        "crds": [{"displayName": display, "name": name}],
        "operatorPods": [
            {"namespace": namespace, "selectors": selectors},
            {"selectors": fallback},
        ],
    }


def helm_chart(
    name: str, chart: str, namespace: str, version: str = "", values: dict[str, Any] | None = None
) -> dict[str, Any]:
    """One ``HelmChart`` of the installation, in Go field order (omitempty fields left out)."""
    out: dict[str, Any] = {"name": name, "chart": chart}
    if version:
        out["version"] = version
    out |= {"namespace": namespace, "createNamespace": True}
    if values:
        out["values"] = values
    return out


def helm_installation(
    description: str,
    repo: tuple[str, str],
    chart: dict[str, Any],
    steps: list[tuple[str, str, str]],
) -> dict[str, Any]:
    """InstallationInfo of one chart from one (name, URL) repository, in Go field order."""
    name, url = repo
    return {
        "description": description,
        "defaultNamespace": chart["namespace"],
        "helmRepos": [{"name": name, "url": url}],
        "helmCharts": [chart],
        "steps": helm_steps(steps),
    }


def repo_steps(display: str, repo: tuple[str, str], update: str) -> list[tuple[str, str, str]]:
    """The first two steps of a chart from a Helm repository: add it, then refresh the cache."""
    name, url = repo
    return [
        (
            f"Add {display} Helm Repository",
            f"helm repo add {name} {url}",
            f"Add the {display} Helm repository.",
        ),
        ("Update Helm Repositories", update, "Update local Helm repository cache."),
    ]


def engine_capability(
    name: str,
    modes: list[str],
    api_formats: list[str],
    *,
    requires_crd: bool | None = None,
    gateway: dict[str, Any] | None = None,
) -> dict[str, Any]:
    """One ``EngineCapability`` of a GPU engine, in Go field order (omitempty fields left out)."""
    out: dict[str, Any] = {
        "name": name,
        "servingModes": modes,
        "apiFormats": api_formats,
        "gpuSupport": True,
    }
    if requires_crd is not None:
        out["requiresCRD"] = requires_crd
    if gateway:
        out["gateway"] = gateway
    return out


def helm_steps(steps: list[tuple[str, str, str]]) -> list[dict[str, str]]:
    """Installation steps (title, command, description), in Go field order."""
    return [{"title": t, "command": c, "description": d} for t, c, d in steps]


def direct_installation(description: str, token_secret: str) -> dict[str, Any]:
    """InstallationInfo of a provider without an operator: the GPU device plugin, a token."""
    return {
        "description": description,
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
                        f"kubectl create secret generic {token_secret} "
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
