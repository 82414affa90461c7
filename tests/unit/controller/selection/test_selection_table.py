"""Engine then provider selection over the shipped providers: engine x GPUs x mode x installed.

Every expected winner below is derived by hand from the shipped rules (shared/spec/providers.md)
and controller-and-crds §3.4/§3.6, not from running the code:

* CPU (no GPU): only KAITO's llamacpp has cpuSupport, so auto picks llamacpp on kaito.
* vLLM with 1 GPU: dynamo 50 beats the priority-0 rest; with >1 GPU kuberay 80 beats dynamo 50.
* disaggregated: dynamo 90; without dynamo the priority-0 tie goes to the smallest name.
* KAITO's GPU-count rule never matches with GPUs present (and errors when ``resources`` is
  absent or count is 0), but its llamacpp rule does.
* Without dynamo a 1-GPU vLLM MD ties at 0 and kaito wins by name; only llm-d + vLLM installed
  gives llmd.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

import pytest

from airunway.api import ModelDeployment
from airunway.controller.selection import (
    NO_COMPATIBLE_PROVIDER,
    NO_PROVIDERS_REGISTERED,
    SelectionError,
    select_engine,
    select_provider,
)
from tests.unit.controller.selection.builders import (
    apply_engine,
    disaggregated_md,
    gpu_md,
    shipped,
)

ALL = ("kaito", "dynamo", "kuberay", "llmd", "vllm")
NO_DYNAMO = ("kaito", "kuberay", "llmd", "vllm")
LLMD_VLLM = ("llmd", "vllm")
KUBERAY_LLMD = ("kuberay", "llmd")
KAITO_DYNAMO = ("kaito", "dynamo")
DISAGG = "disagg"  # GPU column value meaning: disaggregated, GPUs on prefill/decode


def _no_engines(gpu: str, mode: str, advertised: str) -> str:
    return (
        "no engines available from registered providers "
        f"(hasGPU={gpu}, servingMode={mode}, advertised={advertised})"
    )


@dataclass(frozen=True)
class Case:
    installed: tuple[str, ...]
    engine: str | None  # spec.engine.type; None = auto-select
    gpus: int | str | None  # resources.gpu.count; None = no resources; DISAGG
    want_engine: str | None  # None when engine selection fails
    want: str  # winning provider, or the expected error message


CASES = {
    # --- everything installed ------------------------------------------------------------
    "all-auto-cpu-no-resources": Case(ALL, None, None, "llamacpp", "kaito"),
    "all-auto-cpu-gpu0": Case(ALL, None, 0, "llamacpp", "kaito"),
    "all-auto-1gpu": Case(ALL, None, 1, "vllm", "dynamo"),
    "all-auto-2gpu": Case(ALL, None, 2, "vllm", "kuberay"),
    "all-auto-4gpu": Case(ALL, None, 4, "vllm", "kuberay"),
    "all-auto-disagg": Case(ALL, None, DISAGG, "vllm", "dynamo"),
    "all-vllm-1gpu": Case(ALL, "vllm", 1, "vllm", "dynamo"),
    "all-vllm-2gpu": Case(ALL, "vllm", 2, "vllm", "kuberay"),
    "all-vllm-cpu": Case(ALL, "vllm", None, "vllm", NO_COMPATIBLE_PROVIDER),
    "all-vllm-gpu0": Case(ALL, "vllm", 0, "vllm", NO_COMPATIBLE_PROVIDER),
    "all-vllm-disagg": Case(ALL, "vllm", DISAGG, "vllm", "dynamo"),
    "all-sglang-1gpu": Case(ALL, "sglang", 1, "sglang", "dynamo"),
    "all-sglang-4gpu": Case(ALL, "sglang", 4, "sglang", "dynamo"),
    "all-sglang-cpu": Case(ALL, "sglang", None, "sglang", NO_COMPATIBLE_PROVIDER),
    "all-sglang-disagg": Case(ALL, "sglang", DISAGG, "sglang", "dynamo"),
    "all-trtllm-1gpu": Case(ALL, "trtllm", 1, "trtllm", "dynamo"),
    "all-trtllm-disagg": Case(ALL, "trtllm", DISAGG, "trtllm", NO_COMPATIBLE_PROVIDER),
    "all-llamacpp-cpu": Case(ALL, "llamacpp", None, "llamacpp", "kaito"),
    "all-llamacpp-1gpu": Case(ALL, "llamacpp", 1, "llamacpp", "kaito"),
    "all-llamacpp-disagg": Case(ALL, "llamacpp", DISAGG, "llamacpp", NO_COMPATIBLE_PROVIDER),
    # --- without dynamo ------------------------------------------------------------------
    "nodynamo-auto-1gpu": Case(NO_DYNAMO, None, 1, "vllm", "kaito"),
    "nodynamo-vllm-1gpu": Case(NO_DYNAMO, "vllm", 1, "vllm", "kaito"),
    "nodynamo-auto-2gpu": Case(NO_DYNAMO, None, 2, "vllm", "kuberay"),
    "nodynamo-auto-cpu": Case(NO_DYNAMO, None, None, "llamacpp", "kaito"),
    "nodynamo-auto-disagg": Case(NO_DYNAMO, None, DISAGG, "vllm", "kuberay"),
    "nodynamo-sglang-1gpu": Case(NO_DYNAMO, "sglang", 1, "sglang", NO_COMPATIBLE_PROVIDER),
    # --- llm-d and Direct vLLM only (both rule-less) -------------------------------------
    "llmd-vllm-auto-1gpu": Case(LLMD_VLLM, None, 1, "vllm", "llmd"),
    "llmd-vllm-auto-4gpu": Case(LLMD_VLLM, None, 4, "vllm", "llmd"),
    "llmd-vllm-auto-disagg": Case(LLMD_VLLM, None, DISAGG, "vllm", "llmd"),
    "llmd-vllm-auto-cpu": Case(
        LLMD_VLLM,
        None,
        None,
        None,
        _no_engines("false", "aggregated", "map[llmd:[vllm] vllm:[vllm]]"),
    ),
    "vllm-only-auto-1gpu": Case(("vllm",), None, 1, "vllm", "vllm"),
    "vllm-only-auto-disagg": Case(
        ("vllm",), None, DISAGG, None, _no_engines("true", "disaggregated", "map[vllm:[vllm]]")
    ),
    # --- single operators ------------------------------------------------------------------
    "kaito-auto-1gpu": Case(("kaito",), None, 1, "vllm", "kaito"),
    "kaito-auto-cpu": Case(("kaito",), None, None, "llamacpp", "kaito"),
    "kaito-auto-disagg": Case(
        ("kaito",),
        None,
        DISAGG,
        None,
        _no_engines("true", "disaggregated", "map[kaito:[vllm llamacpp]]"),
    ),
    "dynamo-auto-cpu": Case(
        ("dynamo",),
        None,
        None,
        None,
        _no_engines("false", "aggregated", "map[dynamo:[vllm sglang trtllm]]"),
    ),
    "dynamo-auto-1gpu": Case(("dynamo",), None, 1, "vllm", "dynamo"),
    "dynamo-vllm-gpu0": Case(("dynamo",), "vllm", 0, "vllm", NO_COMPATIBLE_PROVIDER),
    # --- pairs -----------------------------------------------------------------------------
    "kuberay-llmd-auto-1gpu": Case(KUBERAY_LLMD, None, 1, "vllm", "kuberay"),
    "kuberay-llmd-auto-2gpu": Case(KUBERAY_LLMD, None, 2, "vllm", "kuberay"),
    "kuberay-llmd-auto-disagg": Case(KUBERAY_LLMD, None, DISAGG, "vllm", "kuberay"),
    "kaito-dynamo-auto-1gpu": Case(KAITO_DYNAMO, None, 1, "vllm", "dynamo"),
    "kaito-dynamo-llamacpp-1gpu": Case(KAITO_DYNAMO, "llamacpp", 1, "llamacpp", "kaito"),
    "kaito-dynamo-auto-gpu0": Case(KAITO_DYNAMO, None, 0, "llamacpp", "kaito"),
    # --- nothing installed ------------------------------------------------------------------
    "none-auto-1gpu": Case((), None, 1, None, NO_PROVIDERS_REGISTERED),
    "none-vllm-1gpu": Case((), "vllm", 1, "vllm", NO_PROVIDERS_REGISTERED),
}


def _deployment(case: Case) -> ModelDeployment:
    if case.gpus == DISAGG:
        return disaggregated_md(engine=case.engine)
    assert not isinstance(case.gpus, str)
    return gpu_md(case.gpus, engine=case.engine)


def _select(case: Case) -> tuple[str | None, str]:
    """Run engine then provider selection as the reconciler does; return (engine, outcome)."""
    configs = shipped(*case.installed)
    deployment = _deployment(case)
    try:
        engine = select_engine(deployment, configs)
    except SelectionError as exc:
        return None, str(exc)
    deployment = apply_engine(deployment, engine)
    resolved = deployment.resolved_engine_type()
    mode = deployment.spec.resolved_serving_mode()
    try:
        provider = select_provider(deployment, configs, resolved, mode)
    except SelectionError as exc:
        return resolved, str(exc)
    return resolved, provider.provider


def test_the_table_is_big_enough() -> None:
    assert len(CASES) >= 30


@pytest.mark.parametrize("case", CASES.values(), ids=CASES.keys())
def test_selection_over_shipped_providers(case: Case) -> None:
    assert _select(case) == (case.want_engine, case.want)


@pytest.mark.parametrize("case", CASES.values(), ids=CASES.keys())
def test_selection_does_not_depend_on_list_order(case: Case) -> None:
    reordered = replace(case, installed=tuple(reversed(case.installed)))
    assert _select(reordered) == (case.want_engine, case.want)
