"""The controller process: watches (kopf), the work queue, leader election, probes, webhook.

kopf is the event loop: it lists and watches ModelDeployments and InferenceProviderConfigs and
calls our ``on.event`` handlers, which only update the in-memory store and enqueue keys.  The
queue's workers reconcile through :mod:`airunway.kube`.  Using event handlers only (no kopf
create/update/delete handlers) means kopf writes nothing to our objects: no finalizers, no
progress annotations, which would otherwise pass through our own admission webhooks.

The webhook server and the probes run on every replica; watches and reconciles only on the
leader.  Losing the Lease ends the process so that its supervisor restarts it as a follower.
"""

from __future__ import annotations

import asyncio
import json
import logging
from typing import Any

import kopf

from airunway.api import (
    GROUP,
    INFERENCE_PROVIDER_CONFIG_PLURAL,
    MODEL_DEPLOYMENT_KIND,
    MODEL_DEPLOYMENT_PLURAL,
    VERSION,
)
from airunway.controller.gateway.detect import WATCHED_CRDS, GatewayDetector
from airunway.controller.gateway.reconcile import GatewayConfig, GatewayReconciler
from airunway.controller.gateway.render import (
    DEFAULT_EPP_PORT,
    GATEWAY_GROUP,
    POOL,
    ROUTE,
    GatewayRef,
)
from airunway.controller.metrics import ControllerMetrics
from airunway.controller.migration import run_migration
from airunway.controller.reconciler import Reconciler
from airunway.controller.settings import ControllerSettings
from airunway.controller.store import MDKey, Store, md_ref
from airunway.controller.webhook.process import WebhookProcess
from airunway.controller.webhook.server import WebhookServer
from airunway.kube.client import Kube
from airunway.kube.errors import UnavailableError
from airunway.kube.wait import wait_for
from airunway.runtime.events import EventRecorder
from airunway.runtime.kopf_setup import new_registry
from airunway.runtime.leader import LeaderElector, LeaseConfig
from airunway.runtime.probes import ProbeServer
from airunway.runtime.queue import WorkQueue

log = logging.getLogger(__name__)


