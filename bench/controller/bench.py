"""Benchmark the core controller: provider selection for N ModelDeployments, admission, memory.

Issue 4 item 7.  On a side dev cluster of its own (profile "minimal", only AI Runway's CRDs,
three ready InferenceProviderConfigs; all traffic on 127.0.0.1) it measures:

* baseline, no controller running: a bare client creates N ModelDeployments and then writes a
  provider name into each one's status (``--concurrency`` requests in flight), with no webhooks;
* the same baseline writing the whole status the controller decides (computed before the clock
  starts) instead of the provider name alone: what the richer status write costs;
* the limit (the same end state as selection, written directly): the same N creates, admitted
  by the webhooks of a replica that does not lead (the bench holds the Lease, so nothing watches
  or reconciles), and the decided status written to each (docs/adr/0008);
* selection: with the controller running (webhooks registered by URL), the same N creates in a
  fresh namespace, and the time until every ModelDeployment has ``status.provider.name`` (seen
  through a watch).  Goal: <= 1.5x the limit;
* the spec's floor, with the controller leading but idle: a bare client makes exactly the writes
  any implementation must make per ModelDeployment (the create, admitted by the webhooks; the
  core status that ``decide`` computes, in one apply; the Event of the decision), with no watch,
  queue or reconcile.  Its ratio to the baseline is the least a controller on this client
  stack could score;
* the same floor once the webhooks are unregistered (at the end): what admission costs of it;
* admission overhead: 300 sequential creates with the webhooks served by the (leading)
  controller, 300 with them served by an idle follower replica (it registers itself on start and
  does not reconcile), and 300 with the webhook configurations deleted; the differences of their
  p50/p99 are what admission adds to a create, with and without the leader's reconcile load;
* the webhook server alone: 300 sequential AdmissionReview POSTs to ``/validate-...`` (and to
  ``/mutate-...``) once the controller is idle, and validate POSTs all through the selection
  burst.  Goal: p99 <= 20 ms;
* the controller's RSS when idle and once all N are selected (run with ``--n 5000`` for the
  issue's second figure), and its reconcile histogram ``airunway_reconciliation_duration_seconds``.

Usage: python bench/controller/bench.py [--n 1000] [--concurrency 32] [--workers W] [--keep]
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import datetime as dt
import ssl
import time
import uuid
from pathlib import Path
from typing import Any

import httpx
import psutil
from prometheus_client.parser import text_string_to_metric_families

from airunway.api import ANNOTATION_RECONCILE_PAUSED
from airunway.controller.settings import ControllerSettings
from airunway.controller.webhook.registration import (
    ADMISSION_API,
    MUTATE_PATH,
    MUTATING_CONFIG,
    VALIDATE_PATH,
    VALIDATING_CONFIG,
)
from airunway.devcluster.cluster import DevCluster
from airunway.devcluster.services import ControllerProcess, start_controller
from airunway.kube.client import Kube
from airunway.kube.errors import ForbiddenError
from airunway.runtime.events import EventRecorder
from bench.common import (
    MIB,
    api_counters,
    bounded,
    cpu_seconds,
    delete_namespace,
    finish,
    fresh_namespace,
    ms,
    percentile,
    print_counters,
    print_cpu,
    provider_configs,
    status_manifest,
    tree_rss,
)
from bench.common import (
    decided as decided_outcome,
)

API = "airunway.ai/v1alpha1"
MD_KIND = "ModelDeployment"
IPC_KIND = "InferenceProviderConfig"
CLIENT_MANAGER = "bench-client"
SAMPLE = 300
WARMUP = 10

Manifest = dict[str, Any]


# -- objects ---------------------------------------------------------------------------------
def _engine(name: str, *, gpu: bool, cpu: bool) -> Manifest:
    return {"name": name, "servingModes": ["aggregated"], "gpuSupport": gpu, "cpuSupport": cpu}


def providers() -> list[Manifest]:
    """Two vLLM GPU providers (one preferred for multi-GPU by a rule) and a llama.cpp CPU one."""
    specs: list[tuple[str, Manifest, list[Manifest] | None]] = [
        ("gpu-vllm", _engine("vllm", gpu=True, cpu=False), None),
        (
            "gpu-vllm-multi",
            _engine("vllm", gpu=True, cpu=False),
            [{"condition": "spec.resources.gpu.count > 1", "priority": 80}],
        ),
        ("cpu-llamacpp", _engine("llamacpp", gpu=False, cpu=True), None),
    ]
    out: list[Manifest] = []
    for name, engine, rules in specs:
        spec: Manifest = {"capabilities": {"engines": [engine]}}
        if rules is not None:
            spec["selectionRules"] = rules
        out.append({"apiVersion": API, "kind": IPC_KIND, "metadata": {"name": name}, "spec": spec})
    return out


def deployment(name: str, namespace: str, index: int) -> tuple[Manifest, str]:
    """A ModelDeployment of one of three shapes, and the provider the controller should pick."""
    shape = index % 3
    spec: Manifest = {"model": {"id": "Qwen/Qwen3-0.6B"}}
    if shape == 0:
        spec["resources"] = {"gpu": {"count": 1}}
        expected = "gpu-vllm"  # both vLLM providers at priority 0: the smaller name wins
    elif shape == 1:
        spec["resources"] = {"gpu": {"count": 2}}
        expected = "gpu-vllm-multi"
    else:
        spec["engine"] = {"type": "llamacpp"}
        spec["resources"] = {"cpu": "4"}
        expected = "cpu-llamacpp"
    manifest = {
        "apiVersion": API,
        "kind": MD_KIND,
        "metadata": {"name": name, "namespace": namespace},
        "spec": spec,
    }
    return manifest, expected


def _provider(obj: Manifest) -> str:
    return str(((obj.get("status") or {}).get("provider") or {}).get("name") or "")


# -- measurements ----------------------------------------------------------------------------
async def baseline(
    kube: Kube,
    cluster: DevCluster,
    n: int,
    concurrency: int,
    *,
    decided: bool = False,
    label: str = "",
) -> float:
    """Seconds for a bare client to create N ModelDeployments and set a provider in each status.

    The issue's baseline writes only ``status.provider.name``; with ``decided`` the client writes
    the whole status the controller decides (conditions, engine, reason...), computed before the
    clock starts: the same status write as the controller's, without the watch or the decision.
    """
    namespace = await fresh_namespace(kube, "bench-base")
    configs = await provider_configs(kube)
    now = dt.datetime.now(dt.UTC)

    def status_of(manifest: Manifest, expected: str) -> Manifest:
        if not decided:
            return {"provider": {"name": expected}}
        return decided_outcome(manifest, configs, now).status

    async def create_and_patch(objects: list[tuple[Manifest, str]]) -> float:
        statuses = [status_of(*obj) for obj in objects]

        async def create(index: int) -> None:
            await kube.create(objects[index][0])

        async def patch(index: int) -> None:
            name = objects[index][0]["metadata"]["name"]
            await kube.apply_status(status_manifest(name, namespace, statuses[index]))

        await bounded(concurrency, len(objects), create)
        created = time.monotonic()
        await bounded(concurrency, len(objects), patch)
        return created

    # warm up discovery, the connection pool and the new kind's storage, outside the timing
    await create_and_patch([deployment(f"warm-{i:05d}", namespace, i) for i in range(concurrency)])
    objects = [deployment(f"md-{i:05d}", namespace, i) for i in range(n)]
    cpu, counters = cpu_seconds(cluster), await api_counters(kube)
    started = time.monotonic()
    created = await create_and_patch(objects)
    total = time.monotonic() - started
    label = label or (
        "baseline writing the decided status" if decided else "baseline, no controller"
    )
    print(
        f"{label}: {n} creates {created - started:.1f} s + {n} status writes "
        f"{total - (created - started):.1f} s = {total:.1f} s ({n / total:.0f} MD/s)"
    )
    print_cpu(cpu, cpu_seconds(cluster), total)
    print_counters(counters, await api_counters(kube), n, top=12)
    gone = await delete_namespace(kube, namespace, timeout=120 + n * 0.1)
    print(f"  (baseline namespace deleted in {gone:.1f} s before the controller starts)")
    return total


async def _hold_lease(kube: Kube, seconds: int) -> None:
    """Hold the controller's leader Lease as someone else, so a replica started now only follows.

    A follower serves (and registers) the webhooks but neither watches nor reconciles: the
    limit's creates are admitted as in any cluster running AI Runway, and nothing else runs.
    """
    now = dt.datetime.now(dt.UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")
    await kube.apply(
        {
            "apiVersion": "coordination.k8s.io/v1",
            "kind": "Lease",
            "metadata": {"name": ControllerSettings().lease_name, "namespace": "airunway-system"},
            "spec": {
                "holderIdentity": "bench-limit" if seconds else "",
                "leaseDurationSeconds": max(seconds, 1),
                "renewTime": now,
                "acquireTime": now,
            },
        },
        force=True,
    )


async def limit(kube: Kube, cluster: DevCluster, n: int, concurrency: int) -> float:
    """Seconds for a bare client to create N ModelDeployments and write the status decided.

    The creates go through the admission webhooks, served by a replica that does not lead (so
    nothing watches or reconciles), and each status write is the whole status the controller
    decides.  This is the same end state as selection reaches, written directly: the limit
    that issue 4's goal compares selection with.
    """
    await _hold_lease(kube, 3600)
    follower = await start_controller(cluster, identity="bench-limit-webhooks")
    try:
        await _webhook_points_at(kube, follower.webhook_port)
        wall = await baseline(kube, cluster, n, concurrency, decided=True, label="the limit")
    finally:
        print(f"  webhook-only replica {stop_timed(follower)}")
    await kube.delete(ADMISSION_API, "MutatingWebhookConfiguration", MUTATING_CONFIG)
    await kube.delete(ADMISSION_API, "ValidatingWebhookConfiguration", VALIDATING_CONFIG)
    await _webhook_gone(kube, await fresh_namespace(kube, "bench-limit-off"))
    await _hold_lease(kube, 0)  # released: the controller started next leads at once
    return wall


async def _watch_selected(kube: Kube, namespace: str, seen: dict[str, float], n: int) -> None:
    """Record when each ModelDeployment of ``namespace`` first shows a selected provider."""
    async for _, obj in kube.watch(API, MD_KIND, namespace):
        name = str(obj["metadata"]["name"])
        if name not in seen and _provider(obj):
            seen[name] = time.monotonic()
            if len(seen) >= n:
                return


async def _probe_webhook(webhook: httpx.AsyncClient, times: list[float]) -> None:
    """POST validate reviews one after another (until cancelled), recording each latency."""
    index = 0
    while True:
        elapsed, _ = await post_review(webhook, VALIDATE_PATH, index)
        times.append(elapsed)
        index += 1
        await asyncio.sleep(0.1)  # about 10 probes a second: little extra load


async def selection(
    kube: Kube, cluster: DevCluster, webhook: httpx.AsyncClient, n: int, concurrency: int
) -> tuple[float, list[float], int]:
    """Create N ModelDeployments with the controller running; wall time until all are selected.

    Returns the wall time, each object's latency from its create request to the watch event
    showing its provider, and the number selected with another provider than expected.  While
    it runs, the webhook server is probed directly to see its latency under that load.
    """
    namespace = await fresh_namespace(kube, "bench-sel")
    await kube.list(API, MD_KIND, namespace)  # discovery and connection, outside the timing
    objects = [deployment(f"md-{i:05d}", namespace, i) for i in range(n)]
    sent: dict[str, float] = {}
    seen: dict[str, float] = {}
    probe_times: list[float] = []
    watcher = asyncio.create_task(_watch_selected(kube, namespace, seen, n))
    await asyncio.sleep(0.5)  # let the watch connect (a late watch still replays ADDED events)
    prober = asyncio.create_task(_probe_webhook(webhook, probe_times))
    cpu, counters = cpu_seconds(cluster), await api_counters(kube)
    started = time.monotonic()

    async def create(index: int) -> None:
        manifest = objects[index][0]
        sent[manifest["metadata"]["name"]] = time.monotonic()
        await kube.create(manifest)

    try:
        await bounded(concurrency, n, create)
        created = time.monotonic() - started
        print(f"  {n} creates through the webhook done after {created:.1f} s")
        deadline = 60 + n * 0.5
        finished, _ = await asyncio.wait({watcher}, timeout=deadline)
        if finished:
            watcher.result()  # raises if the watch failed
        else:
            print(f"  TIMEOUT: {len(seen)}/{n} selected after {deadline:.0f} s")
        wall = max(seen.values(), default=time.monotonic()) - started
    finally:
        watcher.cancel()
        prober.cancel()
    print_cpu(cpu, cpu_seconds(cluster), time.monotonic() - started)
    print_counters(counters, await api_counters(kube), n, top=12)
    if probe_times:
        print(
            f"  webhook server under this load, {len(probe_times)} sequential validate requests: "
            f"p50 {ms(percentile(probe_times, 50))}, p99 {ms(percentile(probe_times, 99))}, "
            f"max {ms(max(probe_times))}"
        )
    latencies = [seen[name] - sent[name] for name in seen]
    wrong = 0
    for obj in await kube.list(API, MD_KIND, namespace):
        expected = objects[int(obj["metadata"]["name"][3:])][1]
        if _provider(obj) and _provider(obj) != expected:
            wrong += 1
    return wall, latencies, wrong


async def floor(
    kube: Kube, cluster: DevCluster, n: int, concurrency: int, *, label: str = "the spec's floor"
) -> float:
    """Seconds for a bare client to make the writes the spec requires of any core controller.

    Each object carries the pause annotation, so the leading controller skips it (its watch
    still receives every event, as it would for any deployment); the webhooks admit it as usual.
    The client then applies the status ``decide`` computed for it and queues the decision's Events
    (written by the controller's own Event senders, which may trail the status writes as the
    controller's do).  No watch, no queue, no decision at run time.
    """
    namespace = await fresh_namespace(kube, "bench-floor")
    configs = await provider_configs(kube)
    recorder = EventRecorder(kube, "bench-floor")
    objects = [deployment(f"md-{i:05d}", namespace, i)[0] for i in range(n)]
    for manifest in objects:
        manifest["metadata"]["annotations"] = {ANNOTATION_RECONCILE_PAUSED: "true"}
    now = dt.datetime.now(dt.UTC)
    outcomes = [decided_outcome(manifest, configs, now) for manifest in objects]
    cpu, counters = cpu_seconds(cluster), await api_counters(kube)
    started = time.monotonic()

    async def write(index: int) -> None:
        live = await kube.create(objects[index])
        meta = live["metadata"]
        status = outcomes[index].status
        await kube.apply_status(
            status_manifest(meta["name"], namespace, status, meta["resourceVersion"])
        )
        for event in outcomes[index].events:
            await recorder.record(live, event)

    await bounded(concurrency, n, write)
    wall = time.monotonic() - started  # Events may trail, as the controller's do
    await recorder.aclose(timeout=120)
    print(f"{label}: {n} creates, core status and Events in {wall:.1f} s")
    print_cpu(cpu, cpu_seconds(cluster), wall)
    print_counters(counters, await api_counters(kube), n, top=12)
    return wall


async def _timed_creates(kube: Kube, namespace: str, prefix: str) -> list[float]:
    """Latency of ``SAMPLE`` sequential creates (after ``WARMUP`` unmeasured ones)."""
    out: list[float] = []
    for i in range(WARMUP + SAMPLE):
        manifest, _ = deployment(f"{prefix}-{i:05d}", namespace, i)
        started = time.monotonic()
        await kube.create(manifest)
        if i >= WARMUP:
            out.append(time.monotonic() - started)
    return out


async def _webhook_gone(kube: Kube, namespace: str, timeout: float = 60) -> None:
    """Wait until the API server stops calling the webhook (a dry-run it would deny passes)."""
    bad = {
        "apiVersion": API,
        "kind": MD_KIND,
        "metadata": {"name": "probe-webhook", "namespace": namespace},
        "spec": {
            "model": {"id": "Qwen/Qwen3-0.6B"},
            "engine": {"args": {"max-model-len": "4096"}, "extraArgs": ["--max-model-len=8192"]},
        },
    }
    async with asyncio.timeout(timeout):
        while True:
            try:
                await kube.apply(bad, dry_run=True)
            except ForbiddenError:
                await asyncio.sleep(0.2)
            else:
                return


async def _webhook_points_at(kube: Kube, port: int, timeout: float = 30) -> None:
    """Wait until the validating configuration calls the webhook server on ``port``."""
    async with asyncio.timeout(timeout):
        while True:
            config = await kube.get(
                ADMISSION_API, "ValidatingWebhookConfiguration", VALIDATING_CONFIG
            )
            if f":{port}/" in config["webhooks"][0]["clientConfig"].get("url", ""):
                break
            await asyncio.sleep(0.2)
    await asyncio.sleep(1.0)  # the API server's webhook informer picks the change up


async def admission_overhead(kube: Kube, cluster: DevCluster) -> None:
    """Sequential create latency with the webhooks of the leader, of a follower, and none.

    A follower replica serves the webhooks but does not reconcile; comparing it with the leader
    separates the cost of admission itself from the leader's busy event loop (the reconciles
    of the objects just created run in the same loop as its webhook server).
    """
    leader = await _timed_creates(kube, await fresh_namespace(kube, "bench-adm-on"), "on")
    follower = await start_controller(cluster, identity="bench-webhook-follower")
    try:
        await _webhook_points_at(kube, follower.webhook_port)  # it registered itself at start
        namespace = await fresh_namespace(kube, "bench-adm-follower")
        via_follower = await _timed_creates(kube, namespace, "fol")
    finally:
        stopped = stop_timed(follower)
    print(f"follower replica (not leading) {stopped}")
    await kube.delete(ADMISSION_API, "MutatingWebhookConfiguration", MUTATING_CONFIG)
    await kube.delete(ADMISSION_API, "ValidatingWebhookConfiguration", VALIDATING_CONFIG)
    off = await fresh_namespace(kube, "bench-adm-off")
    await _webhook_gone(kube, off)
    without = await _timed_creates(kube, off, "off")
    print(f"admission overhead, {SAMPLE} sequential creates each (controller leading):")
    for label, q in (("p50", 50.0), ("p99", 99.0)):
        a, f, b = percentile(leader, q), percentile(via_follower, q), percentile(without, q)
        print(
            f"  {label}: no webhooks {ms(b)}; webhooks on the leader {ms(a)} "
            f"(overhead {ms(a - b)}), on an idle follower {ms(f)} (overhead {ms(f - b)})"
        )


def _review(operation: str, obj: Manifest) -> Manifest:
    meta = obj["metadata"]
    group, _, version = API.partition("/")
    return {
        "apiVersion": "admission.k8s.io/v1",
        "kind": "AdmissionReview",
        "request": {
            "uid": str(uuid.uuid4()),
            "kind": {"group": group, "version": version, "kind": MD_KIND},
            "resource": {"group": group, "version": version, "resource": "modeldeployments"},
            "requestKind": {"group": group, "version": version, "kind": MD_KIND},
            "name": meta["name"],
            "namespace": meta["namespace"],
            "operation": operation,
            "userInfo": {"username": "bench", "groups": ["system:authenticated"]},
            "object": obj,
            "oldObject": None,
            "dryRun": False,
            "options": {"apiVersion": "meta.k8s.io/v1", "kind": "CreateOptions"},
        },
    }


def webhook_client(cluster: DevCluster, controller: ControllerProcess) -> httpx.AsyncClient:
    """An HTTPS client for the controller's webhook server, trusting the cluster CA."""
    context = ssl.create_default_context(cafile=str(cluster.pki.ca.cert))
    base = f"https://127.0.0.1:{controller.webhook_port}"
    return httpx.AsyncClient(base_url=base, verify=context, trust_env=False, timeout=30)


