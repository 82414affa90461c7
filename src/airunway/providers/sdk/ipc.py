"""The InferenceProviderConfig a provider registers, built from its data (spec providers.md §0.4).

Dynamo, KubeRay and llm-d register the same eight annotations (UI label, description, default
namespace, both documentation keys, and the capabilities, health and installation JSON) next to
``spec.capabilities`` and ``spec.selectionRules``; only the values differ.  The JSON values must
be byte-identical to the reference's ``encoding/json`` output (readers compare them as strings),
so they go through ``gojson``: struct-like dicts keep their (Go field) order, ``health`` is a Go
map and is sorted.  Pure.
"""

from __future__ import annotations

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
from airunway.providers.sdk.base import Manifest

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

    @property
    def documentation_url(self) -> str:
        """The canonical documentation URL of the provider."""
        return DOCS_URL.format(name=self.name)

    def annotations(self) -> dict[str, str]:
        """The eight IPC annotations of §0.4."""
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
