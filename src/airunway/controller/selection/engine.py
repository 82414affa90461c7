"""Engine auto-selection (spec: controller-and-crds §3.4) as a pure function.

Why it is shaped so:

* The decision is returned, never applied: the reconciler owns the status object and the
  snapshot it diffs against, so this module only says what ``status.engine`` should become
  (``EngineDecision.status``) and leaves ``STICKY`` decisions without a status entry so that an
  earlier auto-selection is never rewritten, even if resources change later.
* Failures raise ``SelectionError`` whose text is the exact condition message.
* Providers are scanned in name order.  The reference scans "list order", which for a list from
  the API server is name order; sorting here makes the result (in particular which provider the
  ``selectedReason`` names) independent of where the caller's list came from (an informer cache
  does not keep order).
* The capability filter is per engine entry: GPU deployments need ``gpuSupport``, CPU ones
  ``cpuSupport``, and the resolved serving mode must be listed (an empty list supports none).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Final

from airunway.api import (
    ConditionReason,
    EngineStatus,
    EngineType,
    InferenceProviderConfig,
    ModelDeployment,
)
from airunway.controller.selection._common import (
    NO_PROVIDERS_REGISTERED,
    SelectionError,
    SelectionSource,
    go_bool,
    has_gpu,
)

#: Auto-selection preference, best first.
ENGINE_PREFERENCE: Final = (
    EngineType.VLLM,
    EngineType.SGLANG,
    EngineType.TRTLLM,
    EngineType.LLAMACPP,
)
#: ``status.engine.selectedReason`` when ``spec.engine.type`` is set.
EXPLICIT_ENGINE_REASON: Final = "explicit engine selection"
#: ``EngineSelected`` message when ``spec.engine.type`` is set.
EXPLICIT_ENGINE_MESSAGE: Final = "Engine explicitly specified in spec"


@dataclass(frozen=True)
class EngineDecision:
    """The engine a ModelDeployment runs, and whether ``status.engine`` must be (re)written.

    Attributes
    ----------
    engine
        The selected engine type.
    source
        ``EXPLICIT`` (from ``spec.engine.type``), ``STICKY`` (kept from ``status.engine.type``)
        or ``AUTO`` (chosen now from provider capabilities).
    selected_reason
        ``status.engine.selectedReason`` (for ``STICKY``, the one already recorded).
    provider
        For ``AUTO``: the provider whose capabilities offered the engine; otherwise "".
    """

    engine: EngineType
    source: SelectionSource
    selected_reason: str
    provider: str = ""

    @property
    def status(self) -> EngineStatus | None:
        """The ``status.engine`` to write, or None when the recorded one must be kept."""
        if self.source is SelectionSource.STICKY:
            return None
        return EngineStatus(type=self.engine, selected_reason=self.selected_reason)


def select_engine(
    md: ModelDeployment, configs: Sequence[InferenceProviderConfig]
) -> EngineDecision:
    """Select the engine of ``md``: explicit, else sticky, else auto from provider capabilities.

    Parameters
    ----------
    md
        The ModelDeployment (not modified).
    configs
        Every listed InferenceProviderConfig, ready or not.

    Returns
    -------
    EngineDecision
        The engine and whether ``status.engine`` changes.

    Raises
    ------
    SelectionError
        With the exact condition message when no engine can be auto-selected.
    """
    spec = md.spec
    if spec.engine is not None and spec.engine.type is not None:
        return EngineDecision(spec.engine.type, SelectionSource.EXPLICIT, EXPLICIT_ENGINE_REASON)
    recorded = md.status.engine if md.status is not None else None
    if recorded is not None and recorded.type is not None:
        return EngineDecision(recorded.type, SelectionSource.STICKY, recorded.selected_reason or "")
    if not configs:
        raise SelectionError(NO_PROVIDERS_REGISTERED)

    gpu = has_gpu(spec)
    mode = spec.resolved_serving_mode()
    offered: dict[EngineType, str] = {}  # engine -> first provider offering it
    advertised: dict[str, list[str]] = {}  # provider -> every engine it declares
    for config in sorted(configs, key=_name):
        capabilities = config.spec.capabilities if config.spec is not None else None
        if not config.is_ready() or capabilities is None:
            continue
        advertised[_name(config)] = [str(name) for name in capabilities.engine_names()]
        for cap in capabilities.engines or ():
            supported = cap.gpu_support if gpu else cap.cpu_support
            if supported and cap.supports_serving_mode(mode):
                offered.setdefault(cap.name, _name(config))

    for engine in ENGINE_PREFERENCE:
        if engine in offered:
            provider = offered[engine]
            return EngineDecision(
                engine,
                SelectionSource.AUTO,
                f"auto-selected from provider {provider} capabilities",
                provider,
            )
    raise SelectionError(
        "no engines available from registered providers "
        f"(hasGPU={go_bool(gpu)}, servingMode={mode}, advertised={go_map(advertised)})"
    )


def engine_selected_condition(md: ModelDeployment) -> tuple[ConditionReason, str] | None:
    """Reason and message of ``EngineSelected=True`` once validation passed (§3.3 step 10).

    Returns None when ``status.engine.type`` is empty (no condition is written then).
    """
    recorded = md.status.engine if md.status is not None else None
    if recorded is None or recorded.type is None:
        return None
    if md.spec.engine is not None and md.spec.engine.type is not None:
        return ConditionReason.EXPLICIT_SELECTION, EXPLICIT_ENGINE_MESSAGE
    return (
        ConditionReason.AUTO_SELECTED,
        f"Engine {recorded.type} auto-selected from provider capabilities",
    )


def go_map(value: Mapping[str, Sequence[str]]) -> str:
    """Render a map of string lists as Go's ``%v`` does: ``map[a:[x y] b:[z]]``, keys sorted."""
    items = " ".join(f"{key}:[{' '.join(value[key])}]" for key in sorted(value))
    return f"map[{items}]"


def _name(config: InferenceProviderConfig) -> str:
    return config.metadata.name or ""
