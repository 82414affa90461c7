"""Benchmark a ModelDeployment's whole path: N vLLM deployments to Running, and status latency.

Issue 5 item 9, on a side dev cluster of its own (a fleet of kwok 8-GPU nodes with room for
N one-GPU pods, plus a CPU node) running what the playground runs: the core controller with
its webhooks, the Direct vLLM and KAITO providers, the simulated KAITO operator and the stand-in
registry, each under its generated RBAC.  All traffic is on 127.0.0.1.

* (a) a bare client applies the very objects the vLLM provider renders for N ModelDeployments
  (its own pure ``transform``: a Deployment and a Service each, without the ModelDeployments)
  and waits until every Deployment has a ready replica (pods scheduled on kwok GPU nodes).  Then
  the same N as ModelDeployments through the webhook, the controller and the provider, until
  every one shows phase Running.  Printed: both wall times and their ratio, next to the limit
  of (d).  Goal: AI Runway / the limit <= 1.5 (docs/adr/0008).
* (b) status latency: running ModelDeployments lose and regain their ready replica (nodes
  cordoned, pods deleted, nodes uncordoned); each change of a Deployment's ``readyReplicas``
  seen on a watch is matched with the first later watch event of its ModelDeployment showing the
  same ``status.replicas.ready``.  p50/p99 over ``--changes``
  changes.  Goal: p99 <= 1 s (the reference re-polls every 30 s; we watch).
* (c) ``--mixed`` (issue 8): N ModelDeployments spread over the five providers in turn (vLLM,
  llm-d, Dynamo, KubeRay on one GPU each; KAITO's llama.cpp CPU path), with the simulated
  operators: wall time until all are Running, and every process's RSS.
* (d) the limit, the same final objects applied directly (``bench/e2e/floor.py``): each
  ModelDeployment created with its finalizer, its Deployment and Service, and one status write
  with its final status once the Deployment is ready; and the spec's floor: a bare client making
  only the writes the spec requires of any implementation.  Printed next to (a).

Usage: python -m bench.e2e.bench [--n 1000] [--changes 200] [--concurrency 32] [--mixed] [--keep]
       [--no-baseline] [--no-floor]
"""

from __future__ import annotations

import argparse
import asyncio
import copy
import math
import time
import uuid
from collections.abc import Callable
from pathlib import Path
from typing import Any, Final

from airunway.api import ModelDeployment
from airunway.controller.admission.defaults import apply_defaults
from airunway.devcluster.cluster import DevCluster
from airunway.devcluster.services import start_playground_services
from airunway.kube.client import Kube
from airunway.kube.wait import wait_for
from airunway.providers.vllm.transform import transform
from bench.common import (
    MIB,
    api_counters,
    bounded,
    cpu_seconds,
    delete_namespace,
    finish,
    fresh_namespace,
    percentile,
    print_counters,
    print_cpu,
    tree_rss,
)
from bench.e2e.floor import Floor

API = "airunway.ai/v1alpha1"
MD_KIND = "ModelDeployment"
CLIENT_MANAGER = "bench-e2e"
GPUS_PER_NODE = 8
LATENCY_MDS = 20
BASE_IMAGE = "vllm/vllm-openai:bench"

Manifest = dict[str, Any]


def model_deployment(name: str, namespace: str) -> Manifest:
    """One Direct vLLM ModelDeployment on one GPU."""
    return {
        "apiVersion": API,
        "kind": MD_KIND,
        "metadata": {"name": name, "namespace": namespace},
        "spec": {
            "model": {"id": "Qwen/Qwen3-0.6B"},
            "engine": {"type": "vllm"},
            "provider": {"name": "vllm"},
            "resources": {"gpu": {"count": 1}},
        },
    }


#: the mixed fleet (issue 8): one shape per provider, each on one GPU or, for KAITO, the CPU path
MIXED: Final[dict[str, Manifest]] = {
    "vllm": {"engine": {"type": "vllm"}, "resources": {"gpu": {"count": 1}}},
    "llmd": {"engine": {"type": "vllm"}, "resources": {"gpu": {"count": 1}}},
    "dynamo": {"engine": {"type": "vllm"}, "resources": {"gpu": {"count": 1}}},
    "kuberay": {"engine": {"type": "vllm"}, "resources": {"gpu": {"count": 1}, "memory": "16Gi"}},
    "kaito": {
        "model": {"id": "unsloth/gemma-3-1b-it-GGUF"},
        "engine": {"type": "llamacpp"},
        "image": "ghcr.io/sozercan/llama-cpp-runner:latest",
        "resources": {"cpu": "8", "memory": "16Gi"},
    },
}
CPU_NODE_CORES = 32


