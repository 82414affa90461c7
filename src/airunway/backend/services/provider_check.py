"""Checks before a create: the provider's declared capabilities and the GPU fit.

Capabilities (§9.3 step 3) refuse with 422; GPU fit (step 4) only warns, the scheduler decides.
"""

from __future__ import annotations

from typing import Any

from airunway.api import API_VERSION, INFERENCE_PROVIDER_CONFIG_KIND
from airunway.backend.errors import ProviderNotInstalledError, UnprocessableError
from airunway.backend.schemas.deployment_config import DeploymentConfig
from airunway.backend.services import capacity, catalogue, providers
from airunway.kube.client import Kube
from airunway.kube.errors import KubeError, NotFoundError


def capability_issue(config: DeploymentConfig, ipc: dict[str, Any]) -> str | None:
    """Why the provider cannot serve ``config`` per its declared capabilities, or None."""
    caps = providers.details(ipc).capabilities
    provider = config.provider

    def refuse(label: str, value: str, allowed: list[str]) -> str | None:
        if not allowed or value in allowed:
            return None
        return (
            f'Provider "{provider}" does not support {label} "{value}". '
            f"Supported {label} values: {', '.join(allowed)}"
        )

    engine_modes = [
        m for e in caps.engine_capabilities if e.name == config.engine for m in e.serving_modes
    ]
    router: str = config.router_mode
    if router == "default":
        override = (config.provider_overrides or {}).get("routerMode")
        router = override if isinstance(override, str) and override else "default"
    checks = [
        refuse("engine", config.engine, caps.engines),
        refuse(f"mode for engine {config.engine}", config.mode, engine_modes)
        if engine_modes
        else refuse("mode", config.mode, caps.modes),
        refuse("model source", config.model_source or "huggingface", caps.model_sources),
        refuse("router mode", router, caps.router_modes) if router != "default" else None,
    ]
    return next((c for c in checks if c), None)


async def check(kube: Kube, config: DeploymentConfig) -> None:
    """Refuse a provider that is not registered or does not declare what ``config`` needs."""
    if not config.provider:
        return
    try:
        ipc = await kube.get(API_VERSION, INFERENCE_PROVIDER_CONFIG_KIND, config.provider)
    except NotFoundError as exc:
        raise ProviderNotInstalledError(
            f"Provider not found: {config.provider}", details={"provider": config.provider}
        ) from exc
    except KubeError:
        return  # not readable by this caller: the controller validates again at admission
    issue = capability_issue(config, ipc)
    if issue:
        raise UnprocessableError(issue, details={"provider": config.provider})


def fit_warnings(
    config: DeploymentConfig, available: int, largest_block: int, model_min_gpus: int
) -> list[str]:
    """GPU fit of ``config`` against free capacity, as the reference words it."""
    if config.compute_type == "cpu":
        return []
    gpu = config.resources.gpu if config.resources else None
    if config.mode == "disaggregated":
        prefill = (
            config.prefill_gpus
            if config.prefill_gpus is not None
            else (gpu if gpu is not None else 1)
        )
        decode = (
            config.decode_gpus
            if config.decode_gpus is not None
            else (gpu if gpu is not None else 1)
        )
        total = (config.prefill_replicas or 1) * prefill + (config.decode_replicas or 1) * decode
        per_worker, configured = max(prefill, decode), min(prefill, decode)
    else:
        per_replica = gpu if gpu is not None else 1
        nodes = 1
        overrides = config.provider_overrides or {}
        multinode = (
            overrides.get("spec", {}).get("services", {}).get("VllmWorker", {}).get("multinode", {})
            if isinstance(overrides.get("spec"), dict)
            else {}
        )
        if isinstance(multinode, dict) and isinstance(multinode.get("nodeCount"), int):
            nodes = max(1, multinode["nodeCount"])
        total = config.replicas * per_replica * nodes
        per_worker = configured = per_replica
    warnings = []
    if total > available:
        warnings.append(
            f"⚠️ Insufficient cluster GPUs: Deployment requires {total} GPU(s) but only "
            f"{available} are available in the cluster"
        )
    if per_worker > largest_block:
        warnings.append(
            f"⚠️ Scheduling constraint: Each worker requires {per_worker} GPU(s) but the largest "
            f"available block on any node is {largest_block} GPU(s)"
        )
    if configured < model_min_gpus:
        warnings.append(
            f"⚠️ Model requirement: Model requires at least {model_min_gpus} GPU(s) per worker "
            f"but configuration specifies {configured}"
        )
    return warnings


async def gpu_warnings(kube: Kube, config: DeploymentConfig) -> list[str]:
    """Warnings for ``create``; a capacity read that fails gives none (never blocking)."""
    if config.compute_type == "cpu":
        return []
    try:
        cap = await capacity.cluster_capacity(kube)
    except KubeError:
        return []
    entry = catalogue.find(config.model_id)
    minimum = entry.min_gpus if entry is not None and entry.min_gpus is not None else 1
    return fit_warnings(config, cap.available_gpus, cap.max_contiguous_available, minimum)
