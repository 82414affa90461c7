"""Can a provider serve this engine, serving mode and GPU count?  Shared by webhook and reconciler.

One function answers it for both callers so that admission and reconciliation can never disagree
on the rules or the messages (spec: controller-and-crds §2.5).  It returns every issue found, as
data; each caller renders them in its own format (field errors, a condition message).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from enum import StrEnum

from airunway.api import EngineCapability, InferenceProviderConfig, ServingMode


class IssueKind(StrEnum):
    """Why a provider cannot serve a ModelDeployment."""

    ENGINE_UNSUPPORTED = "EngineUnsupported"
    SERVING_MODE_UNSUPPORTED = "ServingModeUnsupported"
    GPU_REQUIRED = "GPURequired"


@dataclass(frozen=True)
class CompatibilityIssue:
    """One reason, with its spec field (relative to ``spec``) and the offending value."""

    kind: IssueKind
    field_path: str
    value: object
    message: str


def engine_capability(
    config: InferenceProviderConfig | None, engine: str
) -> EngineCapability | None:
    """The capability entry of ``engine`` in ``config`` (exact name match), if any."""
    if config is None or config.spec is None or config.spec.capabilities is None:
        return None
    for cap in config.spec.capabilities.engines or []:
        if cap.name == engine:
            return cap
    return None


def has_capabilities(config: InferenceProviderConfig | None) -> bool:
    """Whether ``config`` declares capabilities at all (nil capabilities skip every check)."""
    return config is not None and config.spec is not None and config.spec.capabilities is not None


def check_provider_compatibility(
    provider_name: str,
    named: InferenceProviderConfig | None,
    all_configs: Sequence[InferenceProviderConfig],
    engine: str,
    mode: ServingMode,
    gpu_count: int,
) -> list[CompatibilityIssue]:
    """Check the named provider (or, with no name, the whole fleet) against engine/mode/GPU.

    Parameters
    ----------
    provider_name
        ``spec.provider.name`` ("" when the provider is to be auto-selected).
    named
        The InferenceProviderConfig of that name, or None when it is not (yet) known.
    all_configs
        Every listed config; used only for the fleet-wide GPU rule when no provider is named.
    engine
        The resolved engine type ("" when unknown).
    mode
        The resolved serving mode.
    gpu_count
        ``spec.resources.gpu.count`` (0 when absent).
    """
    issues: list[CompatibilityIssue] = []
    cap: EngineCapability | None = None
    if provider_name and has_capabilities(named) and engine:
        cap = engine_capability(named, engine)
        if cap is None:
            issues.append(
                CompatibilityIssue(
                    IssueKind.ENGINE_UNSUPPORTED,
                    "engine.type",
                    engine,
                    f"provider {provider_name} does not support engine {engine}",
                )
            )
        elif mode not in (cap.serving_modes or []):
            issues.append(
                CompatibilityIssue(
                    IssueKind.SERVING_MODE_UNSUPPORTED,
                    "serving.mode",
                    str(mode),
                    f"provider {provider_name} does not support {mode} mode for engine {engine}",
                )
            )
    if engine and mode == ServingMode.AGGREGATED and gpu_count == 0:
        if cap is not None and not cap.cpu_support:
            issues.append(
                CompatibilityIssue(
                    IssueKind.GPU_REQUIRED,
                    "resources.gpu.count",
                    0,
                    f"{engine} engine on provider {provider_name} requires GPU "
                    "(set resources.gpu.count > 0)",
                )
            )
        elif (
            not provider_name
            and all_configs
            and not any(
                (c := engine_capability(config, engine)) is not None and c.cpu_support
                for config in all_configs
            )
        ):
            issues.append(
                CompatibilityIssue(
                    IssueKind.GPU_REQUIRED,
                    "resources.gpu.count",
                    0,
                    f"{engine} engine requires GPU (set resources.gpu.count > 0)",
                )
            )
    return issues
