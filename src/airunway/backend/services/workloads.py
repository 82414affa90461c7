"""What runs for a ModelDeployment: its pods, their logs, its metrics, pending reasons, PVCs.

Pods are found by the labels every provider puts on them (spec §9.5), matched in memory over
one pod list per request instead of one API call per label per deployment.

Metrics are polled by every open detail page; identical requests within a few seconds share one
scrape through the API server's service proxy (:func:`metrics_cache`).
"""

from __future__ import annotations

import math
import re
import time
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

from airunway.backend.errors import InvalidInputError, ResourceMissingError, UpstreamError
from airunway.backend.schemas.deployments import (
    Logs,
    Metrics,
    MetricValue,
    PendingReasons,
    PodStatus,
    Pvc,
    Pvcs,
)
from airunway.backend.services import capacity, pending
from airunway.backend.services.md_status import pod_status
from airunway.kube.client import Kube
from airunway.kube.errors import ForbiddenError, KubeError, NotFoundError
from airunway.runtime.single_flight import SingleFlightCache

_LABELS = (
    "app.kubernetes.io/instance",
    "airunway.ai/deployment",
    "airunway.ai/model-deployment",
    "nvidia.com/dynamo-graph-deployment-name",
    "kaito.sh/workspace",
)
_CONTAINERS = (
    "main",
    "vllm",
    "model",
    "ray-head",
    "ray-worker",
    "inference",
    "worker",
    "server",
    "frontend",
)
_ANSI = re.compile(r"\x1b\[[0-9;]*m")
_METRIC = re.compile(
    r"^([a-zA-Z_:][a-zA-Z0-9_:]*)(\{[^}]*\})?\s+(-?[\d.eE+-]+(?:NaN|Inf)?)\s*(\d+)?$"
)
_LABEL = re.compile(r'(\w+)="([^"]*)"')

#: How long a scrape is reused (spec §9.9): a failure shorter, so a starting model shows up soon.
METRICS_TTL = 15.0
METRICS_FAILURE_TTL = 5.0


async def list_pods(kube: Kube, namespace: str | None) -> list[dict[str, Any]]:
    """Pods in ``namespace`` (or everywhere) as the caller sees them; none when not allowed."""
    try:
        return await kube.list("v1", "Pod", namespace)
    except ForbiddenError:
        return []


class PodIndex:
    """Pods by namespace, for finding each deployment's pods by label in memory."""

    def __init__(self, pods: list[dict[str, Any]]) -> None:
        self._by_ns: dict[str, list[dict[str, Any]]] = {}
        for pod in pods:
            self._by_ns.setdefault(pod["metadata"].get("namespace", ""), []).append(pod)

    def raw_pods_of(self, md: dict[str, Any]) -> list[dict[str, Any]]:
        """The pod objects of one ModelDeployment, sorted by name."""
        name = md["metadata"]["name"]
        candidates = self._by_ns.get(md["metadata"].get("namespace", ""), [])
        found = {}
        for pod in candidates:
            labels = pod["metadata"].get("labels") or {}
            ray = labels.get("ray.io/cluster", "")
            if any(labels.get(k) == name for k in _LABELS) or (
                ray == name or ray.startswith(f"{name}-raycluster")
            ):
                found[pod["metadata"]["name"]] = pod
        if not found:
            found = {
                p["metadata"]["name"]: p
                for p in candidates
                if (p["metadata"].get("labels") or {}).get("app") == name
            }
        return [found[k] for k in sorted(found)]

    def pods_of(self, md: dict[str, Any]) -> list[PodStatus]:
        """The pods of one ModelDeployment as the UI shows them."""
        return [pod_status(p) for p in self.raw_pods_of(md)]


async def raw_pods(kube: Kube, md: dict[str, Any]) -> list[dict[str, Any]]:
    """The pod objects of ``md``."""
    return PodIndex(await list_pods(kube, md["metadata"]["namespace"])).raw_pods_of(md)


def pick_container(pod: dict[str, Any], requested: str | None) -> str | None:
    """The container whose log to show: requested, a well-known name, the first ready, first."""
    if requested:
        return requested
    names = [c["name"] for c in (pod.get("spec") or {}).get("containers") or []]
    for name in _CONTAINERS:
        if name in names:
            return name
    ready = [
        s["name"]
        for s in (pod.get("status") or {}).get("containerStatuses") or []
        if s.get("ready")
    ]
    first = ready or names
    return str(first[0]) if first else None


async def logs(
    kube: Kube,
    md: dict[str, Any],
    pod_name: str | None,
    container: str | None,
    tail_lines: int,
    timestamps: bool,  # noqa: FBT001
) -> Logs:
    """The tail of one container's log, colour codes removed."""
    pods = await raw_pods(kube, md)
    if not pods:
        return Logs(logs="", pod_name="", message="No pods found for this deployment")
    name, namespace = md["metadata"]["name"], md["metadata"]["namespace"]
    by_name = {p["metadata"]["name"]: p for p in pods}
    pod_name = pod_name or pods[0]["metadata"]["name"]
    if pod_name not in by_name:
        raise InvalidInputError(f"Pod '{pod_name}' is not part of deployment '{name}'")
    chosen = pick_container(by_name[pod_name], container)
    try:
        text = await kube.pod_log(
            pod_name, namespace, container=chosen, tail_lines=tail_lines, timestamps=timestamps
        )
    except NotFoundError as exc:
        raise ResourceMissingError(
            f"Pod '{pod_name}' not found in namespace '{namespace}': {exc}"
        ) from exc
    except ForbiddenError:
        raise
    except KubeError as exc:
        raise UpstreamError(f"Failed to get logs for pod '{pod_name}': {exc.message}") from exc
    return Logs(logs=_ANSI.sub("", text), pod_name=pod_name, container=container)


