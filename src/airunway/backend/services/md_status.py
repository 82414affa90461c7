"""A ModelDeployment and its pods → ``DeploymentStatus`` (spec §9.5), pure."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from airunway.backend.schemas.deployments import DeploymentStatus, GatewayInfo, PodStatus, Replicas

_FAILED_REASONS = frozenset(
    {
        "CrashLoopBackOff",
        "CreateContainerConfigError",
        "CreateContainerError",
        "ErrImagePull",
        "ImagePullBackOff",
        "InvalidImageName",
        "RunContainerError",
        "StartError",
    }
)


def pod_status(pod: dict[str, Any]) -> PodStatus:
    """One pod as the UI shows it: phase, readiness, restarts and the first waiting reason."""
    status = pod.get("status") or {}
    statuses = (status.get("initContainerStatuses") or []) + (status.get("containerStatuses") or [])
    app = status.get("containerStatuses") or []
    reason = message = None
    for key in ("waiting", "terminated"):
        hit = next((s["state"][key] for s in statuses if (s.get("state") or {}).get(key)), None)
        if hit is not None and hit.get("reason"):
            reason, message = hit.get("reason"), hit.get("message")
            break
    if reason is None:
        reason, message = status.get("reason"), status.get("message")
    return PodStatus(
        name=pod["metadata"]["name"],
        phase=status.get("phase") or "Unknown",
        ready=bool(app) and all(s.get("ready") for s in app),
        restarts=sum(int(s.get("restartCount") or 0) for s in statuses),
        node=(pod.get("spec") or {}).get("nodeName"),
        reason=reason,
        message=message,
    )


def _replicas(md: dict[str, Any], pods: list[PodStatus]) -> Replicas:
    spec, status = md.get("spec") or {}, md.get("status") or {}
    reported = status.get("replicas") or {}
    if any(reported.get(k) is not None for k in ("desired", "ready", "available")):
        return Replicas(
            desired=int(reported.get("desired") or 0),
            ready=int(reported.get("ready") or 0),
            available=int(reported.get("available") or 0),
        )
    scaling = spec.get("scaling") or {}
    if (spec.get("serving") or {}).get("mode") == "disaggregated":
        desired = ready = 0
        for role in ("prefill", "decode"):
            part = status.get(f"{role}Replicas") or {}
            desired += int(part.get("desired") or (scaling.get(role) or {}).get("replicas") or 0)
            ready += int(part.get("ready") or 0)
        return Replicas(desired=desired, ready=ready, available=ready)
    spec_replicas = scaling.get("replicas")
    desired = int(spec_replicas) if spec_replicas is not None else (1 if pods else 0)
    conditions = status.get("conditions") or []
    ready_condition = any(
        c.get("type") == "Ready" and c.get("status") == "True" for c in conditions
    )
    all_ready = bool(pods) and all(p.ready for p in pods)
    ready = desired if ready_condition or all_ready else 0
    return Replicas(desired=desired, ready=ready, available=ready)


def phase(md: dict[str, Any], pods: list[PodStatus], replicas: Replicas) -> str:
    """The phase the UI shows, from the MD's status and what its pods are doing."""
    status_phase = (md.get("status") or {}).get("phase")
    if status_phase == "Terminating":
        return "Terminating"
    any_ready = any(p.ready for p in pods)
    is_ready = replicas.ready >= replicas.desired if replicas.desired > 0 else any_ready
    if is_ready and (status_phase == "Running" or any_ready):
        return "Running"
    if any(p.phase == "Failed" or p.reason in _FAILED_REASONS for p in pods):
        return "Failed"
    if any(p.phase == "Running" or (p.phase == "Pending" and p.node) for p in pods):
        return "Deploying"
    if any(p.phase == "Pending" and not p.node for p in pods):
        return "Pending"
    return str(status_phase or "Pending")


def frontend_service(md: dict[str, Any]) -> str:
    """``<service>[:<port>]`` of the model's endpoint."""
    endpoint = (md.get("status") or {}).get("endpoint") or {}
    service = endpoint.get("service") or md["metadata"]["name"]
    port = endpoint.get("port") or 0
    return f"{service}:{port}" if port > 0 else str(service)


def deployment_status(md: dict[str, Any], pods: list[PodStatus]) -> DeploymentStatus:
    """The list/get view of one ModelDeployment."""
    meta, spec, status = md["metadata"], md.get("spec") or {}, md.get("status") or {}
    replicas = _replicas(md, pods)
    engine = (spec.get("engine") or {}).get("type") or (status.get("engine") or {}).get("type")
    gateway = status.get("gateway")
    provider = (status.get("provider") or {}).get("name") or (spec.get("provider") or {}).get(
        "name"
    )
    return DeploymentStatus(
        name=meta["name"],
        namespace=meta.get("namespace", ""),
        model_id=(spec.get("model") or {}).get("id") or "",
        served_model_name=(spec.get("model") or {}).get("servedName"),
        engine=engine,
        mode=(spec.get("serving") or {}).get("mode") or "aggregated",
        phase=phase(md, pods, replicas),
        provider=provider or "unknown",
        replicas=replicas,
        conditions=status.get("conditions"),
        pods=pods,
        created_at=meta.get("creationTimestamp")
        or datetime.now(UTC).isoformat().replace("+00:00", "Z"),
        frontend_service=frontend_service(md),
        storage=(spec.get("model") or {}).get("storage"),
        prefill_replicas=status.get("prefillReplicas"),
        decode_replicas=status.get("decodeReplicas"),
        gateway=GatewayInfo.model_validate(gateway) if gateway else None,
        image=status.get("image"),
    )
