"""A SIMULATOR of a Gateway API implementation (the part Istio, Envoy Gateway... play), NOT one.

Why: the playground runs on a kwok cluster with no data plane, yet the UI and the controller
should see what a cluster with a real inference gateway shows: a GatewayClass that is Accepted,
a Gateway that is Accepted and Programmed with an address, listeners counting their attached
routes, and HTTPRoutes whose parents say whether they are accepted and their references
resolved.  This process writes exactly those statuses (shapes and reasons of Gateway API v1.5,
validated by the real CRDs, see :mod:`airunway.sim.gateway_status`) for the Gateways of its
GatewayClass ``airunway-sim``.  It routes no traffic.

At start it installs GatewayClass ``airunway-sim`` and Gateway ``inference-gateway`` (namespace
``airunway-gateway``, labelled ``airunway.ai/inference-gateway: "true"``, one HTTP listener on
port 80 admitting routes from its own namespace: the AI Runway controller adds the namespaces
of ModelDeployments, as it does with a real Gateway).  Any event of a watched kind resyncs
everything (one queue key): the playground has a handful of objects.
"""

from __future__ import annotations

import asyncio
import logging
from collections import defaultdict
from datetime import UTC, datetime
from typing import Any, Final

from airunway.kube.client import Kube, Manifest
from airunway.kube.errors import KubeError, NotFoundError
from airunway.kube.watch import watch_forever
from airunway.runtime.queue import WorkQueue
from airunway.sim.gateway_status import (
    CONTROLLER_NAME,
    GATEWAY_GROUP,
    admitting_listeners,
    class_status,
    condition,
    gateway_status,
    resolved_refs,
)
from airunway.sim.settings import SimSettings
from airunway.sim.workloads import SIMULATOR_ANNOTATION

log = logging.getLogger(__name__)
SIMULATOR: Final = "gateway"
CLASS_NAME: Final = "airunway-sim"
GATEWAY_NAME: Final = "inference-gateway"
GATEWAY_NAMESPACE: Final = "airunway-gateway"
API: Final = f"{GATEWAY_GROUP}/v1"
KINDS: Final = (
    (API, "GatewayClass"),
    (API, "Gateway"),
    (API, "HTTPRoute"),
    (f"{GATEWAY_GROUP}/v1beta1", "ReferenceGrant"),
    ("inference.networking.k8s.io/v1", "InferencePool"),
)
_ALL: Final = ("", "all")


def upstream_objects() -> list[Manifest]:
    """The GatewayClass, namespace and Gateway the playground routes through."""
    marker = {SIMULATOR_ANNOTATION: SIMULATOR}
    return [
        {
            "apiVersion": API,
            "kind": "GatewayClass",
            "metadata": {"name": CLASS_NAME, "annotations": marker},
            "spec": {"controllerName": CONTROLLER_NAME},
        },
        {
            "apiVersion": "v1",
            "kind": "Namespace",
            "metadata": {"name": GATEWAY_NAMESPACE, "annotations": marker},
        },
        {
            "apiVersion": API,
            "kind": "Gateway",
            "metadata": {
                "name": GATEWAY_NAME,
                "namespace": GATEWAY_NAMESPACE,
                "labels": {"airunway.ai/inference-gateway": "true"},
                "annotations": marker,
            },
            "spec": {
                "gatewayClassName": CLASS_NAME,
                "listeners": [{"name": "http", "port": 80, "protocol": "HTTP"}],
            },
        },
    ]


