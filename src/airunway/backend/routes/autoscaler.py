"""``/api/autoscaler`` (spec §7)."""

from __future__ import annotations

from airunway.backend.auth import CallerKube
from airunway.backend.routes.common import PROTECTED, RESPONSES, Router
from airunway.backend.schemas.autoscaler import AutoscalerDetection, AutoscalerStatus
from airunway.backend.services import autoscaler

api = Router(
    prefix="/api/autoscaler", tags=["autoscaler"], dependencies=PROTECTED, responses=RESPONSES
)


@api.get("/detection", operation_id="autoscaler-detection")
async def detection(kube: CallerKube) -> AutoscalerDetection:
    """Which autoscaler the cluster has, and whether it looks healthy."""
    return await autoscaler.detect(kube)


@api.get("/status", operation_id="autoscaler-status")
async def status(kube: CallerKube) -> AutoscalerStatus:
    """The Cluster Autoscaler's status; 404 when it publishes none."""
    return await autoscaler.status(kube)