def mixed_deployment(name: str, namespace: str, index: int) -> Manifest:
    """The ``index``-th ModelDeployment of the mixed fleet (providers taken in turn)."""
    provider = list(MIXED)[index % len(MIXED)]
    spec: Manifest = {"model": {"id": "Qwen/Qwen3-0.6B"}, "provider": {"name": provider}}
    spec |= copy.deepcopy(MIXED[provider])
    return {
        "apiVersion": API,
        "kind": MD_KIND,
        "metadata": {"name": name, "namespace": namespace},
        "spec": spec,
    }


def rendered(name: str, namespace: str) -> list[Manifest]:
    """What the vLLM provider applies for ``name``, without the owner (there is no MD)."""
    raw = model_deployment(name, namespace)
    apply_defaults(raw)
    raw["metadata"]["uid"] = str(uuid.uuid4())
    objects = transform(ModelDeployment.model_validate(raw), resolved_image=BASE_IMAGE).objects
    out = []
    for obj in objects:
        clean = copy.deepcopy(obj)
        clean["metadata"].pop("ownerReferences", None)
        out.append(clean)
    return out


def _ready(obj: Manifest) -> int:
    return int((obj.get("status") or {}).get("readyReplicas") or 0)


def _md_ready(obj: Manifest) -> int:
    return int(((obj.get("status") or {}).get("replicas") or {}).get("ready") or 0)


def _phase(obj: Manifest) -> str:
    return str((obj.get("status") or {}).get("phase") or "")


async def _until_all(
    kube: Kube,
    api: str,
    kind: str,
    namespace: str,
    n: int,
    done: Callable[[Manifest], bool],
    timeout: float,
) -> float:
    """Watch ``kind`` in ``namespace`` until ``n`` objects satisfy ``done``; monotonic end time.

    Also prints when half, 90% and 99% of them got there (a long tail shows as a gap).
    """
    seen: set[str] = set()
    times: list[float] = []
    async with asyncio.timeout(timeout):
        async for _, obj in kube.watch(api, kind, namespace):
            name = str(obj["metadata"]["name"])
            if name not in seen and done(obj):
                seen.add(name)
                times.append(time.monotonic())
                if len(seen) >= n:
                    break
    marks = {q: times[max(0, math.ceil(len(times) * q / 100) - 1)] for q in (50, 90, 99)}
    print(
        f"  {kind}s done: "
        + ", ".join(f"{q}% at {t - times[0]:.1f} s after the first" for q, t in marks.items())
    )
    return times[-1]


async def baseline(kube: Kube, cluster: DevCluster, n: int, concurrency: int) -> float:
    """Seconds for a bare client to apply the rendered objects and see every replica ready."""
    namespace = await fresh_namespace(kube, "bench-bare")
    objects = [rendered(f"md-{i:05d}", namespace) for i in range(n)]
    watcher = asyncio.create_task(
        _until_all(kube, "apps/v1", "Deployment", namespace, n, lambda o: _ready(o) >= 1, 60 + n)
    )
    await asyncio.sleep(0.5)  # let the watch connect (a late watch still replays ADDED events)
    cpu, counters = cpu_seconds(cluster), await api_counters(kube)
    started = time.monotonic()

    async def apply(index: int) -> None:
        for obj in objects[index]:
            await kube.apply(obj)

    await bounded(concurrency, n, apply)
    applied = time.monotonic() - started
    wall = await watcher - started
    print(
        f"bare client: {n} x (Deployment + Service) applied in {applied:.1f} s, "
        f"all ready {wall:.1f} s"
    )
    print_cpu(cpu, cpu_seconds(cluster), wall)
    print_counters(counters, await api_counters(kube), n)
    gone = await delete_namespace(kube, namespace, timeout=300 + n)
    print(f"  (namespace deleted in {gone:.1f} s, freeing the GPUs)")
    return wall


async def through_airunway(
    kube: Kube, cluster: DevCluster, n: int, concurrency: int, *, mixed: bool = False
) -> tuple[float, str]:
    """Seconds from the first create until every ModelDeployment is Running; the namespace."""
    namespace = await fresh_namespace(kube, "bench-md")
    watcher = asyncio.create_task(
        _until_all(kube, API, MD_KIND, namespace, n, lambda o: _phase(o) == "Running", 120 + 2 * n)
    )
    await asyncio.sleep(0.5)
    cpu, counters = cpu_seconds(cluster), await api_counters(kube)
    started = time.monotonic()

    async def create(index: int) -> None:
        name = f"md-{index:05d}"
        await kube.create(
            mixed_deployment(name, namespace, index) if mixed else model_deployment(name, namespace)
        )

    await bounded(concurrency, n, create)
    created = time.monotonic() - started
    wall = await watcher - started
    print(f"AI Runway: {n} ModelDeployments created in {created:.1f} s, all Running {wall:.1f} s")
    print_cpu(cpu, cpu_seconds(cluster), wall)
    print_counters(counters, await api_counters(kube), n)
    return wall, namespace


