"""What the simulated Dynamo operator creates for a DynamoGraphDeployment, and its status.  Pure.

THIS IS A SIMULATOR, NOT DYNAMO.  The Dynamo 1.1 operator turns each service of a graph into a
component workload (Grove PodCliques, or Deployments/LeaderWorkerSets without Grove) and reports
the graph in ``status.state``, a ``Ready`` condition and per-service replica counts.  The
simulator renders one Deployment per service (``<dgd>-<service>``, lower case) whose pods ask for
what the service asks for (``resources.limits.gpu`` as ``nvidia.com/gpu``), so the real
scheduler places them on kwok GPU nodes, plus the ``<dgd>-frontend`` Service on port 8000 and,
on the gateway path (an ``Epp`` service), the InferencePool ``<dgd>-pool``.

Simplifications, on purpose: a multi-node service (``multinode.nodeCount`` n) is one Deployment
of ``replicas * n`` pods (the real operator makes a leader/worker set per replica) and is
reported as componentKind ``Deployment``; containers never run (kwok fakes the pods).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Final

from airunway.kube.client import Manifest
from airunway.sim.workloads import (
    owned_metadata,
    with_condition,
)

API_VERSION: Final = "nvidia.com/v1alpha1"
KIND: Final = "DynamoGraphDeployment"
SIMULATOR: Final = "dynamo"
GRAPH_LABEL: Final = "nvidia.com/dynamo-graph-deployment-name"
COMPONENT_LABEL: Final = "nvidia.com/dynamo-component"
COMPONENT_TYPE_LABEL: Final = "nvidia.com/dynamo-component-type"
SUB_COMPONENT_LABEL: Final = "nvidia.com/dynamo-sub-component-type"
GPU_RESOURCE: Final = "nvidia.com/gpu"
FRONTEND_PORT: Final = 8000
EPP_PORT: Final = 9002
STATE_INITIALIZING: Final = "initializing"
STATE_PENDING: Final = "pending"
STATE_SUCCESSFUL: Final = "successful"
STATE_FAILED: Final = "failed"
FAILED_MESSAGE: Final = (
    "worker pods keep crashing: the engine failed to load the model (CUDA error: out of "
    "memory) (simulated failure, annotation sim.airunway.ai/fail)"
)


def services_of(dgd: Mapping[str, Any]) -> dict[str, Mapping[str, Any]]:
    """``spec.services`` (name -> service), only well-formed entries."""
    raw = (dgd.get("spec") or {}).get("services") or {}
    return {k: v for k, v in raw.items() if isinstance(v, Mapping)}


def component_name(dgd: Mapping[str, Any], service: str) -> str:
    """The workload name of a service."""
    return f"{dgd['metadata']['name']}-{service.lower()}"


def pods_per_replica(service: Mapping[str, Any]) -> int:
    """``multinode.nodeCount`` (1 when not multi-node)."""
    multinode = service.get("multinode")
    count = multinode.get("nodeCount") if isinstance(multinode, Mapping) else None
    return count if isinstance(count, int) and count > 1 else 1


def _replicas(service: Mapping[str, Any]) -> int:
    value = service.get("replicas")
    return value if isinstance(value, int) and value >= 0 else 1


def _container_resources(service: Mapping[str, Any]) -> dict[str, Any]:
    resources = service.get("resources") or {}
    out: dict[str, dict[str, str]] = {}
    for side in ("requests", "limits"):
        values = resources.get(side) or {}
        kube: dict[str, str] = {}
        for key in ("cpu", "memory"):
            if values.get(key):
                kube[key] = str(values[key])
        if values.get("gpu") and str(values["gpu"]) != "0":
            kube[str(values.get("gpuType") or GPU_RESOURCE)] = str(values["gpu"])
        if kube:
            out[side] = kube
    # the GPU is an extended resource: requests must equal limits
    limits = out.get("limits", {})
    for key, value in limits.items():
        if key not in {"cpu", "memory"}:
            out.setdefault("requests", {})[key] = value
    return out


def _labels(
    dgd: Mapping[str, Any], service_name: str, service: Mapping[str, Any]
) -> dict[str, str]:
    labels = {
        GRAPH_LABEL: dgd["metadata"]["name"],
        COMPONENT_LABEL: service_name,
        COMPONENT_TYPE_LABEL: str(service.get("componentType") or "main"),
    }
    if sub := service.get("subComponentType"):
        labels[SUB_COMPONENT_LABEL] = str(sub)
    return labels


def render_component(dgd: Mapping[str, Any], name: str, service: Mapping[str, Any]) -> Manifest:
    """The Deployment of one service."""
    labels = _labels(dgd, name, service)
    pod_spec_in = service.get("extraPodSpec") or {}
    main = pod_spec_in.get("mainContainer") or {}
    container: dict[str, Any] = {
        "name": "main",
        "image": str(main.get("image") or "registry.k8s.io/pause:3.10"),
        "ports": [{"name": "http", "containerPort": FRONTEND_PORT}],
    }
    if main.get("command"):
        container["command"] = list(main["command"])
    if main.get("args"):
        container["args"] = list(main["args"])
    if resources := _container_resources(service):
        container["resources"] = resources
    pod_spec: dict[str, Any] = {"containers": [container]}
    for key in ("nodeSelector", "tolerations"):
        if pod_spec_in.get(key):
            pod_spec[key] = pod_spec_in[key]
    return {
        "apiVersion": "apps/v1",
        "kind": "Deployment",
        "metadata": owned_metadata(dgd, component_name(dgd, name), SIMULATOR, labels),
        "spec": {
            "replicas": _replicas(service) * pods_per_replica(service),
            "selector": {"matchLabels": dict(labels)},
            "template": {"metadata": {"labels": dict(labels)}, "spec": pod_spec},
        },
    }


def render_frontend_service(dgd: Mapping[str, Any]) -> Manifest:
    """``<dgd>-frontend``: the standalone Frontend, else the workers' frontend sidecars."""
    name = dgd["metadata"]["name"]
    has_frontend = any(s.get("componentType") == "frontend" for s in services_of(dgd).values())
    selector = {GRAPH_LABEL: name, COMPONENT_TYPE_LABEL: "frontend" if has_frontend else "worker"}
    return {
        "apiVersion": "v1",
        "kind": "Service",
        "metadata": owned_metadata(dgd, f"{name}-frontend", SIMULATOR, {GRAPH_LABEL: name}),
        "spec": {
            "type": "ClusterIP",
            "selector": selector,
            "ports": [{"name": "http", "port": FRONTEND_PORT, "targetPort": FRONTEND_PORT}],
        },
    }


