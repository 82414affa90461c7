"""bench/e2e's references that include the ModelDeployments: the limit and the spec's floor.

Both are written by a bare client, with no reads and no decisions at run time (docs/adr/0008):

* the limit (``final_only``): the same final objects applied directly.  Each ModelDeployment is
  created with its finalizer, its Deployment and Service are applied, and once the Deployment is
  ready one status write carries the final status (the core's fields and the provider's).  It is
  what issue 5's goal compares AI Runway with;
* the spec's floor: every write the spec requires of any implementation.  The create, admitted
  by the webhooks; the core's status; the provider's finalizer; the workload; the provider's
  Deploying status, then its Running status.

The objects carry the pause annotation, so the running controller and providers leave them alone
(their watches still receive every event, as for any deployment).
"""

from __future__ import annotations

import asyncio
import datetime as dt
import time
from collections.abc import Callable
from typing import Any

from airunway.api import (
    ANNOTATION_RECONCILE_PAUSED,
    API_VERSION,
    MODEL_DEPLOYMENT_KIND,
    InferenceProviderConfig,
    ModelDeployment,
)
from airunway.devcluster.cluster import DevCluster
from airunway.kube.client import Kube
from airunway.providers.sdk.outcome import StatusDraft
from airunway.providers.sdk.status import Phase, ready_condition, synced_fields
from airunway.providers.sdk.workloads import MESSAGES, translate_deployment
from airunway.providers.vllm.transform import transform
from bench.common import (
    api_counters,
    bounded,
    cpu_seconds,
    decided,
    delete_namespace,
    fresh_namespace,
    print_counters,
    print_cpu,
    provider_configs,
    status_manifest,
)

Manifest = dict[str, Any]
FINALIZER = "bench.airunway.ai/floor"


def _provider_status(md: ModelDeployment, deployment: Manifest) -> dict[str, Any]:
    """The status the Direct vLLM provider writes for ``md`` given its Deployment's state."""
    st = StatusDraft(md)
    st.condition("ProviderCompatible", "True", "CompatibilityVerified", "compatible")
    st.condition("ResourceCreated", "True", "ResourceCreated", MESSAGES.created)
    fields = synced_fields(translate_deployment(deployment), MESSAGES.running, MESSAGES.waiting)
    st.fields.update(fields)
    st.fields["provider"] = {
        "resourceName": deployment["metadata"]["name"],
        "resourceKind": "Deployment",
    }
    st.condition("Ready", *ready_condition(Phase(fields["phase"]), fields.get("message", "")))
    manifest = st.manifest()
    manifest["metadata"].pop("resourceVersion", None)
    return manifest


