"""What the simulated KubeRay operator creates for a RayService, and the statuses.  Pure.

THIS IS A SIMULATOR, NOT KUBERAY.  KubeRay v1.3 serves a RayService from a RayCluster named
``<rayservice>-raycluster-<suffix>`` (a new cluster, hence a new suffix, whenever
``spec.rayClusterConfig`` changes), whose operator creates the head pod and one pod per worker
replica, plus the Services ``<rayservice>-head-svc`` and ``<rayservice>-serve-svc`` (Serve on
port 8000).  Once the head is up it asks the Ray dashboard for the Serve applications and
reports them in ``activeServiceStatus.applicationStatuses``; ``RayServiceReady`` turns True when
the Serve endpoints are up.

The simulator derives the suffix from a hash of ``rayClusterConfig`` (deterministic, so a
restart finds its cluster), names pods ``<cluster>-head`` and ``<cluster>-<group>-worker-<i>``,
and reports the Serve application ``DEPLOYING`` while pods are not all Ready or the readiness
delay (model loading) has not passed, then ``RUNNING``; failure injection makes it
``DEPLOY_FAILED``.  Containers never run (kwok fakes the pods).
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Final

from airunway.kube.client import Manifest
from airunway.sim.workloads import (
    owned_metadata,
    with_condition,
)

API_VERSION: Final = "ray.io/v1"
RAYSERVICE: Final = "RayService"
RAYCLUSTER: Final = "RayCluster"
SIMULATOR: Final = "kuberay"
CLUSTER_LABEL: Final = "ray.io/cluster"
NODE_TYPE_LABEL: Final = "ray.io/node-type"
GROUP_LABEL: Final = "ray.io/group"
ORIGINATED_LABEL: Final = "ray.io/originated-from-cr-name"
SERVE_PORT: Final = 8000
APP_FAILED_MESSAGE: Final = (
    "Deploying application llm failed: the vLLM engine could not start (CUDA error: out of "
    "memory) (simulated failure, annotation sim.airunway.ai/fail)"
)


def cluster_name(rayservice: Mapping[str, Any]) -> str:
    """``<rayservice>-raycluster-<5 chars of the cluster config's hash>``."""
    config = (rayservice.get("spec") or {}).get("rayClusterConfig") or {}
    digest = hashlib.sha256(json.dumps(config, sort_keys=True).encode()).hexdigest()[:5]
    return f"{rayservice['metadata']['name']}-raycluster-{digest}"


def render_cluster(rayservice: Mapping[str, Any]) -> Manifest:
    """The RayCluster of a RayService (its ``rayClusterConfig`` verbatim)."""
    name = cluster_name(rayservice)
    labels = {
        ORIGINATED_LABEL: rayservice["metadata"]["name"],
        "ray.io/originated-from-crd": "RayService",
    }
    return {
        "apiVersion": API_VERSION,
        "kind": RAYCLUSTER,
        "metadata": owned_metadata(rayservice, name, SIMULATOR, labels),
        "spec": dict((rayservice.get("spec") or {}).get("rayClusterConfig") or {}),
    }


def render_services(rayservice: Mapping[str, Any], cluster: str) -> list[Manifest]:
    """``<rs>-head-svc`` (dashboard, GCS) and ``<rs>-serve-svc`` (Serve, 8000) on the head."""
    name = rayservice["metadata"]["name"]
    selector = {CLUSTER_LABEL: cluster, NODE_TYPE_LABEL: "head"}
    head_ports = [("gcs", 6379), ("dashboard", 8265), ("client", 10001), ("serve", SERVE_PORT)]
    return [
        {
            "apiVersion": "v1",
            "kind": "Service",
            "metadata": owned_metadata(
                rayservice, f"{name}-head-svc", SIMULATOR, {ORIGINATED_LABEL: name}
            ),
            "spec": {
                "selector": selector,
                "ports": [{"name": n, "port": p, "targetPort": p} for n, p in head_ports],
            },
        },
        {
            "apiVersion": "v1",
            "kind": "Service",
            "metadata": owned_metadata(
                rayservice, f"{name}-serve-svc", SIMULATOR, {ORIGINATED_LABEL: name}
            ),
            "spec": {
                "selector": {CLUSTER_LABEL: cluster},
                "ports": [{"name": "serve", "port": SERVE_PORT, "targetPort": SERVE_PORT}],
            },
        },
    ]


def _pod(
    cluster: Mapping[str, Any], name: str, template: Mapping[str, Any], node_type: str, group: str
) -> Manifest:
    meta_in = template.get("metadata") or {}
    labels = {
        **(meta_in.get("labels") or {}),
        ORIGINATED_LABEL: cluster["metadata"]["labels"][ORIGINATED_LABEL],
        CLUSTER_LABEL: cluster["metadata"]["name"],
        NODE_TYPE_LABEL: node_type,
        GROUP_LABEL: group,
    }
    spec = json.loads(json.dumps(template.get("spec") or {}))
    for container in spec.get("containers") or []:
        limits = (container.get("resources") or {}).get("limits") or {}
        requests = container.setdefault("resources", {}).setdefault("requests", {})
        for key, value in limits.items():  # extended resources: requests must equal limits
            requests.setdefault(key, value)
    spec.setdefault("restartPolicy", "Always")
    meta = owned_metadata(cluster, name, SIMULATOR, labels)
    if meta_in.get("annotations"):
        meta["annotations"] |= dict(meta_in["annotations"])
    return {"apiVersion": "v1", "kind": "Pod", "metadata": meta, "spec": spec}


