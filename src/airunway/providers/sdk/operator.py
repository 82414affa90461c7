"""A provider controller process: registration, heartbeat, watches, queue, leader election.

The same shape as the core controller's process (kopf event handlers feeding a work queue,
Lease-based leader election, probes), built from :mod:`airunway.runtime`.  Watches cover the
ModelDeployments the provider serves and every upstream kind it renders (filtered to objects
labelled as ours), so an upstream status change reaches the ModelDeployment in one reconcile.
"""

from __future__ import annotations

import asyncio
import functools
import logging
from typing import Any

import kopf
from prometheus_client import CollectorRegistry

from airunway.api import GROUP, MODEL_DEPLOYMENT_KIND, MODEL_DEPLOYMENT_PLURAL, VERSION
from airunway.kube.client import Kube
from airunway.providers.sdk.base import ProviderDefinition
from airunway.providers.sdk.cache import WatchCache
from airunway.providers.sdk.reconcile import PrepareFn, ProviderReconciler
from airunway.providers.sdk.registration import (
    ReadinessFn,
    Registration,
    always_ready,
    kind_served,
)
from airunway.providers.sdk.settings import ProviderSettings
from airunway.providers.sdk.storage_reconcile import StorageReconciler
from airunway.runtime.events import EventRecorder
from airunway.runtime.kopf_setup import new_registry
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
        self.kopf_ready = asyncio.Event()
        self.probes = ProbeServer(
            CollectorRegistry(),
            lambda: not self.elector.is_leader or self.kopf_ready.is_set(),
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
            group.create_task(self._kopf(self._registry()))

    async def _kopf(self, registry: kopf.OperatorRegistry) -> None:
        """Run kopf's watches; kopf takes over SIGINT/SIGTERM, so its return means "stop"."""
        await kopf.operator(
            registry=registry,
            clusterwide=True,
            standalone=True,
            ready_flag=self.kopf_ready,
            memo=kopf.Memo(),
        )
        self.stop()

    def _enqueue_owner(self, body: kopf.Body) -> None:
        """Reconcile the ModelDeployment that controls an upstream object, if it is ours.

        Providers watch the same kinds (Deployments, Services, PVCs...); without the check
        every provider would read every other provider's ModelDeployment on each pod change.
        """
        for ref in body.metadata.get("ownerReferences") or []:
            if ref.get("kind") == MODEL_DEPLOYMENT_KIND and ref.get("controller"):
                key = (str(body.metadata.namespace), str(ref.get("name")))
                if key in self._mine:
                    self.queue.add(key)

    def _registry(self) -> kopf.OperatorRegistry:
        registry = new_registry(self.settings.kubeconfig)

        @kopf.on.event(GROUP, VERSION, MODEL_DEPLOYMENT_PLURAL, registry=registry)
        async def md_event(event: kopf.RawEvent, body: kopf.Body, **_: Any) -> None:  # noqa: ANN401
            key = (str(body.metadata.namespace), str(body.metadata.name))
            self.cache.observe(str(event.get("type")), dict(event.get("object") or body))
            if event.get("type") != "DELETED" and self.reconciler.concerns(dict(body)):
                self._mine.add(key)
                self.queue.add(key)
            else:
                self._mine.discard(key)

        for api_version, kind in self.definition.kinds:
            group, _, version = api_version.rpartition("/")

            # keyed by the controller owner reference, not by labels: podTemplate labels may
            # overwrite ours (as the reference allows), owner references cannot be
            @kopf.on.event(group=group, version=version, kind=kind, registry=registry)
            async def upstream_event(
                event: kopf.RawEvent,
                body: kopf.Body,
                **_: Any,  # noqa: ANN401
            ) -> None:
                self.cache.observe(str(event.get("type")), dict(event.get("object") or body))
                self._enqueue_owner(body)

        return registry