class GatewaySimulator:
    """Keeps the statuses of our GatewayClass, its Gateways and the routes attached to them."""

    def __init__(self, kube: Kube, settings: SimSettings) -> None:
        self._kube = kube
        self._settings = settings
        self._queue: WorkQueue[tuple[str, str]] = WorkQueue(self.reconcile, workers=1)
        self._stop = asyncio.Event()

    def stop(self) -> None:
        """Ask :meth:`run` to return."""
        self._stop.set()

    async def install(self) -> None:
        """Create the GatewayClass and Gateway (idempotent: server-side apply).

        The Gateway is created once, not re-applied: its listeners belong to whoever edits them
        later (the AI Runway controller admits ModelDeployment namespaces there).
        """
        for obj in upstream_objects():
            meta = obj["metadata"]
            try:
                await self._kube.get(
                    obj["apiVersion"], obj["kind"], meta["name"], meta.get("namespace")
                )
            except NotFoundError:
                await self._kube.apply(obj, force=True)

    async def run(self) -> None:
        """Install, then watch and resync until :meth:`stop`."""
        delay = self._settings.reconnect_delay
        if self._settings.install_upstream:
            while not self._stop.is_set():
                try:
                    await self.install()
                    break
                except KubeError as exc:
                    log.warning("installing the simulated Gateway failed (retry): %s", exc)
                    await asyncio.sleep(delay)
                    delay = min(delay * 2, 30.0)
        delay = self._settings.reconnect_delay
        log.info("gateway simulator running (GatewayClass %s)", CLASS_NAME)
        async with asyncio.TaskGroup() as group:
            tasks = [group.create_task(self._queue.run())]
            tasks += [
                group.create_task(
                    watch_forever(
                        self._kube,
                        api,
                        kind,
                        None,
                        lambda _e, _o: self._queue.add(_ALL),
                        reconnect_delay=delay,
                    )
                )
                for api, kind in KINDS
            ]
            await self._stop.wait()
            for task in tasks:
                task.cancel()

    async def _list(self, api: str, kind: str) -> list[Manifest]:
        try:
            return await self._kube.list(api, kind)
        except NotFoundError:
            return []  # that CRD is not installed

    async def reconcile(self, _: tuple[str, str]) -> None:
        """Recompute every status we own and write those that changed."""
        now = datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
        classes = [
            c
            for c in await self._list(API, "GatewayClass")
            if (c.get("spec") or {}).get("controllerName") == CONTROLLER_NAME
        ]
        for gateway_class in classes:
            await self._write(gateway_class, class_status(gateway_class, now))
        ours = {c["metadata"]["name"] for c in classes}
        gateways = {
            (g["metadata"]["namespace"], g["metadata"]["name"]): g
            for g in await self._list(API, "Gateway")
            if (g.get("spec") or {}).get("gatewayClassName") in ours
        }
        attached: dict[tuple[str, str], dict[str, int]] = defaultdict(lambda: defaultdict(int))
        grants = await self._list(f"{GATEWAY_GROUP}/v1beta1", "ReferenceGrant")
        exists = {
            (kind, o["metadata"]["namespace"], o["metadata"]["name"])
            for api, kind in (
                ("inference.networking.k8s.io/v1", "InferencePool"),
                ("v1", "Service"),
            )
            for o in await self._list(api, kind)
        }
        labels = {
            n["metadata"]["name"]: n["metadata"].get("labels") or {}
            for n in await self._list("v1", "Namespace")
        }
        for route in await self._list(API, "HTTPRoute"):
            parents = self._route_parents(route, gateways, grants, exists, labels, attached, now)
            if parents:
                await self._write(route, {"parents": parents})
        for key, gateway in gateways.items():
            await self._write(gateway, gateway_status(gateway, attached[key], now))

    def _route_parents(
        self,
        route: Manifest,
        gateways: dict[tuple[str, str], Manifest],
        grants: list[Manifest],
        exists: set[tuple[str, str, str]],
        labels: dict[str, dict[str, str]],
        attached: dict[tuple[str, str], dict[str, int]],
        now: str,
    ) -> list[dict[str, Any]]:
        namespace = str(route["metadata"]["namespace"])
        generation = int(route["metadata"].get("generation") or 1)
        previous = {
            (p.get("parentRef") or {}).get("name"): p.get("conditions") or []
            for p in (route.get("status") or {}).get("parents") or []
        }
        resolved, reason, message = resolved_refs(route, grants, exists)
        parents = []
        for ref in (route.get("spec") or {}).get("parentRefs") or []:
            key = (ref.get("namespace") or namespace, ref["name"])
            gateway = gateways.get(key)
            if gateway is None or (ref.get("kind") or "Gateway") != "Gateway":
                continue
            listeners = admitting_listeners(
                gateway, ref.get("sectionName"), namespace, labels.get(namespace, {})
            )
            for listener in listeners:
                attached[key][listener] += 1
            prior = previous.get(ref["name"], [])
            accepted = condition(
                "Accepted",
                "True" if listeners else "False",
                "Accepted" if listeners else "NotAllowedByListeners",
                "Route accepted"
                if listeners
                else f"no listener of Gateway {key[0]}/{key[1]} admits HTTPRoutes from "
                f"namespace {namespace}",
                generation,
                prior,
                now,
            )
            refs = condition("ResolvedRefs", str(resolved), reason, message, generation, prior, now)
            parents.append(
                {
                    "parentRef": ref,
                    "controllerName": CONTROLLER_NAME,
                    "conditions": [accepted, refs],
                }
            )
        return parents

    async def _write(self, obj: Manifest, status: dict[str, Any]) -> None:
        current = obj.get("status") or {}
        if all(current.get(k) == v for k, v in status.items()):
            return
        meta = obj["metadata"]
        manifest = {
            "apiVersion": obj["apiVersion"],
            "kind": obj["kind"],
            "metadata": {
                "name": meta["name"],
                **({"namespace": meta["namespace"]} if meta.get("namespace") else {}),
            },
            "status": status,
        }
        try:
            await self._kube.apply_status(manifest, force=True)
        except KubeError as exc:
            log.warning("status of %s %s: %s", obj["kind"], meta["name"], exc)