def render_pods(cluster: Mapping[str, Any]) -> list[Manifest]:
    """The head pod, then ``replicas`` pods per worker group."""
    name = cluster["metadata"]["name"]
    spec = cluster.get("spec") or {}
    head = spec.get("headGroupSpec") or {}
    pods = [_pod(cluster, f"{name}-head", head.get("template") or {}, "head", "headgroup")]
    for group in spec.get("workerGroupSpecs") or []:
        count = group.get("replicas")
        count = count if isinstance(count, int) else int(group.get("minReplicas") or 0)
        group_name = str(group.get("groupName") or "workers")
        pods += [
            _pod(
                cluster,
                f"{name}-{group_name}-worker-{i}",
                group.get("template") or {},
                "worker",
                group_name,
            )
            for i in range(count)
        ]
    return pods


@dataclass(frozen=True)
class Observed:
    """What the simulator saw of a RayService's cluster."""

    generation: int
    cluster: str
    desired_workers: int
    ready_workers: int
    head_ready: bool
    head_pod_ip: str
    model_loaded: bool
    failed: bool
    unschedulable: str | None


def _condition(
    conditions: Sequence[Mapping[str, Any]],
    ctype: str,
    value: tuple[bool, str, str],
    generation: int,
    now: datetime,
) -> list[dict[str, Any]]:
    """``conditions`` with ``ctype`` set to (status, reason, message)."""
    status, reason, message = value
    return with_condition(
        conditions,
        ctype,
        status=status,
        reason=reason,
        message=message,
        generation=generation,
        now=now,
    )


def cluster_status(previous: Mapping[str, Any], seen: Observed, now: datetime) -> dict[str, Any]:
    """RayCluster status: ``ready`` once the head and every worker are Ready."""
    ready = seen.head_ready and seen.ready_workers >= seen.desired_workers
    conditions = previous.get("conditions") or []
    head = (
        (True, "HeadPodRunningAndReady", "")
        if seen.head_ready
        else (False, "HeadPodNotFound", seen.unschedulable or "head pod is not ready")
    )
    conditions = _condition(conditions, "HeadPodReady", head, seen.generation, now)
    provisioned = (
        (True, "AllPodRunningAndReadyFirstTime", "All Ray Pods are ready for the first time")
        if ready
        else (
            False,
            "RayClusterPodsProvisioning",
            seen.unschedulable or "RayCluster Pods are being provisioned for first time",
        )
    )
    conditions = _condition(conditions, "RayClusterProvisioned", provisioned, seen.generation, now)
    out: dict[str, Any] = {
        "desiredWorkerReplicas": seen.desired_workers,
        "minWorkerReplicas": seen.desired_workers,
        "maxWorkerReplicas": seen.desired_workers,
        "readyWorkerReplicas": seen.ready_workers,
        "availableWorkerReplicas": seen.ready_workers,
        "observedGeneration": seen.generation,
        "conditions": conditions,
        "head": {"podName": f"{seen.cluster}-head", "serviceName": f"{seen.cluster}-head-svc"},
    }
    if seen.head_pod_ip:
        out["head"]["podIP"] = seen.head_pod_ip
    if ready:
        out["state"] = "ready"
    return out


def app_status(seen: Observed) -> tuple[str, str] | None:
    """(status, message) of the Serve application ``llm``; None before the head is up."""
    if not seen.head_ready:
        return None
    if seen.failed:
        return "DEPLOY_FAILED", APP_FAILED_MESSAGE
    if seen.ready_workers >= seen.desired_workers and seen.model_loaded:
        return "RUNNING", ""
    return "DEPLOYING", "Deploying app 'llm': waiting for the vLLM replicas to load the model"


def service_status(
    previous: Mapping[str, Any], seen: Observed, cluster: Mapping[str, Any], now: datetime
) -> dict[str, Any]:
    """RayService status: the active cluster, its Serve application and ``RayServiceReady``."""
    active: dict[str, Any] = {"rayClusterName": seen.cluster, "rayClusterStatus": cluster}
    app = app_status(seen)
    if app is not None:
        state, message = app
        entry: dict[str, Any] = {"status": state}
        if message:
            entry["message"] = message
        deployment = (
            "HEALTHY"
            if state == "RUNNING"
            else ("UNHEALTHY" if state == "DEPLOY_FAILED" else "UPDATING")
        )
        entry["serveDeploymentStatuses"] = {"VLLMDeployment": {"status": deployment}}
        active["applicationStatuses"] = {"llm": entry}
    running = app is not None and app[0] == "RUNNING"
    conditions = previous.get("conditions") or []
    ready = (
        (True, "NonZeroServeEndpoints", "Number of serve endpoints is greater than 0")
        if running
        else (False, "Initializing", "RayService is initializing")
    )
    conditions = _condition(conditions, "RayServiceReady", ready, seen.generation, now)
    conditions = _condition(
        conditions,
        "UpgradeInProgress",
        (False, "NoPendingCluster", "No pending cluster exists"),
        seen.generation,
        now,
    )
    return {
        "activeServiceStatus": active,
        "pendingServiceStatus": {},
        "serviceStatus": "Running" if running else "",
        "numServeEndpoints": 1 + seen.ready_workers if running else 0,
        "observedGeneration": seen.generation,
        "conditions": conditions,
    }