async def _record(
    kube: Kube,
    api: str,
    kind: str,
    namespace: str,
    value: Callable[[Manifest], int],
    log: list[tuple[str, int, float]],
) -> None:
    """Append (name, value, time) whenever an object's ``value`` differs from its last one."""
    last: dict[str, int] = {}
    async for _, obj in kube.watch(api, kind, namespace):
        name = str(obj["metadata"]["name"])
        current = value(obj)
        if last.get(name) != current:
            last[name] = current
            log.append((name, current, time.monotonic()))


def match(
    upstream: list[tuple[str, int, float]], ours: list[tuple[str, int, float]], since: float
) -> list[float]:
    """For each upstream change after ``since``, seconds until its MD showed the same value."""
    latencies = []
    for name, value, at in upstream:
        if at < since:
            continue
        shown = [t for n, v, t in ours if n == name and v == value and t >= at]
        latencies.append(min(shown) - at if shown else math.inf)
    return latencies


async def _cordon(kube: Kube, nodes: list[str], *, unschedulable: bool) -> None:
    for node in nodes:
        await kube.apply(
            {
                "apiVersion": "v1",
                "kind": "Node",
                "metadata": {"name": node},
                "spec": {"unschedulable": unschedulable},
            },
            force=True,
        )


async def _until_md_ready(kube: Kube, namespace: str, names: list[str], value: int) -> None:
    async def reached() -> bool:
        objs = {o["metadata"]["name"]: o for o in await kube.list(API, MD_KIND, namespace)}
        return all(_md_ready(objs[n]) == value for n in names)

    await wait_for(reached, timeout=120, what=f"the measured ModelDeployments at ready={value}")


async def status_latency(kube: Kube, namespace: str, changes: int) -> list[float]:
    """Flip ``LATENCY_MDS`` deployments between 0 and 1 ready replicas until ``changes`` changes.

    The nodes are cordoned and the pods deleted (replacements stay Pending: ready 0), then
    uncordoned (ready 1): each state lasts until the next step, so every change is one a
    ModelDeployment must show, however quickly the watch delivers it.
    """
    names = [f"md-{i:05d}" for i in range(LATENCY_MDS)]
    nodes = [n["metadata"]["name"] for n in await kube.list("v1", "Node")]
    upstream: list[tuple[str, int, float]] = []
    ours: list[tuple[str, int, float]] = []
    tasks = [
        asyncio.create_task(_record(kube, "apps/v1", "Deployment", namespace, _ready, upstream)),
        asyncio.create_task(_record(kube, API, MD_KIND, namespace, _md_ready, ours)),
    ]
    await asyncio.sleep(1.0)
    since = time.monotonic()
    try:
        while len([t for _, _, t in upstream if t >= since]) < changes:
            await _cordon(kube, nodes, unschedulable=True)
            for pod in await kube.list("v1", "Pod", namespace):
                if pod["metadata"].get("labels", {}).get("airunway.ai/deployment") in names:
                    await kube.delete("v1", "Pod", pod["metadata"]["name"], namespace)
            await _until_md_ready(kube, namespace, names, 0)
            await _cordon(kube, nodes, unschedulable=False)
            await _until_md_ready(kube, namespace, names, 1)
        await asyncio.sleep(2.0)  # let the last ModelDeployment events arrive
    finally:
        await _cordon(kube, nodes, unschedulable=False)
        for task in tasks:
            task.cancel()
    return match(upstream, ours, since)[:changes]


def fleet(n: int, directory: Path, *, mixed: bool = False) -> Path:
    """A node profile with room for ``n`` one-GPU pods (and CPU nodes), written to a file.

    Dynamo and KubeRay add a frontend or head pod per deployment (CPU only), and KAITO's CPU
    workspaces need 8 cores each: the mixed fleet gets CPU nodes for them.
    """
    nodes = math.ceil(n / GPUS_PER_NODE) + 1
    cpu_nodes = math.ceil(n * 10 / CPU_NODE_CORES) + 1 if mixed else 1
    path = directory / "bench-e2e-fleet.yaml"
    path.write_text(
        "description: bench/e2e fleet\n"
        "groups:\n"
        f"  - name: gpu-h100\n    count: {nodes}\n    cpu: '192'\n    memory: 2Ti\n"
        "    gpu: {count: 8, product: NVIDIA-H100-80GB-HBM3, memory_mib: 81559, family: hopper}\n"
        f"  - name: cpu\n    count: {cpu_nodes}\n    cpu: '{CPU_NODE_CORES}'\n    memory: 512Gi\n"
    )
    return path