async def post_review(webhook: httpx.AsyncClient, path: str, index: int) -> tuple[float, bool]:
    """POST one CREATE review of a ModelDeployment; seconds taken and whether it was allowed.

    Every second object names its provider, so the validator looks the config up (in its cache).
    """
    obj, expected = deployment(f"direct-{index:05d}", "bench-direct", index)
    if index % 2:
        obj["spec"]["provider"] = {"name": expected}
    body = _review("CREATE", obj)
    started = time.monotonic()
    response = await webhook.post(path, json=body)
    elapsed = time.monotonic() - started
    response.raise_for_status()
    return elapsed, bool(response.json()["response"]["allowed"])


async def webhook_direct(webhook: httpx.AsyncClient) -> None:
    """POST AdmissionReviews straight to the (idle) webhook server; p50/p99 per path."""
    for path in (VALIDATE_PATH, MUTATE_PATH):
        times: list[float] = []
        denied = 0
        for i in range(WARMUP + SAMPLE):
            elapsed, allowed = await post_review(webhook, path, i)
            denied += not allowed
            if i >= WARMUP:
                times.append(elapsed)
        goal = "  (goal p99 <= 20 ms)" if path == VALIDATE_PATH else ""
        print(
            f"webhook server {path}, controller idle, {SAMPLE} sequential requests: p50 "
            f"{ms(percentile(times, 50))}, p99 {ms(percentile(times, 99))}, max "
            f"{ms(max(times))}{goal}" + (f"  [{denied} denied!]" if denied else "")
        )


