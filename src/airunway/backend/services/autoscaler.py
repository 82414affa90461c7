"""Autoscaler detection and status (spec §7): AKS node-pool autoscaling or Cluster Autoscaler."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import yaml

from airunway.backend.errors import ResourceMissingError
from airunway.backend.schemas.autoscaler import AutoscalerDetection, AutoscalerStatus, NodeGroup
from airunway.kube.client import Kube
from airunway.kube.errors import NotFoundError

FRESH_SECONDS = 300


def parse_status(text: str) -> AutoscalerStatus | None:
    """The ``status`` key of ``kube-system/cluster-autoscaler-status``; None when unreadable."""
    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError:
        return None
    if not isinstance(data, dict):
        return None
    cluster = data.get("clusterWide") or {}
    health = (
        ((cluster.get("health") or {}).get("status")) or data.get("autoscalerStatus") or "unknown"
    )
    groups = []
    for group in data.get("nodeGroups") or []:
        if not isinstance(group, dict):
            continue
        h = group.get("health") or {}
        registered = ((h.get("nodeCounts") or {}).get("registered") or {}).get("total")
        groups.append(
            NodeGroup(
                name=str(group.get("name") or "unknown"),
                min_size=int(h.get("minSize") or 0),
                max_size=int(h.get("maxSize") or 0),
                current_size=int(h.get("cloudProviderTarget") or registered or 0),
            )
        )
    time = data.get("time")
    return AutoscalerStatus(
        health=str(health),
        last_update_time=str(time) if time is not None else None,
        node_groups=groups,
    )


async def status(kube: Kube) -> AutoscalerStatus:
    """The parsed status ConfigMap; 404 when there is none."""
    try:
        cm = await kube.get("v1", "ConfigMap", "cluster-autoscaler-status", "kube-system")
    except NotFoundError as exc:
        raise ResourceMissingError("Autoscaler status not available") from exc
    parsed = parse_status((cm.get("data") or {}).get("status") or "")
    if parsed is None:
        raise ResourceMissingError("Autoscaler status not available")
    return parsed


def _fresh(when: str | None) -> bool:
    if not when:
        return True
    try:
        stamp = datetime.fromisoformat(when)
    except ValueError:
        return False
    return (datetime.now(UTC) - stamp).total_seconds() <= FRESH_SECONDS


def _deployment_healthy(deployment: dict[str, Any]) -> bool:
    replicas = int((deployment.get("spec") or {}).get("replicas") or 0)
    ready = int((deployment.get("status") or {}).get("readyReplicas") or 0)
    return replicas > 0 and ready == replicas


async def detect(kube: Kube) -> AutoscalerDetection:
    """AKS managed, Cluster Autoscaler (status ConfigMap or Deployment), or none."""
    nodes = await kube.list("v1", "Node")
    first = nodes[0] if nodes else {}
    labels = (first.get("metadata") or {}).get("labels") or {}
    aks = "kubernetes.azure.com/cluster" in labels or str(
        (first.get("spec") or {}).get("providerID") or ""
    ).startswith("azure://")
    if aks:
        pools = {
            (n["metadata"].get("labels") or {}).get("agentpool")
            or (n["metadata"].get("labels") or {}).get("kubernetes.azure.com/agentpool")
            for n in nodes
            if (n["metadata"].get("labels") or {}).get("cluster-autoscaler.kubernetes.io/enabled")
            == "true"
        } - {None}
        if pools:
            return AutoscalerDetection(
                type="aks-managed",
                detected=True,
                healthy=True,
                message=f"AKS managed autoscaler detected on {len(pools)} node pool(s)",
                node_group_count=len(pools),
            )
    healthy: bool | None = None
    groups = 0
    try:
        current = await status(kube)
        healthy, groups = _fresh(current.last_update_time), len(current.node_groups or [])
    except ResourceMissingError:
        found = await kube.list(
            "apps/v1", "Deployment", "kube-system", labels={"app": "cluster-autoscaler"}
        )
        if not found:
            found = [
                d
                for d in await kube.list("apps/v1", "Deployment")
                if "cluster-autoscaler" in d["metadata"]["name"]
            ]
        if found:
            healthy = _deployment_healthy(found[0])
    if healthy is not None:
        if healthy:
            message = (
                f"Cluster Autoscaler running on {groups} node group(s)"
                if groups
                else "Cluster Autoscaler running"
            )
        else:
            message = "Cluster Autoscaler detected but status is stale or unhealthy"
        return AutoscalerDetection(
            type="cluster-autoscaler",
            detected=True,
            healthy=healthy,
            message=message,
            node_group_count=groups,
        )
    where = "Enable AKS node pool autoscaling" if aks else "Install Kubernetes Cluster Autoscaler"
    return AutoscalerDetection(
        type="none",
        detected=False,
        healthy=False,
        message=f"No autoscaler detected. {where} to automatically scale your cluster.",
    )
