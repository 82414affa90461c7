"""GPU capacity of the cluster from its nodes and the pods bound to them (spec §6.1, §6.2)."""

from __future__ import annotations

from typing import Any

from airunway.backend.schemas.capacity import (
    CapacityTotals,
    ClusterGpuCapacity,
    DetailedClusterCapacity,
    NodeGpus,
    NodePool,
)
from airunway.backend.services import gpus
from airunway.backend.services.pending import GPU, int_quantity, pod_gpu_request
from airunway.kube.client import Kube

_POOL_LABELS = (
    "agentpool",
    "kubernetes.azure.com/agentpool",
    "cloud.google.com/gke-nodepool",
    "eks.amazonaws.com/nodegroup",
    "airunway.ai/node-group",  # our simulated nodes' group (dev cluster), after the clouds'
)


def node_gpus(node: dict[str, Any]) -> int:
    """Allocatable ``nvidia.com/gpu`` of a node."""
    return int_quantity(((node.get("status") or {}).get("allocatable") or {}).get(GPU))


def capacity(nodes: list[dict[str, Any]], pods: list[dict[str, Any]]) -> ClusterGpuCapacity:
    """Totals and per-node figures; pods count while Running or Pending on a GPU node."""
    gpu_nodes = [n for n in nodes if node_gpus(n) > 0]
    names = {n["metadata"]["name"] for n in gpu_nodes}
    allocated: dict[str, int] = dict.fromkeys(names, 0)
    for pod in pods:
        node = str((pod.get("spec") or {}).get("nodeName") or "")
        if node in names and (pod.get("status") or {}).get("phase") in {"Running", "Pending"}:
            allocated[node] += pod_gpu_request(pod)
    memory = next(
        (
            m
            for n in gpu_nodes
            if (m := gpus.memory_from_labels(n["metadata"].get("labels") or {})) is not None
        ),
        None,
    )
    per_node = [
        NodeGpus(
            node_name=n["metadata"]["name"],
            total_gpus=node_gpus(n),
            allocated_gpus=allocated[n["metadata"]["name"]],
            available_gpus=max(0, node_gpus(n) - allocated[n["metadata"]["name"]]),
        )
        for n in gpu_nodes
    ]
    total = sum(n.total_gpus for n in per_node)
    used = sum(n.allocated_gpus for n in per_node)
    return ClusterGpuCapacity(
        total_gpus=total,
        allocated_gpus=used,
        available_gpus=total - used,
        max_contiguous_available=max((n.available_gpus for n in per_node), default=0),
        max_node_gpu_capacity=max((n.total_gpus for n in per_node), default=0),
        gpu_node_count=len(per_node),
        total_memory_gb=memory,
        nodes=per_node,
    )


def node_pools(nodes: list[dict[str, Any]], cap: ClusterGpuCapacity) -> list[NodePool]:
    """GPU nodes grouped by their pool label, with the pool's model, instance type, region."""
    available = {n.node_name: n.available_gpus for n in cap.nodes}
    pools: dict[str, NodePool] = {}
    for node in nodes:
        count = node_gpus(node)
        if count <= 0:
            continue
        labels = node["metadata"].get("labels") or {}
        name = next((labels[k] for k in _POOL_LABELS if labels.get(k)), "default")
        instance = labels.get("node.kubernetes.io/instance-type") or labels.get(
            "beta.kubernetes.io/instance-type"
        )
        model = (
            labels.get("nvidia.com/gpu.product")
            or gpus.model_from_instance_type(instance)
            or labels.get("accelerator")
        )
        region = labels.get("topology.kubernetes.io/region") or labels.get(
            "failure-domain.beta.kubernetes.io/region"
        )
        pool = pools.setdefault(
            name, NodePool(name=name, gpu_count=0, node_count=0, available_gpus=0)
        )
        pool.gpu_count += count
        pool.node_count += 1
        pool.available_gpus += available.get(node["metadata"]["name"], 0)
        pool.gpu_model = pool.gpu_model or model
        pool.instance_type = pool.instance_type or instance
        pool.region = pool.region or region
    return list(pools.values())


async def read(kube: Kube) -> tuple[list[dict[str, Any]], ClusterGpuCapacity]:
    """Nodes and capacity as ``kube``'s identity sees them (errors propagate)."""
    nodes = await kube.list("v1", "Node")
    pods = await kube.list("v1", "Pod")
    return nodes, capacity(nodes, pods)


async def cluster_capacity(kube: Kube) -> ClusterGpuCapacity:
    """``GET /api/installation/gpu-capacity``."""
    _, cap = await read(kube)
    return cap


async def detailed(kube: Kube) -> DetailedClusterCapacity:
    """``GET /api/installation/gpu-capacity/detailed``."""
    nodes, cap = await read(kube)
    totals = CapacityTotals.model_validate(cap.model_dump(exclude={"nodes"}))
    return DetailedClusterCapacity(
        **totals.model_dump(by_alias=False), node_pools=node_pools(nodes, cap)
    )
