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

import logging
from datetime import UTC, datetime
from typing import Any, Final

from airunway.kube.client import Manifest
from airunway.kube.errors import InvalidError, NotFoundError
from airunway.sim.base import Key, Simulator
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
from airunway.sim.workloads import (
    labels_match,
    node_ready,
    unschedulable_message,
)

log = logging.getLogger(__name__)

UPSTREAM_NAMESPACE: Final = "kaito-workspace"
UPSTREAM_NAME: Final = "kaito-workspace"
UPSTREAM_LABELS: Final = {
    "app.kubernetes.io/name": "workspace",
    "app.kubernetes.io/instance": "kaito-workspace",
}


class WorkloadRejectedError(Exception):
    """The API server refused the rendered workload; reported in the status, then retried."""


class KaitoSimulator(Simulator):
    """Watches Workspaces and their workloads; one reconcile per Workspace at a time."""

    api_version = API_VERSION
    kind = KIND
    name = SIMULATOR
    upstream = (UPSTREAM_NAMESPACE, UPSTREAM_NAME, UPSTREAM_LABELS)
    owned = (("apps/v1", "StatefulSet"),)
    pod_label = WORKSPACE_LABEL

    async def reconcile(self, key: Key) -> None:
        """Bring one Workspace's workload and status up to date with what the cluster shows."""
        namespace, name = key
        try:
            workspace = await self.kube.get(API_VERSION, KIND, name, namespace)
        except NotFoundError:
            self.readiness.forget(key)
            return
        if workspace["metadata"].get("deletionTimestamp"):
            return
        workspace = await self._sync_revision(workspace)
        target = target_node_count(workspace)
        selector = match_labels(workspace)
        nodes = sorted(
            (
                n
                for n in await self.kube.list("v1", "Node")
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
            self.queue.add_after(key, self.settings.node_recheck)
        elif failure != FAIL_RESOURCE:
            try:
                workload = await self._ensure_workload(workspace, target, gpu_memory_mib(nodes))
            except InvalidError as exc:
                error = exc.message
        replicas, ready, pods = None, 0, []
        if workload is not None:
            replicas = int(workload["spec"].get("replicas", 1))
            ready = int((workload.get("status") or {}).get("readyReplicas") or 0)
            pods = await self.kube.list("v1", "Pod", namespace, labels={WORKSPACE_LABEL: name})
        observed = Observed(
            generation=int(workspace["metadata"].get("generation") or 0),
            previous=workspace.get("status") or {},
            target_node_count=target,
            nodes=[(str(n["metadata"]["name"]), node_ready(n)) for n in nodes],
            workload_replicas=replicas,
            workload_ready=ready,
            unschedulable=unschedulable_message(pods),
            model_loaded=self.model_loaded(key, replicas is not None and ready == replicas),
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
        return await self.kube.apply(patch, force=True)

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
            return await self.kube.get(
                manifest["apiVersion"], manifest["kind"], meta["name"], meta["namespace"]
            )
        except NotFoundError:
            log.info("creating %s %s/%s", manifest["kind"], meta["namespace"], meta["name"])
            return await self.kube.apply(manifest)

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
        await self.kube.apply_status(
            {
                "apiVersion": API_VERSION,
                "kind": KIND,
                "metadata": {"name": meta["name"], "namespace": meta["namespace"]},
                "status": status,
            }
        )