class Controller:
    """Wires the parts of one controller replica together."""

    def __init__(self, settings: ControllerSettings) -> None:
        self.settings = settings
        self.kube = Kube.connect(settings.kubeconfig, field_manager=settings.field_manager)
        self.store = Store()
        self.metrics = ControllerMetrics()
        self.recorder = EventRecorder(self.kube, settings.identity)
        self.gateway = GatewayReconciler(
            self.kube, GatewayDetector(self.kube), gateway_config(settings)
        )
        self.queue: WorkQueue[MDKey] = WorkQueue(self._reconcile, workers=settings.workers)
        self.reconciler = Reconciler(
            self.kube,
            self.store,
            self.recorder,
            self.metrics,
            settings,
            gateway=self.gateway,
            requeue_after=self.queue.add_after,
        )
        self.elector = LeaderElector(
            self.kube,
            LeaseConfig(
                name=settings.lease_name,
                namespace=settings.namespace,
                identity=settings.identity,
                lease_duration=settings.lease_duration,
                renew_deadline=settings.renew_deadline,
                retry_period=settings.retry_period,
            ),
        )
        self.webhook: WebhookServer | WebhookProcess = (
            WebhookProcess(self.kube, settings)
            if settings.webhook_process
            else WebhookServer(self.kube, self.store, settings)
        )
        self.kopf_ready = asyncio.Event()
        self.probes = ProbeServer(
            self.metrics.registry,
            self._ready,
            host=settings.probe_host,
            health_port=settings.health_port,
            metrics_port=settings.metrics_port,
        )
        self._stop = asyncio.Event()

    async def _reconcile(self, key: MDKey) -> None:
        await self.reconciler.reconcile(key)

    def _ready(self) -> bool:
        webhook_ok = self.settings.webhook_port == 0 or self.webhook.serving
        leading_ok = not self.elector.is_leader or self.kopf_ready.is_set()
        return webhook_ok and leading_ok

    def stop(self) -> None:
        """Ask the replica to stop (signal handler)."""
        self._stop.set()

    async def run(self) -> None:
        """Serve the webhook and probes; lead when elected; stop on request or lost Lease."""
        await self.probes.start()
        await self.webhook.start()
        try:
            async with asyncio.TaskGroup() as group:
                group.create_task(self._stop_waiter())
                if self.settings.leader_elect:
                    group.create_task(self.elector.run(self._lead))
                else:
                    group.create_task(self._lead())
        except* _Stopped:
            log.info("controller stopping")
        finally:
            await self.recorder.aclose()
            await self.elector.release()
            await self.webhook.stop()
            await self.probes.stop()
            await self.kube.close()

    async def _stop_waiter(self) -> None:
        await self._stop.wait()
        raise _Stopped

    async def _lead(self) -> None:
        if self.settings.register_webhooks_url and self.settings.webhook_port:
            # URL registration (no Service to balance replicas): the leader points it at itself
            await self.webhook.register()
        # legacy provider configs must be rewritten before anything parses them with the models;
        # a partial failure is logged and returned, a list failure stops the leader (spec §3.2)
        await run_migration(self.kube)
        await self._prime()
        registry = self._registry()
        async with asyncio.TaskGroup() as group:
            group.create_task(self.queue.run())
            group.create_task(self._kopf(registry))

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

    async def _prime(self) -> None:
        """Load provider configs before the first reconcile, so none sees an empty fleet.

        Transient answers (a CRD whose storage is still initializing answers 429, an API server
        restarting answers 503) are retried until the API answers; anything else is fatal.
        """
        api = f"{GROUP}/{VERSION}"
        bodies: list[dict[str, Any]] = []

        async def listed() -> bool:
            try:
                bodies[:] = await self.kube.list(api, "InferenceProviderConfig")
            except UnavailableError as exc:
                log.info("waiting for the API: %s", exc)
                return False
            return True

        await wait_for(listed, timeout=300, what="InferenceProviderConfigs to be listable")
        for body in bodies:
            self.store.put_config(body)
        self.store.synced = True

    def _registry(self) -> kopf.OperatorRegistry:
        registry = new_registry(self.settings.kubeconfig)
        self._register_watches(registry)
        return registry

    def _register_watches(self, registry: kopf.OperatorRegistry) -> None:
        @kopf.on.event(GROUP, VERSION, MODEL_DEPLOYMENT_PLURAL, registry=registry)
        async def md_event(event: kopf.RawEvent, body: kopf.Body, **_: Any) -> None:  # noqa: ANN401
            key = (str(body.metadata.namespace), str(body.metadata.name))
            if event.get("type") == "DELETED":
                self.store.deployments.pop(key, None)
                self.store.bodies.pop(key, None)
                self.store.own_writes.forget(key)
            else:
                self.store.deployments[key] = md_ref(dict(body))
                self.store.bodies[key] = dict(event.get("object") or body)
                if self.store.own_writes.is_echo(self.store.bodies[key]):
                    return  # the echo of our own status write: already decided
            self.queue.add(key)

        self._register_gateway_watches(registry)

        @kopf.on.event(GROUP, VERSION, INFERENCE_PROVIDER_CONFIG_PLURAL, registry=registry)
        async def ipc_event(event: kopf.RawEvent, body: kopf.Body, **_: Any) -> None:  # noqa: ANN401
            name = str(body.metadata.name)
            if event.get("type") == "DELETED":
                self.store.delete_config(name)
                changed = True
            else:
                raw = dict(body)
                changed = self.reconciler.check_config(raw) or self.store.put_config(raw)
                await self.reconciler.publish_config_validity(raw)
            if changed:
                for key in self.store.dependents(name):
                    self.queue.add(key)

    def _register_gateway_watches(self, registry: kopf.OperatorRegistry) -> None:
        """Gateway CRDs appearing or going, and drift of the pools and routes we own.

        kopf starts watching InferencePools and HTTPRoutes when their CRDs appear (it watches
        CustomResourceDefinitions for that), so no restart is needed after installing them.
        """

        @kopf.on.event("apiextensions.k8s.io", "v1", "customresourcedefinitions", registry=registry)
        async def crd_event(body: kopf.Body, **_: Any) -> None:  # noqa: ANN401
            if str(body.metadata.name) in WATCHED_CRDS:
                self.gateway.detector.invalidate()
                for key in list(self.store.deployments):
                    self.queue.add(key)

        seen: dict[tuple[str, str], str] = {}

        @kopf.on.event(GATEWAY_GROUP, "v1", "gateways", registry=registry)
        async def gateway_event(event: kopf.RawEvent, body: kopf.Body, **_: Any) -> None:  # noqa: ANN401
            # a Gateway appearing (after NoGateway), going, or changing address or listeners;
            # not its route counts, which every route we apply changes (that would re-reconcile
            # every deployment after each route write)
            if not _gateway_changed(seen, event, body):
                return
            for md_key in list(self.store.deployments):
                self.queue.add(md_key)

        for api, kind in (POOL, ROUTE):
            group, _, version = api.rpartition("/")

            @kopf.on.event(group=group, version=version, kind=kind, registry=registry)
            async def owned_event(body: kopf.Body, **_: Any) -> None:  # noqa: ANN401
                for key in _owners(body):
                    self.queue.add(key)


def _owners(body: kopf.Body) -> list[MDKey]:
    """The ModelDeployment that controls an object, if any."""
    return [
        (str(body.metadata.namespace), str(ref.get("name")))
        for ref in body.metadata.get("ownerReferences") or []
        if ref.get("kind") == MODEL_DEPLOYMENT_KIND and ref.get("controller")
    ]


def _gateway_changed(
    seen: dict[tuple[str, str], str], event: kopf.RawEvent, body: kopf.Body
) -> bool:
    """Whether a Gateway event changes what deployments use: existence, spec or addresses."""
    key = (str(body.metadata.namespace), str(body.metadata.name))
    status = body.get("status") or {}
    relevant = json.dumps(
        [event.get("type") == "DELETED", body.get("spec"), status.get("addresses")],
        sort_keys=True,
        default=str,
    )
    if seen.get(key) == relevant:
        return False
    seen[key] = relevant
    return True


def gateway_config(settings: ControllerSettings) -> GatewayConfig:
    """The gateway part of the controller's settings."""
    explicit = (
        GatewayRef(settings.gateway_name, settings.gateway_namespace)
        if settings.gateway_name
        else None
    )
    return GatewayConfig(
        gateway=explicit,
        epp_port=settings.epp_service_port or DEFAULT_EPP_PORT,
        epp_image=settings.epp_image,
        patch_allowed_routes=settings.patch_gateway_allowed_routes,
        model_discovery=settings.model_discovery,
    )


class _Stopped(Exception):  # noqa: N818 - a signal, not an error
    """Raised inside the task group to end the replica on request."""
