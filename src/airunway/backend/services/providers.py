"""InferenceProviderConfig → ``ProviderInfo`` / ``ProviderDetails`` (spec §3.3), pure.

Annotations win over ``spec`` (they are how providers publish UI metadata); a malformed
annotation never hides the provider: it is listed with a warning saying what was ignored.
"""

from __future__ import annotations

import json
from typing import Any

from airunway.backend.schemas.providers import (
    Capabilities,
    CrdConfig,
    EngineCapabilityInfo,
    ProviderDetails,
    ProviderInfo,
)

_NAMES = {
    "kaito": "KAITO",
    "dynamo": "Dynamo",
    "kuberay": "KubeRay",
    "llmd": "LLM-D",
    "vllm": "vLLM",
}
_NO_CRD = {"llmd", "vllm"}


def _ann(meta: dict[str, Any], *keys: str) -> str | None:
    annotations = meta.get("annotations") or {}
    return next((annotations[k] for k in keys if annotations.get(k)), None)


def _json(meta: dict[str, Any], key: str, warnings: list[str]) -> dict[str, Any] | None:
    raw = (meta.get("annotations") or {}).get(key)
    if not raw:
        return None
    try:
        value = json.loads(raw)
    except ValueError as exc:
        warnings.append(f"Invalid JSON in {key}: {exc}")
        return None
    if not isinstance(value, dict):
        warnings.append(f"{key} must be a JSON object")
        return None
    return value


def _strings(value: Any) -> list[str]:  # noqa: ANN401 - annotation JSON
    return [v for v in value if isinstance(v, str)] if isinstance(value, list) else []


def capabilities(raw: dict[str, Any] | None) -> Capabilities:
    """Normalised capabilities from the annotation or ``spec.capabilities``."""
    if not raw:
        return Capabilities()
    engines: list[str] = []
    per_engine: list[EngineCapabilityInfo] = []
    for entry in raw.get("engines") or []:
        if isinstance(entry, str):
            name, detail = entry, {}
        elif isinstance(entry, dict) and isinstance(entry.get("name"), str):
            name, detail = entry["name"], entry
        else:
            continue
        if name not in engines:
            engines.append(name)
        if detail:
            per_engine.append(
                EngineCapabilityInfo(
                    name=name,
                    serving_modes=_strings(detail.get("servingModes")),
                    gpu_support=detail.get("gpuSupport"),
                    cpu_support=detail.get("cpuSupport"),
                    requires_crd=detail.get("requiresCRD"),
                    gateway=detail.get("gateway")
                    if isinstance(detail.get("gateway"), dict)
                    else None,
                )
            )
    modes = _strings(raw.get("modes")) or _strings(raw.get("servingModes"))
    if not modes:
        modes = list(dict.fromkeys(m for e in per_engine for m in e.serving_modes))
    features = (
        {k: v for k, v in (raw.get("features") or {}).items() if isinstance(v, bool)}
        if isinstance(raw.get("features"), dict)
        else {}
    )
    if any(e.gpu_support for e in per_engine):
        features["gpu"] = True
    if any(e.cpu_support for e in per_engine):
        features["cpu"] = True
    return Capabilities(
        engines=engines,
        engine_capabilities=per_engine,
        modes=modes,
        model_sources=_strings(raw.get("modelSources")),
        router_modes=_strings(raw.get("routerModes")),
        features=features,
    )


def _requires_crd(ident: str, name: str, caps: Capabilities, raw: dict[str, Any] | None) -> bool:
    flags = [e.requires_crd for e in caps.engine_capabilities]
    if any(f is True for f in flags):
        return True
    if flags and all(f is False for f in flags):
        return False
    if raw and isinstance(raw.get("requiresCRD"), bool):
        return bool(raw["requiresCRD"])
    return not (ident.lower() in _NO_CRD or name in {"LLM-D", "vLLM"})


def _installation(meta: dict[str, Any], warnings: list[str]) -> dict[str, list[dict[str, Any]]]:
    raw = _json(meta, "airunway.ai/installation", warnings) or {}
    out: dict[str, list[dict[str, Any]]] = {"helmRepos": [], "helmCharts": [], "steps": []}
    rules = {
        "helmRepos": (("name", "url"), "Ignoring malformed Helm repo in airunway.ai/installation"),
        "helmCharts": (
            ("name", "chart", "namespace"),
            "Ignoring malformed Helm chart in airunway.ai/installation",
        ),
        "steps": (
            ("title", "description"),
            "Ignoring malformed installation step in airunway.ai/installation",
        ),
    }
    for key, (required, warning) in rules.items():
        for item in raw.get(key) or []:
            if isinstance(item, dict) and all(isinstance(item.get(f), str) for f in required):
                out[key].append(item)
            else:
                warnings.append(warning)
    if isinstance(raw.get("description"), str):
        out["description"] = [{"text": raw["description"]}]
    if isinstance(raw.get("defaultNamespace"), str):
        out["defaultNamespace"] = [{"text": raw["defaultNamespace"]}]
    return out


def details(ipc: dict[str, Any]) -> ProviderDetails:
    """Everything the UI shows about one provider."""
    meta = ipc.get("metadata") or {}
    ident = meta.get("name") or "unknown"
    warnings: list[str] = []
    name = (
        _ann(meta, "airunway.ai/provider-name", "airunway.io/provider-name")
        or _NAMES.get(ident.lower())
        or _ann(meta, "airunway.ai/display-name", "airunway.io/display-name")
        or ident[:1].upper() + ident[1:]
    )
    raw_caps = _json(meta, "airunway.ai/capabilities", warnings)
    if raw_caps is None:
        raw_caps = (ipc.get("spec") or {}).get("capabilities")
    caps = capabilities(raw_caps)
    if not raw_caps:
        warnings.append("Missing airunway.ai/capabilities; provider is listed but not deployable")
    install = _installation(meta, warnings)
    description = (
        _ann(meta, "airunway.ai/description")
        or (install.get("description") or [{}])[0].get("text")
        or "No description available"
    )
    namespace = (
        _ann(meta, "airunway.ai/default-namespace")
        or (install.get("defaultNamespace") or [{}])[0].get("text")
        or "default"
    )
    group, _, version = str(ipc.get("apiVersion") or "airunway.ai/v1alpha1").rpartition("/")
    return ProviderDetails(
        id=ident,
        name=name,
        description=description,
        default_namespace=namespace,
        documentation_url=_ann(meta, "airunway.ai/documentation-url", "airunway.ai/documentation"),
        icon=_ann(meta, "airunway.ai/icon"),
        capabilities=caps,
        requires_crd=_requires_crd(ident, name, caps, raw_caps),
        installable=any(install[k] for k in ("helmRepos", "helmCharts", "steps")),
        deployment_defaults=_json(meta, "airunway.ai/deployment-defaults", warnings),
        health=_json(meta, "airunway.ai/health", warnings),
        warnings=warnings,
        crd_config=CrdConfig(
            api_group=group or "airunway.ai",
            api_version=version or "v1alpha1",
            plural="inferenceproviderconfigs",
            kind=str(ipc.get("kind") or "InferenceProviderConfig"),
        ),
        installation_steps=install["steps"],
        helm_repos=install["helmRepos"],
        helm_charts=install["helmCharts"],
    )


def info(ipc: dict[str, Any]) -> ProviderInfo:
    """The list view of one provider."""
    full = details(ipc)
    return ProviderInfo.model_validate(full.model_dump(include=set(ProviderInfo.model_fields)))
