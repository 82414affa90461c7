"""``/api/installation`` (spec §6, part of §4) and ``/api/runtimes``.

GPU capacity, throughput estimates, the GPU spec table, and runtimes status.
"""

from __future__ import annotations

from typing import Annotated, Literal

from fastapi import Header, Query

from airunway.backend.auth import CallerKube, State
from airunway.backend.routes.common import PROTECTED, RESPONSES, Router
from airunway.backend.schemas.capacity import (
    ClusterGpuCapacity,
    DetailedClusterCapacity,
    GpuSpec,
    GpuSpecs,
    GpuThroughputEstimate,
)
from airunway.backend.schemas.providers import Runtimes
from airunway.backend.services import capacity, gpus, runtimes, throughput

api = Router(
    prefix="/api/installation", tags=["installation"], dependencies=PROTECTED, responses=RESPONSES
)
runtimes_api = Router(
    prefix="/api/runtimes", tags=["runtimes"], dependencies=PROTECTED, responses=RESPONSES
)
Dtype = Literal["fp8", "int8", "fp16", "bf16"]


@api.get("/gpu-capacity", operation_id="installation-gpu-capacity")
async def gpu_capacity(kube: CallerKube) -> ClusterGpuCapacity:
    """GPUs per node: total, requested by running or pending pods, and free."""
    return await capacity.cluster_capacity(kube)


@api.get("/gpu-capacity/detailed", operation_id="installation-gpu-capacity-detailed")
async def gpu_capacity_detailed(kube: CallerKube) -> DetailedClusterCapacity:
    """Totals and GPU node pools with their GPU model, instance type and region."""
    return await capacity.detailed(kube)


@api.get("/gpu-throughput", operation_id="installation-gpu-throughput")
async def gpu_throughput(  # noqa: PLR0913, PLR0917 - one parameter per query field
    state: State,
    kube: CallerKube,
    model_id: Annotated[str | None, Query(alias="modelId", min_length=1, max_length=200)] = None,
    param_count: Annotated[float | None, Query(alias="paramCount", gt=0, le=9e12)] = None,
    context_len: Annotated[int | None, Query(alias="contextLen", ge=1, le=1_048_576)] = None,
    quantization: Dtype | None = None,
    kv_cache_dtype: Annotated[Dtype | None, Query(alias="kvCacheDtype")] = None,
    gpu_model: Annotated[str | None, Query(alias="gpuModel", max_length=200)] = None,
    tp_size: Annotated[int | None, Query(alias="tpSize", ge=1, le=64)] = None,
    hf_token: Annotated[str | None, Header(alias="X-HF-Token", max_length=512)] = None,
) -> GpuThroughputEstimate:
    """Estimated decode speed of a model on the cluster's best-known GPU pool.

    With ``modelId`` the model's Hugging Face ``config.json`` sizes the KV cache, which gives
    the concurrent sequences and the aggregate speed.
    """
    arch, positions = await state.archs.lookup(model_id, hf_token) if model_id else (None, None)
    nodes, cap = await capacity.read(kube)
    return throughput.estimate(
        capacity.node_pools(nodes, cap),
        param_count=param_count,
        context_len=context_len,
        quantization=quantization,
        kv_cache_dtype=kv_cache_dtype,
        gpu_model=gpu_model,
        tp_size=tp_size,
        arch=arch,
        max_positions=positions,
    )


@api.get("/gpu-specs", operation_id="installation-gpu-specs")
async def gpu_specs() -> GpuSpecs:
    """The GPU table the estimates use (memory, generation, memory bandwidth)."""
    return GpuSpecs(
        gpus=[
            GpuSpec(
                key=g.key,
                aliases=list(g.aliases),
                memory_gb=g.memory_gb,
                generation=g.generation,
                mem_bandwidth_g_bs=g.bandwidth,
            )
            for g in gpus.GPUS
        ]
    )


@api.get("/runtimes/status", operation_id="installation-runtimes-status")
async def installation_runtimes(state: State, kube: CallerKube) -> Runtimes:
    """Same as ``GET /api/runtimes/status``."""
    staleness = state.settings.provider_health_staleness_ms
    return Runtimes(runtimes=await runtimes.runtimes(kube, staleness))


@runtimes_api.get("/status", operation_id="runtimes-status")
async def runtimes_status(state: State, kube: CallerKube) -> Runtimes:
    """Each registered provider and whether its real upstream operator is installed and running."""
    staleness = state.settings.provider_health_staleness_ms
    return Runtimes(runtimes=await runtimes.runtimes(kube, staleness))
