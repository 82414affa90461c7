"""Throughput estimate on the cluster's best-known GPU pool (spec §6.4), pure.

Per-chat speed is bound by memory bandwidth; with the model's architecture (from its
``config.json``) the KV cache left after the weights gives the concurrent sequences and the
aggregate speed, otherwise the estimate is marked low-confidence.
"""

from __future__ import annotations

from typing import Literal

from airunway.backend.errors import ResourceMissingError
from airunway.backend.schemas.capacity import GpuThroughputEstimate, NodePool
from airunway.backend.services import gpus

Dtype = Literal["fp8", "int8", "fp16", "bf16"]
MAX_CONTEXT = 32768


def pick_pool(pools: list[NodePool], wanted: str | None) -> tuple[NodePool, gpus.Gpu]:
    """The requested GPU model's pool, else the pool with the most memory per GPU."""
    known = [
        (p, gpus.BY_KEY[key])
        for p in pools
        if (key := gpus.normalize(p.gpu_model)) is not None and key in gpus.BY_KEY
    ]
    key = gpus.normalize(wanted)
    if key is not None:
        match = next(((p, g) for p, g in known if g.key == key), None)
        if match is not None:
            return match
    if not known:
        raise ResourceMissingError("No GPU node pool with known specs found in the cluster.")
    return max(known, key=lambda pg: pg[1].memory_gb)


def estimate(  # noqa: PLR0913 - the route's query parameters and the model's architecture
    pools: list[NodePool],
    *,
    param_count: float | None,
    context_len: int | None,
    quantization: Dtype | None,
    kv_cache_dtype: Dtype | None,
    gpu_model: str | None,
    tp_size: int | None,
    arch: gpus.Arch | None = None,
    max_positions: int | None = None,
) -> GpuThroughputEstimate:
    """The estimate for one model size on the chosen pool."""
    pool, gpu = pick_pool(pools, gpu_model)
    per_node = (
        max(1, pool.gpu_count // pool.node_count) if pool.node_count > 0 else max(1, pool.gpu_count)
    )
    bytes_per_weight = 1 if quantization in {"fp8", "int8"} else 2
    tp = tp_size or gpus.derive_tp(param_count or 0, bytes_per_weight, gpu.memory_gb, per_node)
    tp = max(1, min(tp, per_node))
    kv = kv_cache_dtype or "fp16"
    if kv == "fp8" and not gpu.fp8:
        kv = "fp16"
    context = min(context_len or max_positions or 4096, MAX_CONTEXT)
    common = {
        "gpu_model": gpu.key,
        "per_gpu_memory_gb": gpu.memory_gb,
        "mem_bandwidth_g_bs": gpu.bandwidth,
        "tp_size": tp,
        "context_len": context,
        "kv_cache_dtype": kv,
        "fp8_supported": gpu.fp8,
        "capacity_label": f"{per_node}x{gpu.memory_gb} GB",
        "low_confidence": True,
    }
    if not param_count:
        return GpuThroughputEstimate(per_chat_tokens_per_sec=0, **common)
    speed = gpus.per_chat_tokens_per_sec(gpu, param_count, bytes_per_weight, tp)
    if arch is None:
        return GpuThroughputEstimate(per_chat_tokens_per_sec=round(speed), **common)
    bytes_per_kv = 1 if kv in {"fp8", "int8"} else 2
    concurrent = gpus.concurrent_sequences(
        gpu, param_count, bytes_per_weight, tp, context, arch, bytes_per_kv
    )
    return GpuThroughputEstimate(
        per_chat_tokens_per_sec=round(speed),
        concurrent_sequences=concurrent,
        aggregate_tokens_per_sec=round(concurrent * speed),
        does_not_fit=concurrent == 0,
        **(common | {"low_confidence": False}),
    )
