"""A SIMULATOR of the KubeRay operator (ray-project/kuberay v1.3), NOT KubeRay itself.

Why: on kwok clusters a real Ray cluster cannot start (GPU images, a Ray head that must run).
This process answers RayServices (``ray.io/v1``) the way KubeRay does, so the AI Runway KubeRay
provider sees the real objects and statuses, validated by the real RayService and RayCluster
CRDs.

What it does:

* At start it makes the operator look installed: namespace ``ray-system`` and a Deployment
  ``kuberay-operator`` labelled like the chart's.
* For each RayService: the RayCluster (:mod:`airunway.sim.kuberay_render`), replaced by a new
  one when ``rayClusterConfig`` changes; the head and worker pods of that cluster (owned by it,
  so the garbage collector removes them with it); the head and Serve Services.  Real scheduling
  and kwok run the pods.
* Status: RayCluster ``ready`` once all pods are Ready; RayService with the Serve application
  ``llm`` ``DEPLOYING`` until the pods have been Ready for the readiness delay, then
  ``RUNNING`` and ``RayServiceReady`` True.

Failure injection: annotation ``sim.airunway.ai/fail`` (any non-empty value) on the RayService
(the provider copies ``spec.podTemplate.metadata.annotations`` there) makes the Serve
application ``DEPLOY_FAILED``.  Not simulated: autoscaling, zero-downtime upgrades (the old
cluster is deleted at once), the Ray dashboard, GCS fault tolerance.
"""

from __future__ import annotations

import logging
from datetime import UTC, datetime
from typing import Final

from airunway.kube.client import Manifest
from airunway.kube.errors import ConflictError, NotFoundError
from airunway.sim.base import Key, Simulator
from airunway.sim.kuberay_render import (
    API_VERSION,
    CLUSTER_LABEL,
    NODE_TYPE_LABEL,
    ORIGINATED_LABEL,
    RAYCLUSTER,
    RAYSERVICE,
    SIMULATOR,
    Observed,
    cluster_status,
    render_cluster,
    render_pods,
    render_services,
    service_status,
)
from airunway.sim.workloads import (
    FAIL_ANNOTATION,
    controller_of,
    pod_condition,
    unschedulable_message,
)

log = logging.getLogger(__name__)

UPSTREAM_NAMESPACE: Final = "ray-system"
UPSTREAM_NAME: Final = "kuberay-operator"
UPSTREAM_LABELS: Final = {
    "app.kubernetes.io/name": "kuberay-operator",
    "app.kubernetes.io/instance": "kuberay-operator",
}


def _ready(pod: Manifest) -> bool:
    condition = pod_condition(pod, "Ready")
    return bool(condition and condition.get("status") == "True")


class KubeRaySimulator(Simulator):
    """Watches RayServices, their RayClusters and the clusters' pods."""

    api_version = API_VERSION
    kind = RAYSERVICE
    name = SIMULATOR
    upstream = (UPSTREAM_NAMESPACE, UPSTREAM_NAME, UPSTREAM_LABELS)
    owned = ((API_VERSION, RAYCLUSTER),)
    pod_label = ORIGINATED_LABEL

    async def reconcile(self, key: Key) -> None:
        """Cluster, pods, Services and both statuses of one RayService."""
        namespace, name = key
        try:
            rayservice = await self.kube.get(API_VERSION, RAYSERVICE, name, namespace)
        except NotFoundError:
            self.readiness.forget(key)
            return
        if rayservice["metadata"].get("deletionTimestamp"):
            return
        desired = render_cluster(rayservice)
        existing = [
            c
            for c in await self.kube.list(API_VERSION, RAYCLUSTER, namespace)
            if controller_of(c, API_VERSION, RAYSERVICE) == name
        ]
        await self.apply_owned(API_VERSION, RAYCLUSTER, [desired], existing)
        cluster = await self.kube.get(
            API_VERSION, RAYCLUSTER, desired["metadata"]["name"], namespace
        )
        for service in render_services(rayservice, cluster["metadata"]["name"]):
            await self.kube.apply(service, force=True)
        pods = await self._ensure_pods(cluster)
        heads = [p for p in pods if p["metadata"]["labels"].get(NODE_TYPE_LABEL) == "head"]
        workers = [p for p in pods if p["metadata"]["labels"].get(NODE_TYPE_LABEL) == "worker"]
        desired_workers = len(render_pods(cluster)) - 1
        head_ready = bool(heads) and _ready(heads[0])
        ready_workers = sum(1 for p in workers if _ready(p))
        seen = Observed(
            generation=int(rayservice["metadata"].get("generation") or 0),
            cluster=cluster["metadata"]["name"],
            desired_workers=desired_workers,
            ready_workers=ready_workers,
            head_ready=head_ready,
            head_pod_ip=str((heads[0].get("status") or {}).get("podIP") or "") if heads else "",
            model_loaded=self.model_loaded(key, head_ready and ready_workers >= desired_workers),
            failed=bool((rayservice["metadata"].get("annotations") or {}).get(FAIL_ANNOTATION)),
            unschedulable=unschedulable_message(pods),
        )
        now = datetime.now(UTC)
        rc_status = cluster_status(cluster.get("status") or {}, seen, now)
        await self.write_status(cluster, rc_status)
        rs_status = service_status(rayservice.get("status") or {}, seen, rc_status, now)
        await self.write_status(rayservice, rs_status)

    async def _ensure_pods(self, cluster: Manifest) -> list[Manifest]:
        """Create the cluster's missing pods (pods are immutable: never updated)."""
        namespace, name = cluster["metadata"]["namespace"], cluster["metadata"]["name"]
        live = {
            p["metadata"]["name"]: p
            for p in await self.kube.list("v1", "Pod", namespace, {CLUSTER_LABEL: name})
        }
        for pod in render_pods(cluster):
            if pod["metadata"]["name"] not in live:
                try:
                    live[pod["metadata"]["name"]] = await self.kube.create(pod)
                except ConflictError:  # created by an earlier pass
                    continue
        return list(live.values())
