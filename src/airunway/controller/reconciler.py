"""Reconcile one ModelDeployment: read it, decide (pure), write status, record events, metrics.

The decisions live in :mod:`airunway.controller.decide`; this module is the I/O around it.
Status is written with server-side apply under the controller's own field manager and only with
the fields the core owns, so provider-written fields are never clobbered; the read
resourceVersion goes with the write, so a decision made on a stale read is retried instead of
overwriting a newer provider update.
"""

from __future__ import annotations

import datetime as dt
import logging
import time
from collections.abc import Callable
from typing import Any

from pydantic import ValidationError

from airunway.api import (
    ANNOTATION_RECONCILE_PAUSED,
    API_VERSION,
    MODEL_DEPLOYMENT_KIND,
    InferenceProviderConfig,
    ModelDeployment,
)
from airunway.controller.decide import Outcome, decide
from airunway.controller.gateway.reconcile import GatewayReconciler
from airunway.controller.gateway.result import GatewayResult
from airunway.controller.ipc_rules import rule_problems
from airunway.controller.metrics import ControllerMetrics
from airunway.controller.settings import ControllerSettings
from airunway.controller.store import MDKey, Store
from airunway.kube.client import Kube
from airunway.kube.errors import ConflictError, KubeError, NotFoundError
from airunway.runtime.events import EventRecorder, EventSpec

log = logging.getLogger(__name__)


