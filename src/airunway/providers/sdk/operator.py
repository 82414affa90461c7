"""A provider controller process: registration, heartbeat, watches, queue, leader election.

The same shape as the core controller's process (watch events feeding a work queue,
Lease-based leader election, probes), built from :mod:`airunway.runtime`.  Watches cover the
ModelDeployments the provider serves and every upstream kind it renders (filtered to objects
owned by them), so an upstream status change reaches the ModelDeployment in one reconcile.
The watches are plain list-and-watch streams rather than kopf's: a provider only needs "this
object changed", and kopf's per-event machinery cost more CPU than the reconciles it fed
(ADR 0003).
"""

from __future__ import annotations

import asyncio
import functools
import logging
from collections.abc import Coroutine
from typing import Any

from prometheus_client import CollectorRegistry

from airunway.api import (
    API_VERSION,
    LABEL_MANAGED_BY,
    MODEL_DEPLOYMENT_KIND,
    SELECTED_PROVIDER_FIELD,
)
from airunway.kube.client import Kube, Manifest
from airunway.kube.watch import watch_forever
from airunway.providers.sdk.base import ProviderDefinition
from airunway.providers.sdk.cache import WatchCache
from airunway.providers.sdk.outcome import PrepareFn
from airunway.providers.sdk.reconcile import ProviderReconciler
from airunway.providers.sdk.registration import (
    ReadinessFn,
    Registration,
    always_ready,
    kind_served,
)
from airunway.providers.sdk.settings import ProviderSettings
from airunway.providers.sdk.storage_reconcile import StorageReconciler
from airunway.runtime.events import EventRecorder
from airunway.runtime.leader import LeaderElector, LeaseConfig
from airunway.runtime.probes import ProbeServer
from airunway.runtime.queue import WorkQueue

log = logging.getLogger(__name__)


