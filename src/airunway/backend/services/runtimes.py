"""Runtimes status (spec §4): whether each registered provider's real upstream operator is there.

A provider shim being registered says nothing about the operator it drives; so, per provider,
the upstream CRDs must exist and an operator pod must be running and ready (from the provider's
``airunway.ai/health`` hints, or the built-in table for KAITO, Dynamo and KubeRay).  The shim's
heartbeat only rewrites the message when it is stale or says the upstream is not ready.
"""

from __future__ import annotations

import time
from datetime import datetime
from typing import Any

from airunway.api import API_VERSION, INFERENCE_PROVIDER_CONFIG_KIND
from airunway.backend.schemas.providers import ProviderDetails, ProviderInfo, RuntimeStatus
from airunway.backend.services import providers
from airunway.kube.client import Kube
from airunway.kube.errors import KubeError, NotFoundError

CRD = ("apiextensions.k8s.io/v1", "CustomResourceDefinition")
#: id → (CRD, display, namespace, selectors in the namespace, cross-namespace selectors)
BUILTIN: dict[str, tuple[str, str, str, list[str], list[str]]] = {
    "kaito": (
        "workspaces.kaito.sh",
        "KAITO workspace CRD",
        "kaito-workspace",
        [
            "app.kubernetes.io/name=workspace,app.kubernetes.io/instance=kaito-workspace",
            "app.kubernetes.io/name=workspace",
        ],
        ["app.kubernetes.io/name=workspace", "app=ai-toolchain-operator"],
    ),
    "dynamo": (
        "dynamographdeployments.nvidia.com",
        "Dynamo CRD",
        "dynamo-system",
        [
            (
                "control-plane=controller-manager,app.kubernetes.io/name=dynamo-operator,"
                "app.kubernetes.io/instance=dynamo-platform"
            ),
            "app.kubernetes.io/name=dynamo-operator",
            "control-plane=controller-manager",
        ],
        ["app.kubernetes.io/name=dynamo-operator"],
    ),
    "kuberay": (
        "rayservices.ray.io",
        "KubeRay CRD",
        "ray-system",
        [
            "app.kubernetes.io/name=kuberay-operator,app.kubernetes.io/instance=kuberay-operator",
            "app.kubernetes.io/name=kuberay-operator",
        ],
        ["app.kubernetes.io/name=kuberay-operator"],
    ),
}


def status_ready(ipc: dict[str, Any], health: dict[str, Any] | None) -> bool:
    """The IPC's own readiness: ``status.<readyPath>`` or all listed conditions True."""
    status = ipc.get("status") or {}
    hints = (health or {}).get("status") or {}
    path = str(hints.get("readyPath") or "ready").removeprefix("status.")
    value: Any = status
    for part in path.split("."):
        value = value.get(part) if isinstance(value, dict) else None
    if value is True:
        return True
    wanted = hints.get("conditions") or []
    if wanted:
        conditions = {
            c.get("type"): str(c.get("status")).lower() for c in status.get("conditions") or []
        }
        return all(conditions.get(w) == "true" for w in wanted)
    return False


def _selector(text: str) -> dict[str, str]:
    return dict(part.split("=", 1) for part in text.split(",") if "=" in part)


def _running(pod: dict[str, Any]) -> bool:
    status = pod.get("status") or {}
    containers = status.get("containerStatuses") or []
    return status.get("phase") == "Running" and all(c.get("ready") for c in containers)


async def _find_pod(kube: Kube, namespace: str | None, selectors: list[str]) -> str | None:
    """Namespace of the first running, ready pod matching a selector, in order."""
    for selector in selectors:
        try:
            pods = await kube.list("v1", "Pod", namespace, labels=_selector(selector))
        except NotFoundError:
            continue
        for pod in pods:
            if _running(pod):
                return str(pod["metadata"].get("namespace"))
    return None


async def _crd_exists(kube: Kube, name: str) -> bool:
    try:
        await kube.get(*CRD, name)
    except NotFoundError:
        return False
    return True


def _probes(health: dict[str, Any]) -> list[tuple[str | None, list[str]]]:
    probes = [
        (p.get("namespace"), _strings(p.get("selectors")))
        for p in health.get("operatorPods") or []
        if isinstance(p, dict)
    ]
    legacy = health.get("operator")
    if not probes and isinstance(legacy, dict):
        probes = [
            (
                legacy.get("namespace"),
                _strings(legacy.get("podSelectors")) + _strings(legacy.get("fallbackPodSelectors")),
            ),
            (None, _strings(legacy.get("crossNamespacePodSelectors"))),
        ]
    return [(ns, sels) for ns, sels in probes if sels]


def _strings(value: object) -> list[str]:
    return [v for v in value if isinstance(v, str)] if isinstance(value, list) else []


