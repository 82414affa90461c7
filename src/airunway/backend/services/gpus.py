"""GPU facts and arithmetic (spec §6.2-§6.4), pure.

The spec table, label normalisation, instance-type rules, per-GPU memory from node labels, and
the throughput estimate.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass


@dataclass(frozen=True)
class Gpu:
    """One GPU model: memory (GB), generation and memory bandwidth (GB/s)."""

    key: str
    aliases: tuple[str, ...]
    memory_gb: int
    generation: str
    bandwidth: int

    @property
    def fp8(self) -> bool:
        """Whether the generation computes in FP8 (Ada Lovelace, Hopper)."""
        return self.generation in {"Ada Lovelace", "Hopper"}


GPUS: tuple[Gpu, ...] = (
    Gpu(
        "H200-141GB",
        ("NVIDIA-H200", "NVIDIA-H200-141GB-HBM3e", "H200", "NVIDIA H200"),
        141,
        "Hopper",
        4800,
    ),
    Gpu("H100-80GB", ("NVIDIA-H100-80GB-HBM3", "H100", "NVIDIA H100"), 80, "Hopper", 3350),
    Gpu(
        "A100-80GB",
        ("NVIDIA-A100-SXM4-80GB", "NVIDIA-A100-80GB-PCIe", "A100-80GB", "A100 80GB"),
        80,
        "Ampere",
        2039,
    ),
    Gpu(
        "A100-40GB",
        ("NVIDIA-A100-SXM4-40GB", "NVIDIA-A100-40GB-PCIe", "A100-40GB", "A100 40GB", "A100"),
        40,
        "Ampere",
        1555,
    ),
    Gpu("L40S", ("NVIDIA-L40S", "L40S"), 48, "Ada Lovelace", 864),
    Gpu("L4", ("NVIDIA-L4", "L4"), 24, "Ada Lovelace", 300),
    Gpu("A10G", ("NVIDIA-A10G", "A10G", "NVIDIA A10G"), 24, "Ampere", 600),
    Gpu("A10", ("NVIDIA-A10", "A10", "NVIDIA A10"), 24, "Ampere", 600),
    Gpu("T4", ("NVIDIA-Tesla-T4", "Tesla-T4", "T4", "NVIDIA T4"), 16, "Turing", 320),
    Gpu(
        "V100",
        ("NVIDIA-Tesla-V100", "Tesla-V100", "V100", "V100-SXM2-16GB", "V100-PCIE-16GB"),
        16,
        "Volta",
        900,
    ),
)
BY_KEY = {g.key: g for g in GPUS}
_FAMILIES = ("H200", "H100", "A100", "L40S", "L40", "L4", "A10G", "A10", "T4", "V100", "MI300")

#: GPU product label substrings → per-GPU memory (GB), first match wins (§6.1 step 2).
_PRODUCT_MEMORY: tuple[tuple[tuple[str, ...], int], ...] = (
    (("a100", "80"), 80),
    (("a100", "40"), 40),
    (("a100",), 40),
    (("h100", "80"), 80),
    (("h100",), 80),
    (("h200",), 141),
    (("a10g",), 24),
    (("a10",), 24),
    (("l40s",), 48),
    (("l40",), 48),
    (("l4",), 24),
    (("t4",), 16),
    (("v100", "32"), 32),
    (("v100",), 16),
    (("4090",), 24),
    (("4080",), 16),
    (("3090",), 24),
    (("3080", "12"), 12),
    (("3080",), 10),
)


def normalize(label: str | None) -> str | None:
    """The spec-table key of a GPU label (strict: unknown labels give None)."""
    if not label:
        return None
    text = label.strip()
    lower = text.lower()
    for gpu in GPUS:
        if gpu.key.lower() == lower:
            return gpu.key
        if any(a.lower() == lower or a.lower() in lower for a in gpu.aliases):
            return gpu.key
    memory = re.search(r"(\d+)\s*GB", text, re.IGNORECASE)
    upper = text.upper()
    for family in _FAMILIES:
        if family in upper:
            if memory and f"{family}-{memory.group(1)}GB" in BY_KEY:
                return f"{family}-{memory.group(1)}GB"
            return next((g.key for g in GPUS if g.key.startswith(family)), None)
    return None


def memory_from_labels(labels: dict[str, str]) -> int | None:
    """Per-GPU memory (GB) from GPU feature discovery labels, if they say."""
    mib = labels.get("nvidia.com/gpu.memory")
    if mib and mib.isdigit():
        return round(int(mib) / 1024)
    product = (labels.get("nvidia.com/gpu.product") or "").lower()
    if not product:
        return None
    for needles, gb in _PRODUCT_MEMORY:
        if all(n in product for n in needles):
            return gb
    return None


def model_from_instance_type(instance_type: str | None) -> str | None:  # noqa: PLR0911 - one rule per line
    """GPU model implied by a cloud instance type (AKS, EKS, GKE naming), first rule wins."""
    if not instance_type:
        return None
    t = instance_type.lower()
    if "_a10" in t:
        return "A10"
    if "_a100" in t:
        return "A100-80GB"
    if "_h100" in t:
        return "H100"
    if "nc" in t and "_v3" in t:
        return "V100"
    if "nc" in t and "t4" in t:
        return "T4"
    for prefix, model in (
        ("p5", "H100"),
        ("p4d", "A100-40GB"),
        ("p3", "V100"),
        ("g4dn", "T4"),
        ("g4ad", "T4"),
        ("g5g", "A10G"),
        ("g5.", "A10G"),
        ("g6e", "L40S"),
        ("g6.", "L4"),
        ("a3", "H100"),
        ("a2-ultra", "A100-80GB"),
        ("a2", "A100-40GB"),
        ("g2", "L4"),
    ):
        if t.startswith(prefix):
            return model
    return None


def derive_tp(param_count: float, bytes_per_weight: int, memory_gb: int, cap: int) -> int:
    """Smallest power-of-two tensor parallelism whose weight shard fits one GPU (≤ ``cap``)."""
    usable = (memory_gb - 5) * 2**30
    if param_count <= 0 or cap <= 0:
        return 1
    if usable <= 0:
        return cap
    tp = 1
    while tp < cap and param_count * bytes_per_weight / tp >= usable:
        tp *= 2
    return tp


def per_chat_tokens_per_sec(gpu: Gpu, param_count: float, bytes_per_weight: int, tp: int) -> float:
    """Memory-bandwidth-bound decode speed of one sequence."""
    efficiency = 1.0 if tp == 1 else (0.85 if tp <= 4 else 0.75)  # noqa: PLR2004
    speedup = 1 if tp == 1 else tp * efficiency
    return gpu.bandwidth * 1e9 * speedup / (param_count * bytes_per_weight) * 0.8


@dataclass(frozen=True)
class Arch:
    """Transformer dimensions that size the KV cache."""

    layers: int
    kv_heads: int
    head_dim: int


def concurrent_sequences(
    gpu: Gpu,
    param_count: float,
    bytes_per_weight: int,
    tp: int,
    context: int,
    arch: Arch,
    bytes_per_kv: int,
) -> int:
    """How many full-context sequences fit the KV cache left after the weights."""
    budget = gpu.memory_gb * 2**30 - param_count * bytes_per_weight / tp - 5 * 2**30
    if budget <= 0:
        return 0
    per_sequence = context * 2 * arch.layers * arch.kv_heads * arch.head_dim * bytes_per_kv
    return math.floor(budget * tp / per_sequence)