async def reconcile_histogram(controller: ControllerProcess) -> tuple[float, float]:
    """Count and summed seconds of ``airunway_reconciliation_duration_seconds``."""
    async with httpx.AsyncClient(trust_env=False) as client:
        text = (await client.get(f"http://127.0.0.1:{controller.metrics_port}/metrics")).text
    count = total = 0.0
    for family in text_string_to_metric_families(text):
        if family.name != "airunway_reconciliation_duration_seconds":
            continue
        for sample in family.samples:
            if sample.name.endswith("_count"):
                count += sample.value
            elif sample.name.endswith("_sum"):
                total += sample.value
    return count, total


def _log_warnings(controller: ControllerProcess) -> tuple[int, int]:
    """Failed reconciles (retried) and unrecorded events in the controller's log."""
    text = Path(controller.record.log).read_text(errors="replace")
    return text.count(" failed (retry in "), text.count("could not record event")


# -- driver ----------------------------------------------------------------------------------
def _mib(rss: tuple[int, int]) -> str:
    return f"{rss[0] / MIB:.0f} + {rss[1] / MIB:.0f} MiB"


def stop_timed(controller: ControllerProcess, grace: float = 10.0) -> str:
    """SIGTERM the replica and say whether it exited within ``grace`` (else it is killed)."""
    proc = controller.record.process()
    if proc is None:
        return "had already exited"
    started = time.monotonic()
    with contextlib.suppress(psutil.NoSuchProcess):
        proc.terminate()
        try:
            proc.wait(timeout=grace)
        except psutil.TimeoutExpired:
            proc.kill()
            proc.wait(timeout=grace)
            return f"still running {grace:.0f} s after SIGTERM: killed"
    return f"exited {time.monotonic() - started:.1f} s after SIGTERM"