async def _annotation_check(
    kube: Kube, info: ProviderDetails, health: dict[str, Any], *, ready: bool
) -> tuple[bool, bool, bool, str]:
    crds: list[tuple[str, str]] = [
        (c, c) if isinstance(c, str) else (str(c["name"]), str(c.get("displayName") or c["name"]))
        for c in health.get("crds") or []
        if isinstance(c, str) or (isinstance(c, dict) and c.get("name"))
    ]
    probes = _probes(health)
    missing = [display for name, display in crds if not await _crd_exists(kube, str(name))]
    crd_found = not missing if crds else ready
    label = (
        crds[0][1] if len(crds) == 1 else ("Required CRDs" if crds else "Provider health checks")
    )
    found_ns = None
    for namespace, selectors in probes:
        found_ns = await _find_pod(kube, namespace, selectors)
        if found_ns:
            break
    running = found_ns is not None if probes else (crd_found and ready if crds else ready)
    if crds and probes:
        installed = crd_found and running
    elif crds:
        installed = crd_found and ready
    else:
        installed = running
    if missing:
        message = (
            f"{missing[0]} not found"
            if len(crds) == 1
            else f"Required CRDs not found: {', '.join(missing)}"
        )
    elif probes and running:
        where = f" in {found_ns}" if found_ns else ""
        lead = f"{label} found and " if crds else ""
        message = f"{lead}{info.name} operator pods are ready{where}"
    elif probes:
        places = ", ".join(ns for ns, _ in probes if ns) or "matching configured labels"
        message = f"{label} found but no ready {info.name} operator pods were detected in {places}"
    else:
        message = (
            f"{label} found and {info.name} is ready"
            if ready
            else f"{label} found but {info.name} is not ready"
        )
    return installed, crd_found, running, message


async def _builtin_check(kube: Kube, info: ProviderDetails) -> tuple[bool, bool, bool, str]:
    crd, display, namespace, primary, cross = BUILTIN[info.id.lower()]
    if not await _crd_exists(kube, crd):
        return False, False, False, f"{display} not found"
    found = await _find_pod(kube, namespace, primary) or await _find_pod(kube, None, cross)
    if found is None:
        message = (
            f"{display} found but no ready {info.name} operator pods were detected in "
            f"{namespace} or matching known provider labels"
        )
        return False, True, False, message
    where = f" in {found}" if found != namespace else ""
    return True, True, True, f"{display} found and {info.name} operator pods are ready{where}"


def shim_message(ipc: dict[str, Any], staleness_ms: float, now: float | None = None) -> str | None:
    """The shim heartbeat's message when it should replace ours (stale, or upstream not ready)."""
    status = ipc.get("status") or {}
    beat = status.get("lastHeartbeat")
    if beat:
        try:
            age = (now or time.time()) - datetime.fromisoformat(str(beat)).timestamp()
        except ValueError:
            age = 0.0
        if age * 1000 > staleness_ms:
            return (
                "The provider is not reporting status. Check that the AI Runway provider shim "
                "is running."
            )
    upstream = next(
        (c for c in status.get("conditions") or [] if c.get("type") == "UpstreamReady"), None
    )
    if upstream is not None and status.get("ready") is not True:
        return str(upstream.get("message") or "Provider is not ready")
    return None


async def runtime_status(kube: Kube, ipc: dict[str, Any], staleness_ms: float) -> RuntimeStatus:
    """One provider's installation status."""
    info = providers.details(ipc)
    ready = status_ready(ipc, info.health)
    if not info.requires_crd:
        message = (
            "Runtime is ready to use." if ready else "Provider is registered but not ready yet."
        )
        installed, crd_found, running = ready, True, ready
    elif info.health and (info.health.get("crds") or _probes(info.health)):
        installed, crd_found, running, message = await _annotation_check(
            kube, info, info.health, ready=ready
        )
    elif info.id.lower() in BUILTIN:
        installed, crd_found, running, message = await _builtin_check(kube, info)
    else:
        installed = crd_found = running = ready
        message = (
            f"{info.name} is installed and running"
            if ready
            else f"{info.name} is registered but not ready"
        )
    message = shim_message(ipc, staleness_ms) or message
    base = ProviderInfo.model_validate(info.model_dump(include=set(ProviderInfo.model_fields)))
    return RuntimeStatus(
        **base.model_dump(by_alias=False),
        installed=installed,
        healthy=running,
        crd_found=crd_found,
        operator_running=running,
        version=(ipc.get("status") or {}).get("version"),
        message=message,
    )


async def runtimes(kube: Kube, staleness_ms: float) -> list[RuntimeStatus]:
    """Every registered provider; none when the ModelDeployment CRD is not installed."""
    try:
        await kube.get(*CRD, "modeldeployments.airunway.ai")
    except NotFoundError:
        return []
    out = []
    for ipc in await kube.list(API_VERSION, INFERENCE_PROVIDER_CONFIG_KIND):
        try:
            out.append(await runtime_status(kube, ipc, staleness_ms))
        except NotFoundError:
            continue
        except KubeError:
            raise
    return out