async def run(
    n: int,
    changes: int,
    concurrency: int,
    *,
    keep: bool,
    mixed: bool,
    with_baseline: bool,
    with_floor: bool,
) -> None:
    """Start the side cluster and the playground processes, measure, stop (unless ``keep``)."""
    name = f"bench-e2e-{uuid.uuid4().hex[:6]}"
    settings = DevCluster(name).settings
    settings.clusters_dir.mkdir(parents=True, exist_ok=True)
    upstream = ["kaito", "dynamo", "kuberay"] if mixed else ["kaito"]
    cluster = DevCluster(
        name,
        profile=str(fleet(n, settings.clusters_dir, mixed=mixed)),
        crd_dirs=[*(settings.upstream_crds / u for u in upstream), settings.project_crds],
    )
    kube: Kube | None = None
    try:
        started = time.monotonic()
        await cluster.up()
        print(f"side cluster {name} up in {time.monotonic() - started:.1f} s")
        await start_playground_services(cluster, heartbeat_interval=30.0)
        kube = cluster.connect(CLIENT_MANAGER)

        needed = list(MIXED) if mixed else ["vllm"]

        async def providers_ready() -> bool:
            configs = {
                c["metadata"]["name"]: c for c in await kube.list(API, "InferenceProviderConfig")
            }
            return all((configs.get(p, {}).get("status") or {}).get("ready") for p in needed)

        await wait_for(providers_ready, timeout=90, what=f"providers {needed} registered, ready")
        await kube.list(API, MD_KIND, "default")  # discovery, outside the timings
        print(f"N = {n}, {concurrency} requests in flight" + (", mixed fleet" if mixed else ""))
        if mixed:
            ours, _ = await through_airunway(kube, cluster, n, concurrency, mixed=True)
            print(f"mixed fleet over {len(MIXED)} providers: all Running after {ours:.1f} s")
            _print_rss(cluster)
            return
        bare = await baseline(kube, cluster, n, concurrency) if with_baseline else None
        least = final = None
        if with_baseline:
            final = await Floor(cluster, kube, BASE_IMAGE, final_only=True).run(
                model_deployment, n, concurrency
            )
        if with_floor:
            least = await Floor(cluster, kube, BASE_IMAGE).run(model_deployment, n, concurrency)
        ours, namespace = await through_airunway(kube, cluster, n, concurrency)
        if final is not None:
            print(
                f"ratio AI Runway / the same final objects applied directly (the limit): "
                f"{ours / final:.2f}  (goal <= 1.5)"
            )
        if least is not None:
            print(f"  AI Runway / the spec's floor {ours / least:.2f}")
        if bare is not None:
            floor_ratio = f"; the spec's floor / it {least / bare:.2f}" if least else ""
            print(
                f"  AI Runway / the bare client (Deployments and Services only) "
                f"{ours / bare:.2f}{floor_ratio}"
            )
        _print_rss(cluster)
        latencies = await status_latency(kube, namespace, changes)
        lost = sum(1 for x in latencies if math.isinf(x))
        print(
            f"upstream status change -> ModelDeployment status, {len(latencies)} changes: "
            f"p50 {percentile(latencies, 50) * 1000:.0f} ms, "
            f"p99 {percentile(latencies, 99) * 1000:.0f} ms, unmatched {lost}  (goal p99 <= 1 s)"
        )
    finally:
        await finish(cluster, kube, keep=keep)


def _print_rss(cluster: DevCluster) -> None:
    for record in cluster.records():
        if record.name.startswith(("etcd", "kube-", "kwok")):  # not kuberay-provider
            continue
        main, children = tree_rss(record.process())
        print(f"  RSS {record.name}: {main / MIB:.0f} MiB (+{children / MIB:.0f} MiB children)")


def main() -> None:
    """Parse arguments and run the benchmark."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--n", type=int, default=1000, help="ModelDeployments (one GPU each)")
    parser.add_argument("--changes", type=int, default=200, help="status changes to time")
    parser.add_argument("--concurrency", type=int, default=32, help="requests in flight")
    parser.add_argument("--keep", action="store_true", help="leave the side cluster running")
    parser.add_argument(
        "--mixed", action="store_true", help="spread N over all five providers (no baseline)"
    )
    parser.add_argument(
        "--no-baseline",
        action="store_true",
        help="skip the bare client and the limit (while investigating)",
    )
    parser.add_argument(
        "--no-floor", action="store_true", help="skip the spec's floor (bench/e2e/floor.py)"
    )
    args = parser.parse_args()
    if args.n < LATENCY_MDS:
        parser.error(f"--n must be at least {LATENCY_MDS}")
    asyncio.run(
        run(
            args.n,
            args.changes,
            args.concurrency,
            keep=args.keep,
            mixed=args.mixed,
            with_baseline=not args.no_baseline,
            with_floor=not args.no_floor,
        )
    )


if __name__ == "__main__":
    main()