def report_selection(n: int, lim: float, wall: float, latencies: list[float], wrong: int) -> None:
    """Print the selection figures and the ratio to the limit (issue 4's goal)."""
    print(
        f"selection with the controller: {len(latencies)}/{n} selected in {wall:.1f} s "
        f"({len(latencies) / max(wall, 1e-9):.0f} MD/s), ratio to the limit "
        f"{wall / lim:.2f}  (goal <= 1.5)"
    )
    if latencies:
        print(
            f"  per object, create request -> provider in status: p50 "
            f"{percentile(latencies, 50):.2f} s, p99 {percentile(latencies, 99):.2f} s"
        )
    if wrong:
        print(f"  WARNING: {wrong} selected another provider than expected")


async def settle(controller: ControllerProcess, timeout: float = 300) -> float:
    """Wait until the reconcile count stops growing for 2 s (queue drained); seconds waited."""
    started = time.monotonic()
    last, stable = -1.0, 0
    while stable < 4 and time.monotonic() - started < timeout:
        count, _ = await reconcile_histogram(controller)
        stable = stable + 1 if count == last else 0
        last = count
        await asyncio.sleep(0.5)
    return time.monotonic() - started - 2.0


def _print_reconciles(label: str, n: int, reconciles: float, seconds: float) -> None:
    if reconciles:
        print(
            f"  {label}: {reconciles:.0f} reconciles recorded ({reconciles / n:.2f} per MD), mean "
            f"{ms(seconds / reconciles)} in decide+status write+events, {seconds:.1f} s summed"
        )