class Reconciler:
    """The core reconcile loop body, one object at a time."""

    def __init__(
        self,
        kube: Kube,
        store: Store,
        recorder: EventRecorder,
        metrics: ControllerMetrics,
        settings: ControllerSettings,
        gateway: GatewayReconciler | None = None,
        requeue_after: Callable[[MDKey, float], None] | None = None,
    ) -> None:
        self._kube = kube
        self._gateway = gateway
        self._requeue_after = requeue_after
        self._store = store
        self._recorder = recorder
        self._metrics = metrics
        self._settings = settings
        self._invalid_configs: dict[str, str] = {}

    def usable_configs(self) -> list[InferenceProviderConfig]:
        """Provider configs in name order, without those whose selection rules are broken.

        A config whose heartbeat is older than ``heartbeat_timeout`` is presented as not ready:
        its provider died without unregistering, and must not be selected.
        """
        now = dt.datetime.now(dt.UTC)
        limit = dt.timedelta(seconds=self._settings.heartbeat_timeout)
        usable = []
        for config in self._store.sorted_configs():
            if config.metadata.name in self._invalid_configs:
                continue
            status = config.status
            beat = status.last_heartbeat if status is not None else None
            if status is not None and status.ready and beat is not None and now - beat > limit:
                stale = status.model_copy(update={"ready": False})
                config = config.model_copy(update={"status": stale})  # noqa: PLW2901
            usable.append(config)
        return usable

    async def reconcile(self, key: MDKey) -> None:
        """Bring one ModelDeployment's core status up to date."""
        namespace, name = key
        raw = self._store.bodies.get(key)
        if raw is None:
            try:
                raw = await self._kube.get(API_VERSION, MODEL_DEPLOYMENT_KIND, name, namespace)
            except NotFoundError:
                self._metrics.forget(key)
                await self._release_namespace(namespace)
                return
        meta = raw.get("metadata", {})
        if meta.get("deletionTimestamp"):
            return
        if (meta.get("annotations") or {}).get(ANNOTATION_RECONCILE_PAUSED) == "true":
            return
        started = time.monotonic()
        configs = self.usable_configs()
        gateway = await self._gateway_step(key, raw, configs)
        outcome = decide(
            raw,
            configs,
            enable_selector=self._settings.enable_provider_selector,
            now=dt.datetime.now(dt.UTC),
            gateway=gateway,
        )
        provider = outcome.provider
        try:
            if outcome.status_changed:
                try:
                    await self._write_status(raw, outcome)
                except ConflictError:
                    # decided on a stale body: read it fresh on the retry
                    self._store.bodies.pop(key, None)
                    raise
            for event in outcome.events:
                await self._recorder.record(raw, event)
        finally:
            if outcome.has_provider_status:
                self._metrics.duration.labels(provider).observe(time.monotonic() - started)
                if outcome.error_type:
                    self._metrics.observe_error(provider, outcome.error_type)
        self._metrics.observe(
            key,
            provider=provider,
            phase=outcome.phase,
            replicas=outcome.replicas,
            selected_reason=outcome.selected_reason,
            created=_timestamp(meta.get("creationTimestamp")),
        )

    async def _release_namespace(self, namespace: str) -> None:
        """The deployment is gone: the Gateway may stop admitting its namespace (§4.8)."""
        if self._gateway is None:
            return
        others = [body for (ns, _), body in self._store.bodies.items() if ns == namespace]
        await self._gateway.release_namespace(namespace, others)

    async def _gateway_step(
        self, key: MDKey, raw: dict[str, Any], configs: list[InferenceProviderConfig]
    ) -> GatewayResult | None:
        """Step 14 (only while Running): the gateway objects; the status part goes to decide."""
        if self._gateway is None or (raw.get("status") or {}).get("phase") != "Running":
            return None
        try:
            md = ModelDeployment.model_validate(raw)
        except ValidationError:
            return None  # decide() fails the object with the reason
        result = await self._gateway.reconcile(md, configs)
        if result is not None and result.clear:
            await self._release_namespace(key[0])
        if result is not None and result.retry_after and self._requeue_after is not None:
            self._requeue_after(key, result.retry_after)
        return result

    async def _write_status(self, raw: dict[str, Any], outcome: Outcome) -> None:
        """SSA the core's status fields; remember the version written (its echo is skipped)."""
        meta = raw["metadata"]
        manifest = {
            "apiVersion": API_VERSION,
            "kind": MODEL_DEPLOYMENT_KIND,
            "metadata": {
                "name": meta["name"],
                "namespace": meta["namespace"],
                "resourceVersion": meta["resourceVersion"],
            },
            "status": outcome.status,
        }
        self._store.own_writes.record(await self._kube.apply_status(manifest, force=True))

    def check_config(self, body: dict[str, Any]) -> bool:
        """Track configs whose selection rules do not compile; True when that changed.

        A config with a broken rule is left out of provider selection altogether (an operator
        who wrote a rule meant it to constrain selection; ignoring just that rule could route
        deployments to a provider that was meant to be excluded), and says so in its status.
        """
        name = str(body["metadata"]["name"])
        problems = rule_problems(body)
        before = self._invalid_configs.get(name)
        if problems:
            if before != problems:
                log.warning("InferenceProviderConfig %s: invalid rules: %s", name, problems)
            self._invalid_configs[name] = problems
        else:
            self._invalid_configs.pop(name, None)
        return before != (problems or None)

    async def publish_config_validity(self, body: dict[str, Any]) -> None:
        """Write the SelectionRulesValid condition of a config (and an Event when it breaks)."""
        name = str(body["metadata"]["name"])
        problems = self._invalid_configs.get(name)
        current = {
            c.get("type"): c for c in ((body.get("status") or {}).get("conditions") or [])
        }.get("SelectionRulesValid")
        status = "False" if problems else "True"
        if current is not None and current.get("status") == status:
            return
        now = dt.datetime.now(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
        condition = {
            "type": "SelectionRulesValid",
            "status": status,
            "reason": "InvalidSelectionRule" if problems else "RulesCompiled",
            "message": problems or "All selection rules compile",
            "lastTransitionTime": now,
            "observedGeneration": body["metadata"].get("generation", 0),
        }
        manifest = {
            "apiVersion": API_VERSION,
            "kind": "InferenceProviderConfig",
            "metadata": {"name": name},
            "status": {"conditions": [condition]},
        }
        try:
            await self._kube.apply_status(manifest, force=True)
        except KubeError as exc:
            log.warning("could not write the status of InferenceProviderConfig %s: %s", name, exc)
        if problems:
            await self._recorder.record(
                body,
                EventSpec(
                    "Warning",
                    "InvalidSelectionRule",
                    f"skipped in provider selection: {problems}",
                ),
            )


def _timestamp(value: str | None) -> float | None:
    if not value:
        return None
    return dt.datetime.fromisoformat(value).timestamp()