class ProviderProcess:
    """One replica of one provider controller."""

    def __init__(
        self,
        definition: ProviderDefinition,
        settings: ProviderSettings,
        *,
        readiness: ReadinessFn = always_ready,
        prepare: PrepareFn | None = None,
        upstream_version: str = "",
        upstream_kind: tuple[str, str] | None = None,
    ) -> None:
        """``upstream_kind`` (apiVersion, kind): ready while it is served (not ``readiness``).

        ``upstream_version`` (``status.upstreamCRDVersion``) defaults to the apiVersion of
        ``upstream_kind``, else ``apps/v1`` (a provider rendering built-in kinds only).
        """
        if not upstream_version:
            upstream_version = upstream_kind[0] if upstream_kind is not None else "apps/v1"
        self.definition = definition
        self.settings = settings
        self.kube = Kube.connect(settings.kubeconfig, field_manager=definition.field_manager)
        if upstream_kind is not None:
            readiness = functools.partial(kind_served, self.kube, *upstream_kind)
        self.cache = WatchCache()
        self.recorder = EventRecorder(self.kube, f"{definition.field_manager}/{settings.identity}")
        self.registration = Registration(
            self.kube,
            definition,
            version=settings.version,
            readiness=readiness,
            upstream_version=upstream_version,
        )
        self.queue: WorkQueue[tuple[str, str]] = WorkQueue(
            self._reconcile, workers=settings.workers
        )
        self.reconciler = ProviderReconciler(
            self.kube,
            definition,
            self.recorder,
            prepare=prepare,
            deletion_timeout=settings.deletion_timeout,
            requeue_after=self.queue.add_after,
            storage=(
                StorageReconciler(self.kube, settings.download_job_image)
                if definition.managed_storage
                else None
            ),
            cache=self.cache,
        )
        self.elector = LeaderElector(
            self.kube,
            LeaseConfig(
                name=f"airunway-{definition.name}-provider",
                namespace=settings.namespace,
                identity=settings.identity,
                lease_duration=settings.lease_duration,
                renew_deadline=settings.renew_deadline,
                retry_period=settings.retry_period,
            ),
        )
        self.watching = asyncio.Event()
        self.probes = ProbeServer(
            CollectorRegistry(),
            lambda: not self.elector.is_leader or self.watching.is_set(),
            host=settings.probe_host,
            health_port=settings.health_port,
            metrics_port=settings.metrics_port,
        )
        self._stop = asyncio.Event()
        #: ModelDeployments this provider serves (or still holds a finalizer on)
        self._mine: set[tuple[str, str]] = set()

    async def _reconcile(self, key: tuple[str, str]) -> None:
        await self.reconciler.reconcile(key)

    def stop(self) -> None:
        """Ask the process to stop (signal handler)."""
        self._stop.set()

    async def run(self) -> None:
        """Register, lead when elected, heartbeat, and unregister on the way out."""
        await self.probes.start()
        try:
            await self.registration.register()
            async with asyncio.TaskGroup() as group:
                heartbeat = group.create_task(
                    self.registration.heartbeat(self.settings.heartbeat_interval)
                )
                work = group.create_task(
                    self.elector.run(self._lead) if self.settings.leader_elect else self._lead()
                )
                await self._stop.wait()
                # say "not ready" first: stopping the watches may take a while
                await self.registration.unregister()
                heartbeat.cancel()
                work.cancel()
        finally:
            await self.registration.unregister()
            await self.recorder.aclose()
            await self.elector.release()
            await self.probes.stop()
            await self.kube.close()

    async def _lead(self) -> None:
        async with asyncio.TaskGroup() as group:
            group.create_task(self.queue.run())
            for watch in self._watches():
                group.create_task(watch)
            self.watching.set()

    def _watches(self) -> list[Coroutine[Any, Any, None]]:
        """One watch per kind: this provider's ModelDeployments, and every upstream kind.

        The ModelDeployment watch is selected by the server on ``status.provider.name``: the
        providers a deployment did not select are not sent its events at all.  Upstream watches
        are selected on the label every rendered object carries, so the cluster's other
        Deployments, Services, Jobs and PVCs are not sent to every provider; an object whose
        label is removed arrives as DELETED, and its reconcile applies the label again.
        """
        delay = self.settings.watch_reconnect_delay
        watches = [
            watch_forever(
                self.kube,
                API_VERSION,
                MODEL_DEPLOYMENT_KIND,
                None,
                self._md_event,
                reconnect_delay=delay,
                fields={SELECTED_PROVIDER_FIELD: self.definition.name},
            )
        ]
        watches.extend(
            watch_forever(
                self.kube,
                api_version,
                kind,
                None,
                self._upstream_event,
                reconnect_delay=delay,
                labels={LABEL_MANAGED_BY: None},  # any value: podTemplate labels may replace ours
            )
            for api_version, kind in self.definition.kinds
        )
        return watches

    def _md_event(self, event: str, body: Manifest) -> None:
        meta = body.get("metadata") or {}
        key = (str(meta.get("namespace")), str(meta.get("name")))
        self.cache.observe(event, body)
        if event != "DELETED" and self.reconciler.concerns(body):
            self._mine.add(key)
            if not self.reconciler.own_writes.is_echo(body):
                self.queue.add(key)
            return
        self._mine.discard(key)
        if event != "DELETED":
            return
        self.reconciler.own_writes.forget(key)
        if self.definition.finalizer in (meta.get("finalizers") or []):
            # it left the selection but still holds our finalizer: let the reconcile release it
            self.queue.add(key)

    def _upstream_event(self, event: str, body: Manifest) -> None:
        """Reconcile the ModelDeployment that controls an upstream object, if it is ours.

        Keyed by the controller owner reference, not by labels: podTemplate labels may
        overwrite ours (as the reference allows), owner references cannot be.  Providers watch
        the same kinds (Deployments, Services, PVCs...); without the ``_mine`` check every
        provider would read every other provider's ModelDeployment on each change.
        """
        self.cache.observe(event, body)
        meta = body.get("metadata") or {}
        for ref in meta.get("ownerReferences") or []:
            if ref.get("kind") == MODEL_DEPLOYMENT_KIND and ref.get("controller"):
                key = (str(meta.get("namespace")), str(ref.get("name")))
                if key in self._mine:
                    self.queue.add(key)