async def report_controller(controller: ControllerProcess, n: int) -> None:
    """Reconcile histogram totals now and once the queue drained; problems the controller logged."""
    _print_reconciles("when all were selected", n, *await reconcile_histogram(controller))
    waited = await settle(controller)
    _print_reconciles(
        f"queue drained {waited:.1f} s later", n, *await reconcile_histogram(controller)
    )
    failed, events = _log_warnings(controller)
    if failed or events:
        print(f"  controller log: {failed} failed reconciles, {events} events not recorded")


async def setup(kube: Kube) -> None:
    """The controller's namespace and three ready provider configs."""
    await kube.apply(
        {"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": "airunway-system"}}
    )
    for manifest in providers():
        await kube.apply(manifest, force=True)
        await kube.apply_status(
            {
                "apiVersion": API,
                "kind": IPC_KIND,
                "metadata": {"name": manifest["metadata"]["name"]},
                "status": {"ready": True},
            }
        )


async def run(n: int, concurrency: int, *, keep: bool, workers: int | None) -> None:
    """Start the side cluster, measure, and stop it (unless ``keep``)."""
    name = f"bench-ctl-{uuid.uuid4().hex[:6]}"
    cluster = DevCluster(name, profile="minimal")
    cluster = DevCluster(name, profile="minimal", crd_dirs=[cluster.settings.project_crds])
    kube: Kube | None = None
    try:
        started = time.monotonic()
        await cluster.up()
        print(f"side cluster {name} up in {time.monotonic() - started:.1f} s")
        kube = cluster.connect(CLIENT_MANAGER)
        await setup(kube)
        print(
            f"N = {n} ModelDeployments, {concurrency} requests in flight, controller workers "
            f"{workers or 'default'}"
        )
        base = await baseline(kube, cluster, n, concurrency)
        full = await baseline(kube, cluster, n, concurrency, decided=True)
        lim = await limit(kube, cluster, n, concurrency)

        env = {"AIRUNWAY_CONTROLLER_WORKERS": str(workers)} if workers else None
        controller = await start_controller(cluster, identity="bench-controller", extra_env=env)
        idle = tree_rss(controller.record.process())
        async with webhook_client(cluster, controller) as webhook:
            wall, latencies, wrong = await selection(kube, cluster, webhook, n, concurrency)
            rss = tree_rss(controller.record.process())
            report_selection(n, lim, wall, latencies, wrong)
            await report_controller(controller, n)
            settled = tree_rss(controller.record.process())
            print(
                "controller RSS (main process + webhook child): "
                f"idle {_mib(idle)}, all {n} selected {_mib(rss)}, queue drained {_mib(settled)}"
            )
            await webhook_direct(webhook)
        least = await floor(kube, cluster, n, concurrency)
        print(
            f"  floor / baseline {least / base:.2f} (required writes only, no controller logic); "
            f"selection / floor {wall / least:.2f}"
        )
        await admission_overhead(kube, cluster)  # leaves the webhooks unregistered
        unadmitted = await floor(
            kube, cluster, n, concurrency, label="the floor without the admission webhooks"
        )
        print(f"  ratio to baseline {unadmitted / base:.2f}: what admission adds to the floor")
        print(
            f"selection / the limit (admitted creates, decided status) {wall / lim:.2f}; "
            f"/ the floor {wall / least:.2f}; / the bare baseline (no webhooks, the provider "
            f"name only) {wall / base:.2f}; / that baseline writing the decided status "
            f"{wall / full:.2f}"
        )
        print(f"leading controller {stop_timed(controller)}")
    finally:
        await finish(cluster, kube, keep=keep)


def main() -> None:
    """Parse arguments and run the benchmark."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--n", type=int, default=1000, help="ModelDeployments to create")
    parser.add_argument("--concurrency", type=int, default=32, help="requests in flight")
    parser.add_argument("--keep", action="store_true", help="leave the side cluster running")
    parser.add_argument(
        "--workers", type=int, default=None, help="controller reconcile workers (default: its own)"
    )
    args = parser.parse_args()
    asyncio.run(run(args.n, args.concurrency, keep=args.keep, workers=args.workers))


if __name__ == "__main__":
    main()