def render_inference_pool(dgd: Mapping[str, Any]) -> Manifest | None:
    """``<dgd>-pool`` over the workers when the graph has an ``Epp`` (the gateway path)."""
    if not any(s.get("componentType") == "epp" for s in services_of(dgd).values()):
        return None
    name = dgd["metadata"]["name"]
    return {
        "apiVersion": "inference.networking.k8s.io/v1",
        "kind": "InferencePool",
        "metadata": owned_metadata(dgd, f"{name}-pool", SIMULATOR, {GRAPH_LABEL: name}),
        "spec": {
            "selector": {"matchLabels": {GRAPH_LABEL: name, COMPONENT_TYPE_LABEL: "worker"}},
            "targetPorts": [{"number": FRONTEND_PORT}],
            "endpointPickerRef": {"name": component_name(dgd, "Epp"), "port": {"number": EPP_PORT}},
        },
    }


@dataclass(frozen=True)
class Observed:
    """What the simulator saw of a graph's workloads."""

    generation: int
    previous: Mapping[str, Any]
    #: service name -> (desired replicas, ready pods, pods per replica); None = not created yet
    components: Mapping[str, tuple[int, int, int] | None]
    unschedulable: str | None
    model_loaded: bool
    failed: bool


def _service_status(
    dgd: Mapping[str, Any], name: str, desired: int, ready: int, per: int
) -> dict[str, Any]:
    ready_replicas = ready // per
    return {
        "componentKind": "Deployment",
        "componentName": component_name(dgd, name),
        "componentNames": [component_name(dgd, name)],
        "replicas": desired,
        "updatedReplicas": desired,
        "readyReplicas": ready_replicas,
        "availableReplicas": ready_replicas,
    }


def compute_status(dgd: Mapping[str, Any], observed: Observed, now: datetime) -> dict[str, Any]:
    """The DGD status: state, the ``Ready`` condition and per-service replicas."""
    services: dict[str, Any] = {}
    not_ready: list[str] = []
    for name, seen in observed.components.items():
        if seen is None:
            not_ready.append(name)
            continue
        desired, ready, per = seen
        services[name] = _service_status(dgd, name, desired, ready, per)
        if ready < desired * per:
            not_ready.append(name)
    created = all(seen is not None for seen in observed.components.values())
    conditions: Sequence[Mapping[str, Any]] = observed.previous.get("conditions") or []
    if observed.failed:
        state, ready_cond = STATE_FAILED, (False, "ComponentsFailed", FAILED_MESSAGE)
    elif not created:
        state = STATE_INITIALIZING
        ready_cond = (False, "some_resources_are_not_ready", "Resources are being created")
    elif not_ready or not observed.model_loaded:
        state = STATE_PENDING
        detail = observed.unschedulable or "waiting for pods to become ready"
        message = (
            f"Resources not ready: {', '.join(sorted(not_ready)) or 'model loading'}: {detail}"
        )
        ready_cond = (False, "some_resources_are_not_ready", message)
    else:
        state, ready_cond = (
            STATE_SUCCESSFUL,
            (True, "all_resources_are_ready", "All resources are ready"),
        )
    status, reason, message = ready_cond
    out: dict[str, Any] = {
        "state": state,
        "observedGeneration": observed.generation,
        "conditions": with_condition(
            conditions,
            "Ready",
            status=status,
            reason=reason,
            message=message,
            generation=observed.generation,
            now=now,
        ),
        "services": services,
    }
    return out
