"""Autoscaler bodies (spec §7)."""

from __future__ import annotations

from typing import Literal

from airunway.backend.schemas.base import Schema


class AutoscalerDetection(Schema):
    """Which autoscaler the cluster has, if any."""

    type: Literal["none", "aks-managed", "cluster-autoscaler", "unknown"]
    detected: bool
    healthy: bool
    message: str
    node_group_count: int | None = None


class NodeGroup(Schema):
    """One node group of the Cluster Autoscaler."""

    name: str
    min_size: int
    max_size: int
    current_size: int


class AutoscalerStatus(Schema):
    """The Cluster Autoscaler's own status ConfigMap, parsed."""

    health: str
    last_update_time: str | None = None
    node_groups: list[NodeGroup] | None = None