class Floor:
    """One run of the floor: create, core status, finalizer, workload, Deploying, then Running."""

    def __init__(
        self, cluster: DevCluster, kube: Kube, image: str, *, final_only: bool = False
    ) -> None:
        self._cluster = cluster
        #: only the objects as they end up: the ModelDeployment created with its finalizer,
        #: the Deployment and Service, and one status write with the final status
        self._final_only = final_only
        self._core_status: dict[str, dict[str, Any]] = {}
        self._manifests: dict[str, Manifest] = {}
        self._kube = kube
        self._core = cluster.connect("bench-floor-core")
        self._provider = cluster.connect("bench-floor-provider")
        self._image = image
        self._mds: dict[str, ModelDeployment] = {}
        self._running: set[str] = set()
        #: set once Deploying is written: Running is written after it, never overtaken by it
        self._deploying: dict[str, asyncio.Event] = {}
        self._done = asyncio.Event()
        self._n = 0

    async def run(self, make: Callable[[str, str], Manifest], n: int, concurrency: int) -> float:
        """Seconds until every deployment's status says Running (printed with the CPU split)."""
        namespace = await fresh_namespace(self._kube, "bench-floor")
        configs = await provider_configs(self._kube)
        objects = [make(f"md-{i:05d}", namespace) for i in range(n)]
        core_status = self._prepare(objects, configs)
        self._n = n
        gate = asyncio.Semaphore(concurrency)
        watcher = asyncio.create_task(self._watch(namespace, gate))
        await asyncio.sleep(0.5)  # let the watch connect (a late watch still replays ADDED events)
        cpu, counters = cpu_seconds(self._cluster), await api_counters(self._kube)
        started = time.monotonic()

        async def deploy(index: int) -> None:
            if self._final_only:  # applied by the manager that later releases the finalizer
                live = await self._provider.apply(objects[index], force=True)
            else:
                live = await self._kube.create(objects[index])
            name = live["metadata"]["name"]
            if not self._final_only:
                core = status_manifest(name, live["metadata"]["namespace"], core_status[index])
                await self._core.apply_status(core, force=True)
                await self._provider.apply(_finalizer(live, present=True), force=True)
            md = ModelDeployment.model_validate(live)
            self._mds[name] = md
            self._deploying[name] = asyncio.Event()
            rendered = transform(md, resolved_image=self._image).objects
            applied = [await self._provider.apply(obj, force=True) for obj in rendered]
            if not self._final_only:
                await self._provider.apply_status(_provider_status(md, applied[0]), force=True)
            self._deploying[name].set()

        try:
            await bounded(concurrency, n, deploy)
            await asyncio.wait_for(self._done.wait(), timeout=120 + 2 * n)
        finally:
            watcher.cancel()
        wall = time.monotonic() - started
        label = (
            "the same final objects, applied directly"
            if self._final_only
            else "the spec's floor: the required writes"
        )
        print(f"{label}: {n} deployments all Running {wall:.1f} s")
        print_cpu(cpu, cpu_seconds(self._cluster), wall)
        print_counters(counters, await api_counters(self._kube), n)
        await self._clean(namespace, concurrency)
        return wall

    def _prepare(
        self, objects: list[Manifest], configs: list[InferenceProviderConfig]
    ) -> list[dict[str, Any]]:
        """Annotate the objects (paused) and decide each one's core status before the clock."""
        now = dt.datetime.now(dt.UTC)
        out = []
        for manifest in objects:
            manifest["metadata"]["annotations"] = {ANNOTATION_RECONCILE_PAUSED: "true"}
            if self._final_only:
                manifest["metadata"]["finalizers"] = [FINALIZER]
                self._manifests[manifest["metadata"]["name"]] = manifest
            status = decided(manifest, configs, now).status
            out.append(status)
            self._core_status[manifest["metadata"]["name"]] = status
        return out

    async def _watch(self, namespace: str, gate: asyncio.Semaphore) -> None:
        """Write Running once a deployment's Deployment has a ready replica."""
        pending: set[asyncio.Task[None]] = set()
        async for _, obj in self._kube.watch("apps/v1", "Deployment", namespace):
            name = str(obj["metadata"]["name"])
            ready = int((obj.get("status") or {}).get("readyReplicas") or 0) >= 1
            if ready and name not in self._running and name in self._mds:
                self._running.add(name)
                task = asyncio.create_task(self._write_running(name, obj, gate))
                pending.add(task)
                task.add_done_callback(pending.discard)

    async def _write_running(
        self, name: str, deployment: Manifest, gate: asyncio.Semaphore
    ) -> None:
        await self._deploying[name].wait()
        manifest = _provider_status(self._mds[name], deployment)
        if self._final_only:  # the core's part of the final status goes in the same write
            core = self._core_status[name]
            mine = manifest["status"]
            manifest["status"] = {**core, **mine}
            manifest["status"]["conditions"] = [*core.get("conditions", []), *mine["conditions"]]
        async with gate:
            await self._provider.apply_status(manifest, force=True)
        self._n -= 1
        if self._n == 0:
            self._done.set()

    async def _clean(self, namespace: str, concurrency: int) -> None:
        """Release the finalizers, then delete the namespace (freeing the GPUs)."""
        mds = list(self._mds.values())

        async def release(index: int) -> None:
            name = mds[index].metadata.name or ""
            if name in self._manifests:  # the manager applied the whole object: apply it again
                manifest = self._manifests[name]
                manifest["metadata"]["finalizers"] = []
                await self._provider.apply(manifest, force=True)
            else:
                released = _finalizer(mds[index].to_kube(), present=False)
                await self._provider.apply(released, force=True)

        await bounded(concurrency, len(mds), release)
        gone = await delete_namespace(self._kube, namespace, timeout=300 + len(mds))
        print(f"  (floor namespace deleted in {gone:.1f} s, freeing the GPUs)")
        for kube in (self._core, self._provider):
            await kube.close()


def _finalizer(live: Manifest, *, present: bool) -> Manifest:
    meta = live["metadata"]
    return {
        "apiVersion": API_VERSION,
        "kind": MODEL_DEPLOYMENT_KIND,
        "metadata": {
            "name": meta["name"],
            "namespace": meta["namespace"],
            "finalizers": [FINALIZER] if present else [],
        },
    }