def parse_metrics(text: str) -> list[MetricValue]:
    """Prometheus text format → samples (comments, blanks and non-finite values dropped)."""
    out = []
    for line in text.splitlines():
        line = line.strip()  # noqa: PLW2901
        if not line or line.startswith("#"):
            continue
        match = _METRIC.match(line)
        if match is None:
            continue
        try:
            value = float(match.group(3))
        except ValueError:
            continue
        if not math.isfinite(value):
            continue
        labels = dict(_LABEL.findall(match.group(2) or ""))
        out.append(MetricValue(name=match.group(1), value=value, labels=labels))
    return out


def friendly(message: str) -> str:
    """A metrics failure in words a person can act on."""
    rules = (
        (
            ("404", "not found"),
            "Metrics endpoint not found. The deployment may not expose metrics.",
        ),
        (
            ("503", "no endpoints", "unavailable"),
            "Service unavailable. The deployment is starting up.",
        ),
        (("connection refused",), "Connection refused. The deployment may not be ready yet."),
        (
            ("timed out", "timeout"),
            "Request timed out. The deployment may be under heavy load or not responding.",
        ),
    )
    lower = message.lower()
    for needles, text in rules:
        if any(n in lower for n in needles):
            return text
    return message


def metrics_cache(clock: Callable[[], float] = time.monotonic) -> SingleFlightCache[Metrics]:
    """Scrapes by caller and target; successes kept METRICS_TTL, failures METRICS_FAILURE_TTL."""
    return SingleFlightCache(
        METRICS_TTL,
        ttl_of=lambda m: METRICS_TTL if m.available else METRICS_FAILURE_TTL,
        serve_stale=False,
        clock=clock,
    )


async def metrics(
    cache: SingleFlightCache[Metrics], kube: Kube, caller: str, md: dict[str, Any]
) -> Metrics:
    """The model server's /metrics through the API server's service proxy, shared briefly.

    The key holds the caller (a hash of their token with auth on), so a scrape made with one
    person's rights is never answered to another.
    """
    namespace, name = md["metadata"]["namespace"], md["metadata"]["name"]
    status, spec = md.get("status") or {}, md.get("spec") or {}
    endpoint = status.get("endpoint") or {}
    provider = (status.get("provider") or {}).get("name") or (spec.get("provider") or {}).get(
        "name"
    )
    service = endpoint.get("service") or name
    port = endpoint.get("port") or 8000
    path = f"/api/v1/namespaces/{namespace}/services/{service}:{port}/proxy/metrics"
    key = (caller, namespace, name, provider, service, port, path)
    return await cache.get(key, lambda: _scrape(kube, path))


async def _scrape(kube: Kube, path: str) -> Metrics:
    now = datetime.now(UTC).isoformat().replace("+00:00", "Z")
    try:
        # not retried: a 5xx here is the model server's answer or "no endpoints" relayed by the
        # proxy, not the API server being unavailable; the short failure TTL covers a retry
        text = await kube.with_retry(None).raw_get_checked(path)
    except ForbiddenError:
        raise
    except KubeError as exc:
        return Metrics(available=False, error=friendly(exc.message), timestamp=now, metrics=[])
    return Metrics(available=True, timestamp=now, metrics=parse_metrics(text))


async def pending_reasons(kube: Kube, md: dict[str, Any]) -> PendingReasons:
    """Warning events of the first pending pod, with a plain-words GPU explanation."""
    pods = [
        p for p in await raw_pods(kube, md) if (p.get("status") or {}).get("phase") == "Pending"
    ]
    if not pods:
        return PendingReasons(reasons=[])
    pod = pods[0]
    try:
        events = await kube.list(
            "v1",
            "Event",
            md["metadata"]["namespace"],
            fields={"involvedObject.name": pod["metadata"]["name"]},
        )
    except ForbiddenError:
        raise
    except KubeError:
        return PendingReasons(reasons=[])
    try:
        largest = (await capacity.cluster_capacity(kube)).max_contiguous_available
    except KubeError:
        largest = -1
    requested = pending.pod_gpu_request(pod)
    found = pending.reasons(events, requested, largest)
    if largest < 0:
        for reason in found:
            reason.explanation = None
    return PendingReasons(reasons=found)


async def pvcs(kube: Kube, namespace: str) -> Pvcs:
    """PersistentVolumeClaims of a namespace, as the caller sees them."""
    try:
        items = await kube.list("v1", "PersistentVolumeClaim", namespace)
    except KubeError as exc:
        raise type(exc)(
            f"Failed to list storage disks: {exc.message}", reason=exc.reason, status=exc.status
        ) from exc
    out = []
    for pvc in items:
        spec, status = pvc.get("spec") or {}, pvc.get("status") or {}
        out.append(
            Pvc(
                name=pvc["metadata"]["name"],
                status=status.get("phase") or "Unknown",
                storage_class=spec.get("storageClassName") or "",
                capacity=(status.get("capacity") or {}).get("storage")
                or ((spec.get("resources") or {}).get("requests") or {}).get("storage")
                or "",
            )
        )
    return Pvcs(pvcs=out)
