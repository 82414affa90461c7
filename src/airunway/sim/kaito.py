"""A SIMULATOR of the KAITO workspace operator (kaito-project/kaito v0.10), NOT KAITO itself.

Why: the playground and the tests run AI Runway on clusters whose nodes are simulated by kwok,
where the real KAITO operator cannot run (its workloads need GPUs and its images are large).
This process takes its place: it answers Workspaces (``kaito.sh/v1beta1``) the way KAITO does on
a cluster with bring-your-own GPU nodes, so the AI Runway KAITO provider sees the real objects
and the real status, validated by the real Workspace CRD.

What it does:

* At start it makes the upstream operator look installed: namespace ``kaito-workspace`` and a
  Deployment ``kaito-workspace`` labelled like the Helm chart's (``app.kubernetes.io/name:
  workspace``), one placeholder replica on a kwok node, Ready through kwok.  Server-side apply
  keeps this idempotent when several simulators start.
* For each Workspace: records the hash/revision annotations, then (once enough Ready nodes
  match ``resource.labelSelector``) creates the Services and the inference StatefulSet of
  :mod:`airunway.sim.kaito_render`, all controlled by the Workspace so that deleting it lets the
  garbage collector remove them.  Real scheduling and kwok take the pods from there.  Like
  KAITO v0.10, the workload is created once and not rewritten when the Workspace changes.
* It writes the status of :mod:`airunway.sim.kaito_status` as the pods progress: Pending until
  the workload is Ready (plus the readiness delay that stands in for model loading), then Ready;
  NotReady if it loses readiness; the scheduler's FailedScheduling reason in ResourceReady while
  a pod does not fit.

Failure injection, per Workspace, with the annotation ``sim.airunway.ai/fail``:

* ``inference``: InferenceReady False, reason ``WorkspaceInferenceStatusFailed`` (the model
  failed to load), WorkspaceSucceeded False (``workspaceFailed``), state ``Failed``.
* ``resource``: ResourceReady False, reason ``workspaceResourceStatusNotReady`` (the GPU nodes
  could not be provisioned), no workload is created, WorkspaceSucceeded False, state ``Failed``.

Removing the annotation lets the Workspace recover.  Not simulated: node auto-provisioning
(NodeClaims), tuning, adapters, benchmarks, multi-node inference, and the operator's finalizer
(a stopped simulator must never leave Workspaces that cannot be deleted).

Watches use :meth:`airunway.kube.client.Kube.watch` rather than kopf: the simulator only needs
events turned into keys for a :class:`~airunway.runtime.queue.WorkQueue`, it must run in-process
beside tests (kopf wants to own the event loop, signals and its own login), and it must not add
kopf's finalizers or annotations to objects the AI Runway provider compares for drift.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any, Final

from airunway.kube.client import Kube, Manifest
from airunway.kube.errors import InvalidError, KubeError, NotFoundError
from airunway.runtime.queue import WorkQueue
from airunway.sim.kaito_render import (
    API_VERSION,
    KIND,
    SIMULATOR,
    WORKSPACE_LABEL,
    gpu_memory_mib,
    match_labels,
    render_services,
    render_workload,
    revision_annotations,
    target_node_count,
)
from airunway.sim.kaito_status import (
    FAIL_RESOURCE,
    Observed,
    compute_status,
    failure_of,
    status_changed,
)
from airunway.sim.settings import SimSettings
from airunway.sim.workloads import (
    SIMULATOR_ANNOTATION,
    controller_of,
    labels_match,
    node_ready,
    placeholder_deployment,
    unschedulable_message,
    watch_forever,
)

log = logging.getLogger(__name__)

UPSTREAM_NAMESPACE: Final = "kaito-workspace"
UPSTREAM_NAME: Final = "kaito-workspace"
UPSTREAM_LABELS: Final = {
    "app.kubernetes.io/name": "workspace",
    "app.kubernetes.io/instance": "kaito-workspace",
}
_MAX_RETRY_DELAY: Final = 30.0

Key = tuple[str, str]


class WorkloadRejectedError(Exception):
    """The API server refused the rendered workload; reported in the status, then retried."""


class KaitoSimulator:
    """Watches Workspaces and their workloads; one reconcile per Workspace at a time."""

    def __init__(
        self, kube: Kube, settings: SimSettings, *, clock: Callable[[], float] = time.monotonic
    ) -> None:
        self._kube = kube
        self._settings = settings
        self._clock = clock
        self._queue: WorkQueue[Key] = WorkQueue(self.reconcile, workers=settings.workers)
        self._ready_since: dict[Key, float] = {}
        self._stop = asyncio.Event()

    def stop(self) -> None:
        """Ask :meth:`run` to return."""
        self._stop.set()

    async def install_upstream(self) -> None:
        """Namespace and controller Deployment that make KAITO look installed (idempotent)."""
        namespace = {
            "apiVersion": "v1",
            "kind": "Namespace",
            "metadata": {
                "name": UPSTREAM_NAMESPACE,
                "annotations": {SIMULATOR_ANNOTATION: SIMULATOR},
            },
        }
        await self._kube.apply(namespace, force=True)
        deployment = placeholder_deployment(
            UPSTREAM_NAMESPACE, UPSTREAM_NAME, UPSTREAM_LABELS, SIMULATOR
        )
        await self._kube.apply(deployment, force=True)

    async def _install_until_done(self) -> None:
        delay = self._settings.reconnect_delay
        while not self._stop.is_set():
            try:
                await self.install_upstream()
            except KubeError as exc:
                log.warning("installing the KAITO stand-in failed (retry in %.1fs): %s", delay, exc)
            else:
                return
            await asyncio.sleep(delay)
            delay = min(delay * 2, _MAX_RETRY_DELAY)

    async def run(self) -> None:
        """Run until :meth:`stop` (or cancellation)."""
        if self._settings.install_upstream:
            await self._install_until_done()
        namespace = self._settings.namespace
        delay = self._settings.reconnect_delay
        watches: list[tuple[str, str, Callable[[str, Manifest], None]]] = [
            (API_VERSION, KIND, self._on_workspace),
            ("apps/v1", "StatefulSet", self._on_workload),
            ("v1", "Pod", self._on_pod),
        ]
        log.info("KAITO simulator running (namespace: %s)", namespace or "all")
        async with asyncio.TaskGroup() as group:
            tasks = [group.create_task(self._queue.run())]
            tasks += [
                group.create_task(
                    watch_forever(self._kube, api, kind, namespace, handle, reconnect_delay=delay)
                )
                for api, kind, handle in watches
            ]
            await self._stop.wait()
            for task in tasks:
                task.cancel()

    def _on_workspace(self, _: str, obj: Manifest) -> None:
        meta = obj["metadata"]
        self._queue.add((meta["namespace"], meta["name"]))

    def _on_workload(self, _: str, obj: Manifest) -> None:
        owner = controller_of(obj, API_VERSION, KIND)
        if owner is not None:
            self._queue.add((obj["metadata"]["namespace"], owner))

    def _on_pod(self, _: str, obj: Manifest) -> None:
        workspace = (obj["metadata"].get("labels") or {}).get(WORKSPACE_LABEL)
        if workspace:
            self._queue.add((obj["metadata"]["namespace"], workspace))

    async def reconcile(self, key: Key) -> None:
        """Bring one Workspace's workload and status up to date with what the cluster shows."""
        namespace, name = key
        try:
            workspace = await self._kube.get(API_VERSION, KIND, name, namespace)
        except NotFoundError:
            self._ready_since.pop(key, None)
            return
        if workspace["metadata"].get("deletionTimestamp"):
            return
        workspace = await self._sync_revision(workspace)
        target = target_node_count(workspace)
        selector = match_labels(workspace)
        nodes = sorted(
            (
                n
                for n in await self._kube.list("v1", "Node")
                if labels_match(n["metadata"].get("labels"), selector)
            ),
            key=lambda n: str(n["metadata"]["name"]),
        )
        enough_nodes = sum(1 for n in nodes if node_ready(n)) >= target
        failure = failure_of(workspace["metadata"].get("annotations"))
        workload: Manifest | None = None
        error: str | None = None
        if not enough_nodes:
            # node changes are not watched (KAITO does not either): look again shortly
            self._queue.add_after(key, self._settings.node_recheck)
        elif failure != FAIL_RESOURCE:
            try:
                workload = await self._ensure_workload(workspace, target, gpu_memory_mib(nodes))
            except InvalidError as exc:
                error = exc.message
        replicas, ready, pods = None, 0, []
        if workload is not None:
            replicas = int(workload["spec"].get("replicas", 1))
            ready = int((workload.get("status") or {}).get("readyReplicas") or 0)
            pods = await self._kube.list("v1", "Pod", namespace, labels={WORKSPACE_LABEL: name})
        observed = Observed(
            generation=int(workspace["metadata"].get("generation") or 0),
            previous=workspace.get("status") or {},
            target_node_count=target,
            nodes=[(str(n["metadata"]["name"]), node_ready(n)) for n in nodes],
            workload_replicas=replicas,
            workload_ready=ready,
            unschedulable=unschedulable_message(pods),
            model_loaded=self._model_loaded(key, replicas is not None and ready == replicas),
            failure=failure,
            reconcile_error=error,
        )
        await self._write_status(workspace, compute_status(observed, datetime.now(UTC)))
        if error is not None:
            raise WorkloadRejectedError(error)

    async def _sync_revision(self, workspace: Manifest) -> Manifest:
        """Record the spec hash and revision on the Workspace, as KAITO does on every change."""
        wanted = revision_annotations(workspace)
        have = workspace["metadata"].get("annotations") or {}
        if all(have.get(k) == v for k, v in wanted.items()):
            return workspace
        meta = workspace["metadata"]
        patch = {
            "apiVersion": API_VERSION,
            "kind": KIND,
            "metadata": {
                "name": meta["name"],
                "namespace": meta["namespace"],
                "annotations": wanted,
            },
        }
        return await self._kube.apply(patch, force=True)

    async def _ensure_workload(
        self, workspace: Manifest, replicas: int, gpu_memory_mib: int | None
    ) -> Manifest | None:
        """Create the Services and the StatefulSet when missing; return the StatefulSet."""
        for service in render_services(workspace):
            await self._create_if_missing(service)
        desired = render_workload(workspace, replicas, gpu_memory_mib)
        return None if desired is None else await self._create_if_missing(desired)

    async def _create_if_missing(self, manifest: Manifest) -> Manifest:
        """The existing object, else ``manifest`` created (KAITO creates once, never updates)."""
        meta = manifest["metadata"]
        try:
            return await self._kube.get(
                manifest["apiVersion"], manifest["kind"], meta["name"], meta["namespace"]
            )
        except NotFoundError:
            log.info("creating %s %s/%s", manifest["kind"], meta["namespace"], meta["name"])
            return await self._kube.apply(manifest)

    def _model_loaded(self, key: Key, ready: bool) -> bool:  # noqa: FBT001 - internal helper
        """Whether the pods have been Ready for the readiness delay; schedules the re-check."""
        if not ready:
            self._ready_since.pop(key, None)
            return False
        since = self._ready_since.setdefault(key, self._clock())
        remaining = since + self._settings.ready_delay - self._clock()
        if remaining > 0:
            self._queue.add_after(key, remaining)
            return False
        return True

    async def _write_status(self, workspace: Manifest, status: dict[str, Any]) -> None:
        previous = workspace.get("status") or {}
        if not status_changed(previous, status):
            return
        meta = workspace["metadata"]
        if previous.get("state") != status["state"]:
            log.info(
                "Workspace %s/%s: state %s -> %s",
                meta["namespace"],
                meta["name"],
                previous.get("state") or "-",
                status["state"],
            )
        await self._kube.apply_status(
            {
                "apiVersion": API_VERSION,
                "kind": KIND,
                "metadata": {"name": meta["name"], "namespace": meta["namespace"]},
                "status": status,
            }
        )
