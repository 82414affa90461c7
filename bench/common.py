"""Helpers every benchmark shares: percentiles, bounded concurrency, CPU accounting, namespaces."""

from __future__ import annotations

import asyncio
import contextlib
import copy
import datetime as dt
import os
import re
import time
import uuid
from collections import Counter
from collections.abc import Awaitable, Callable, Sequence
from typing import Any, Final

import psutil

from airunway.api import API_VERSION, MODEL_DEPLOYMENT_KIND, InferenceProviderConfig
from airunway.controller.admission.defaults import apply_defaults
from airunway.controller.decide import Outcome, decide
from airunway.devcluster.cluster import DevCluster
from airunway.kube.client import Kube
from airunway.kube.errors import NotFoundError

MIB = 1024 * 1024


def percentile(values: Sequence[float], q: float) -> float:
    """Nearest-rank percentile (``q`` in 0..100) of a non-empty sample."""
    ordered = sorted(values)
    rank = max(1, min(len(ordered), round(q / 100 * len(ordered) + 0.5)))
    return ordered[rank - 1]


def ms(seconds: float) -> str:
    """Seconds as a right-aligned millisecond figure."""
    return f"{seconds * 1000:7.2f} ms"


def cpu_seconds(cluster: DevCluster) -> dict[str, float]:
    """CPU seconds (user + system) used so far by each process of the cluster and by this one.

    A process's children count as its own (the controller serves admission from a child).
    """
    out: dict[str, float] = {}
    for record in cluster.records():
        proc = record.process()
        if proc is not None:
            with contextlib.suppress(psutil.Error):
                out[record.name] = sum(
                    t.user + t.system
                    for t in (p.cpu_times() for p in [proc, *proc.children(recursive=True)])
                )
    times = psutil.Process().cpu_times()
    out["bench client"] = times.user + times.system
    return out


def print_cpu(before: dict[str, float], after: dict[str, float], wall: float) -> None:
    """Where the CPU went between two :func:`cpu_seconds` snapshots."""
    used = {name: after[name] - before.get(name, 0.0) for name in after}
    parts = [f"{name} {value:.1f}" for name, value in sorted(used.items(), key=lambda i: -i[1])]
    cores = os.cpu_count() or 1
    print(
        f"  CPU s in that window ({wall:.1f} s x {cores} cores = {wall * cores:.0f} available, "
        f"{sum(used.values()):.0f} used): " + ", ".join(p for p in parts if not p.endswith(" 0.0"))
    )


async def bounded(limit: int, count: int, job: Callable[[int], Awaitable[None]]) -> None:
    """Run ``job(0..count-1)`` with at most ``limit`` of them in flight."""
    gate = asyncio.Semaphore(limit)

    async def one(index: int) -> None:
        async with gate:
            await job(index)

    async with asyncio.TaskGroup() as group:
        for index in range(count):
            group.create_task(one(index))


async def fresh_namespace(kube: Kube, prefix: str) -> str:
    """Create a namespace with a random suffix."""
    name = f"{prefix}-{uuid.uuid4().hex[:6]}"
    await kube.apply({"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": name}})
    return name


async def delete_namespace(kube: Kube, name: str, timeout: float) -> float:
    """Delete a namespace and wait until it (and so everything in it) is gone; seconds taken."""
    started = time.monotonic()
    await kube.delete("v1", "Namespace", name)
    async with asyncio.timeout(timeout):
        while True:
            try:
                await kube.get("v1", "Namespace", name)
            except NotFoundError:
                return time.monotonic() - started
            await asyncio.sleep(0.5)


def tree_rss(proc: psutil.Process | None) -> tuple[int, int]:
    """Resident bytes of a process and of its children (0, 0 when it is gone)."""
    if proc is None:
        return 0, 0
    with contextlib.suppress(psutil.Error):
        children = sum(c.memory_info().rss for c in proc.children(recursive=True))
        return proc.memory_info().rss, children
    return 0, 0


async def finish(cluster: DevCluster, kube: Kube | None, *, keep: bool) -> None:
    """Close the client; stop the cluster unless it is kept (then say how to stop it)."""
    if kube is not None:
        await kube.close()
    if keep:
        name = cluster.name
        print(f"kept: cluster {name} (stop with: airunway dev cluster down --name {name})")
    else:
        cluster.down()


_COUNTED: Final = ("apiserver_request_total", "apiserver_watch_events_total")


async def api_counters(kube: Kube) -> Counter[str]:
    """The API server's request and watch-event counters, keyed by what they count.

    Requests are keyed ``verb resource[/subresource]`` (dry runs apart), watch events
    ``watch <kind>``: where a workload's API server time goes, without a profiler.
    """
    text = await kube.raw_get_checked("/metrics")
    counts: Counter[str] = Counter()
    for line in text.splitlines():
        name, _, rest = line.partition("{")
        if name not in _COUNTED:
            continue
        labels_text, _, value = rest.rpartition("} ")
        labels = dict(re.findall(r'(\w+)="([^"]*)"', labels_text))
        if name == "apiserver_watch_events_total":
            key = f"watch {labels.get('kind') or labels.get('resource', '?')}"
        else:
            sub = f"/{labels['subresource']}" if labels.get("subresource") else ""
            dry = " (dry run)" if labels.get("dry_run") else ""
            code = labels.get("code", "200")
            failed = f" ({code})" if not code.startswith("2") else ""
            key = f"{labels.get('verb')} {labels.get('resource')}{sub}{dry}{failed}"
        counts[key] += int(float(value))
    return counts


def print_counters(before: Counter[str], after: Counter[str], per: int, top: int = 40) -> None:
    """The biggest counter increases, per object of the workload (``per`` objects)."""
    delta = after - before
    shown = ", ".join(f"{key} {n / per:.1f}" for key, n in delta.most_common(top))
    print(f"  API server work per object: {shown}")


async def provider_configs(kube: Kube) -> list[InferenceProviderConfig]:
    """The cluster's InferenceProviderConfigs, as the controller's selection reads them."""
    listed = await kube.list(API_VERSION, "InferenceProviderConfig")
    return [InferenceProviderConfig.model_validate(o) for o in listed]


def decided(
    manifest: dict[str, Any], configs: list[InferenceProviderConfig], now: dt.datetime
) -> Outcome:
    """What the controller decides for ``manifest`` once created (defaults, a uid, generation 1).

    The references that write the controller's status compute it before the clock starts: they
    measure the writes, not a client's CPU (the decision depends on the spec, not on the uid).
    """
    live = copy.deepcopy(manifest)
    apply_defaults(live)
    live["metadata"] |= {"uid": str(uuid.uuid4()), "generation": 1, "resourceVersion": "1"}
    return decide(live, configs, enable_selector=True, now=now)


def status_manifest(
    name: str, namespace: str, status: dict[str, Any], resource_version: str | None = None
) -> dict[str, Any]:
    """A status apply of one ModelDeployment (conditional on ``resource_version`` when given)."""
    meta: dict[str, Any] = {"name": name, "namespace": namespace}
    if resource_version is not None:
        meta["resourceVersion"] = resource_version
    return {
        "apiVersion": API_VERSION,
        "kind": MODEL_DEPLOYMENT_KIND,
        "metadata": meta,
        "status": status,
    }
