"""Response bodies of GPU capacity and throughput (spec §6)."""

from __future__ import annotations

from pydantic import Field

from airunway.backend.schemas.base import Schema


class NodeGpus(Schema):
    """GPUs of one node."""

    node_name: str
    total_gpus: int
    allocated_gpus: int
    available_gpus: int


class CapacityTotals(Schema):
    """Cluster-wide GPU totals."""

    total_gpus: int = 0
    allocated_gpus: int = 0
    available_gpus: int = 0
    max_contiguous_available: int = 0
    max_node_gpu_capacity: int = 0
    gpu_node_count: int = 0
    total_memory_gb: int | None = None


class ClusterGpuCapacity(CapacityTotals):
    """Totals plus the per-node figures."""

    nodes: list[NodeGpus] = Field(default_factory=list)


class NodePool(Schema):
    """GPU nodes grouped by their pool label."""

    name: str
    gpu_count: int
    node_count: int
    available_gpus: int
    gpu_model: str | None = None
    instance_type: str | None = None
    region: str | None = None


class DetailedClusterCapacity(CapacityTotals):
    """Totals plus node pools."""

    node_pools: list[NodePool] = Field(default_factory=list)


class GpuThroughputEstimate(Schema):
    """Estimated decode speed of a model on the cluster's best GPU pool."""

    per_chat_tokens_per_sec: int
    concurrent_sequences: int | None = None
    aggregate_tokens_per_sec: int | None = None
    gpu_model: str
    per_gpu_memory_gb: int
    mem_bandwidth_g_bs: int
    tp_size: int
    context_len: int
    kv_cache_dtype: str
    fp8_supported: bool
    capacity_label: str
    low_confidence: bool
    does_not_fit: bool | None = None


class GpuSpec(Schema):
    """One row of the GPU spec table."""

    key: str
    aliases: list[str]
    memory_gb: int
    generation: str
    mem_bandwidth_g_bs: int


class GpuSpecs(Schema):
    """The GPU spec table the estimates use."""

    gpus: list[GpuSpec]
