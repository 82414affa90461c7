"""A SIMULATOR of the NVIDIA Dynamo operator (ai-dynamo/dynamo 1.1), NOT Dynamo itself.

Why: on kwok clusters the real operator cannot run its graphs (GPU images, Grove, NATS/etcd).
This process answers DynamoGraphDeployments (``nvidia.com/v1alpha1``) the way the operator does,
so the AI Runway Dynamo provider sees real objects and real status, validated by the real CRD.

What it does:

* At start it makes the operator look installed: namespace ``dynamo-system`` and a Deployment
  ``dynamo-platform-dynamo-operator-controller-manager`` labelled like the chart's.
* For each graph: one Deployment per service (:mod:`airunway.sim.dynamo_render`) owned by the
  graph, updated when the graph changes and deleted when its service goes away; the
  ``<dgd>-frontend`` Service; the InferencePool ``<dgd>-pool`` on the gateway path when the
  InferencePool CRD is served.  Real scheduling and kwok run the pods.
* Status: ``initializing`` until every component exists, ``pending`` until all pods are Ready
  and have been for the readiness delay (the scheduler's reason while a pod does not fit), then
  ``successful`` with ``Ready`` True.

Failure injection: annotation ``sim.airunway.ai/fail`` (any non-empty value) on the graph makes
the workers "crash": state ``failed``, ``Ready`` False with the reason in its message.  Removing
it lets the graph recover.  Not simulated: the planner, KV routing, checkpoints, rolling-update
status, Grove PodCliques and LeaderWorkerSets (see :mod:`airunway.sim.dynamo_render`).
"""

from __future__ import annotations

import logging
from datetime import UTC, datetime
from typing import Final

from airunway.kube.client import Manifest
from airunway.kube.errors import NotFoundError
from airunway.sim.base import Key, Simulator
from airunway.sim.dynamo_render import (
    API_VERSION,
    GRAPH_LABEL,
    KIND,
    SIMULATOR,
    Observed,
    component_name,
    compute_status,
    pods_per_replica,
    render_component,
    render_frontend_service,
    render_inference_pool,
    services_of,
)
from airunway.sim.workloads import FAIL_ANNOTATION, controller_of, unschedulable_message

log = logging.getLogger(__name__)

UPSTREAM_NAMESPACE: Final = "dynamo-system"
UPSTREAM_NAME: Final = "dynamo-platform-dynamo-operator-controller-manager"
UPSTREAM_LABELS: Final = {
    "app.kubernetes.io/name": "dynamo-operator",
    "app.kubernetes.io/instance": "dynamo-platform",
    "control-plane": "controller-manager",
}


class DynamoSimulator(Simulator):
    """Watches DynamoGraphDeployments, their Deployments and pods."""

    api_version = API_VERSION
    kind = KIND
    name = SIMULATOR
    upstream = (UPSTREAM_NAMESPACE, UPSTREAM_NAME, UPSTREAM_LABELS)
    pod_label = GRAPH_LABEL

    async def reconcile(self, key: Key) -> None:
        """Components, Service, pool and status of one graph."""
        namespace, name = key
        try:
            dgd = await self.kube.get(API_VERSION, KIND, name, namespace)
        except NotFoundError:
            self.readiness.forget(key)
            return
        if dgd["metadata"].get("deletionTimestamp"):
            return
        services = services_of(dgd)
        desired = [render_component(dgd, svc, spec) for svc, spec in services.items()]
        existing = [
            d
            for d in await self.kube.list("apps/v1", "Deployment", namespace, {GRAPH_LABEL: name})
            if controller_of(d, API_VERSION, KIND) == name
        ]
        await self.apply_owned("apps/v1", "Deployment", desired, existing)
        await self.kube.apply(render_frontend_service(dgd), force=True)
        await self._ensure_pool(dgd)
        live = {
            d["metadata"]["name"]: d
            for d in await self.kube.list("apps/v1", "Deployment", namespace, {GRAPH_LABEL: name})
        }
        components: dict[str, tuple[int, int, int] | None] = {}
        for svc, spec in services.items():
            workload = live.get(component_name(dgd, svc))
            if workload is None:
                components[svc] = None
                continue
            per = pods_per_replica(spec)
            replicas = int(workload["spec"].get("replicas") or 0) // per
            ready = int((workload.get("status") or {}).get("readyReplicas") or 0)
            components[svc] = (replicas, ready, per)
        all_ready = all(c is not None and c[1] >= c[0] * c[2] for c in components.values())
        pods = await self.kube.list("v1", "Pod", namespace, {GRAPH_LABEL: name})
        observed = Observed(
            generation=int(dgd["metadata"].get("generation") or 0),
            previous=dgd.get("status") or {},
            components=components,
            unschedulable=unschedulable_message(pods),
            model_loaded=self.model_loaded(key, all_ready),
            failed=bool((dgd["metadata"].get("annotations") or {}).get(FAIL_ANNOTATION)),
        )
        status = compute_status(dgd, observed, datetime.now(UTC))
        if (dgd.get("status") or {}).get("state") != status["state"]:
            log.info("DGD %s/%s: state -> %s", namespace, name, status["state"])
        await self.write_status(dgd, status)

    async def _ensure_pool(self, dgd: Manifest) -> None:
        pool = render_inference_pool(dgd)
        if pool is None:
            return
        try:
            await self.kube.apply(pool, force=True)
        except NotFoundError:
            log.debug("InferencePool CRD not served: no pool for %s", dgd["metadata"]["name"])
