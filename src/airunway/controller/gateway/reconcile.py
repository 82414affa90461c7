"""The gateway step of the core reconcile (spec §4.4, §4.10), around the pure rules.

Runs for a ModelDeployment whose provider reports it Running.  Objects are applied with
server-side apply under the controller's field manager, so an edit of a field we set is reverted
on the next reconcile (drift), and each is controlled by the ModelDeployment, so deleting it
garbage-collects them.  The outcome for the status is a :class:`GatewayResult`; the status write
itself stays with the core decision, which owns ``GatewayReady`` and ``status.gateway``.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from airunway.api import (
    ANNOTATION_BBR_RESTARTED,
    ANNOTATION_DYNAMO_TEST_BACKEND,
    ANNOTATION_HTTPROUTE_CREATED,
    ANNOTATION_RESTARTED_AT,
    API_VERSION,
    DYNAMO_TEST_BACKEND_MOCKER,
    MODEL_DEPLOYMENT_KIND,
    ConditionReason,
    InferenceProviderConfig,
    ModelDeployment,
)
from airunway.controller.gateway import render, rules
from airunway.controller.gateway.detect import GatewayDetector
from airunway.controller.gateway.listeners import ListenerConflictError, update_namespaces
from airunway.controller.gateway.pods import discover, label_pods, serving_service
from airunway.controller.gateway.render import GatewayRef
from airunway.controller.gateway.result import GatewayResult
from airunway.kube.client import Kube, Manifest
from airunway.kube.errors import KubeError, NotFoundError

log = logging.getLogger(__name__)
BBR_DEPLOYMENT = "body-based-router"
POOL_RETRY_SECONDS = 5.0
CONFIGURED = "InferencePool and HTTPRoute created"
ROUTE_NOT_ALLOWED = "RouteNotAllowed"


@dataclass(frozen=True)
class GatewayConfig:
    """The controller's gateway settings."""

    gateway: GatewayRef | None = None
    epp_port: int = render.DEFAULT_EPP_PORT
    epp_image: str = render.DEFAULT_EPP_IMAGE
    patch_allowed_routes: bool = True
    model_discovery: bool = True


class _Failed(Exception):  # noqa: N818 - a step's outcome, not a bug
    """A step failed: ``GatewayReady`` False with this reason and message."""

    def __init__(self, reason: str, message: str) -> None:
        super().__init__(message)
        self.reason = reason


@dataclass
class _Context:
    md: ModelDeployment
    gateway: Manifest
    ref: GatewayRef
    provider: rules.ProviderGateway
    annotations: dict[str, str] = field(default_factory=dict)


def _uses_gateway(raw: dict[str, Any]) -> bool:
    """Whether a ModelDeployment (raw) may have routes: gateway not explicitly disabled."""
    gateway = (raw.get("spec") or {}).get("gateway") or {}
    return gateway.get("enabled") is not False and not raw["metadata"].get("deletionTimestamp")


def _false(reason: str, message: str) -> GatewayResult:
    return GatewayResult(condition=("False", reason, message))


class GatewayReconciler:
    """Creates, corrects and removes the gateway objects of ModelDeployments."""

    def __init__(self, kube: Kube, detector: GatewayDetector, config: GatewayConfig) -> None:
        self._kube = kube
        self.detector = detector
        self._config = config

    async def reconcile(
        self, md: ModelDeployment, configs: Sequence[InferenceProviderConfig]
    ) -> GatewayResult | None:
        """The gateway step for a Running ModelDeployment; None: nothing to record."""
        annotations = md.metadata.annotations or {}
        provider_name = md.spec.provider.name if md.spec.provider is not None else None
        if (
            annotations.get(ANNOTATION_DYNAMO_TEST_BACKEND) == DYNAMO_TEST_BACKEND_MOCKER
            and provider_name == "dynamo"
        ):
            return None
        enabled = md.spec.gateway.enabled if md.spec.gateway is not None else None
        if enabled is False:
            return await self.cleanup(md, configs)
        if not await self.detector.available():
            return (
                _false(
                    ConditionReason.CRDS_NOT_AVAILABLE,
                    "Gateway API Inference Extension CRDs are not installed in the cluster",
                )
                if enabled is True
                else None
            )
        return await self._with_gateway(md, configs)

    async def _with_gateway(
        self, md: ModelDeployment, configs: Sequence[InferenceProviderConfig]
    ) -> GatewayResult:
        annotations = md.metadata.annotations or {}
        try:
            gateways = await self._kube.list(*render.GATEWAY)
            ref = rules.choose_gateway(gateways, self._config.gateway)
        except rules.NoGatewayError as exc:
            return _false(ConditionReason.NO_GATEWAY, str(exc))
        except KubeError as exc:
            self.detector.invalidate()
            return _false(ConditionReason.NO_GATEWAY, f"failed to list gateways: {exc}")
        gateway = next(
            g
            for g in gateways
            if (g["metadata"]["name"], g["metadata"].get("namespace")) == (ref.name, ref.namespace)
        )
        ctx = _Context(md, gateway, ref, rules.provider_gateway(md, configs), dict(annotations))
        try:
            return await self._configure(ctx)
        except _Failed as exc:
            return _false(exc.reason, str(exc))

    async def _configure(self, ctx: _Context) -> GatewayResult:
        md = ctx.md
        await label_pods(self._kube, md, await serving_service(self._kube, md))
        await self._admit_namespace(ctx)
        if ctx.provider.manages_pool:
            pool = await self._provider_pool(ctx)
            if pool is None:
                return GatewayResult(retry_after=POOL_RETRY_SECONDS)
        else:
            pool = await self._default_pool(ctx)
            await self._epp(ctx)
        meta = pool["metadata"]
        discovered = (
            await discover(self._kube, md)
            if self._config.model_discovery and rules.needs_discovery(md, ctx.provider)
            else None
        )
        name = rules.model_name(md, ctx.provider, discovered)
        if not (md.spec.gateway and md.spec.gateway.http_route_ref):
            await self._route(ctx, name, (meta["name"], meta["namespace"]))
        status = {
            "endpoint": rules.gateway_address(ctx.gateway),
            "modelName": name,
            "gatewayNamespace": ctx.ref.namespace,
            "apiFormats": [str(f) for f in ctx.provider.api_formats],
        }
        return GatewayResult(
            condition=("True", ConditionReason.GATEWAY_CONFIGURED, CONFIGURED), status=status
        )

    # --- pods, namespace admission -----------------------------------------------------------

    async def _admit_namespace(self, ctx: _Context) -> None:
        """Make the Gateway accept routes from the ModelDeployment's namespace (§4.8)."""
        namespace = ctx.md.metadata.namespace or ""
        if namespace == ctx.ref.namespace or rules.admits_routes(ctx.gateway, namespace, {}):
            return
        if not self._config.patch_allowed_routes:
            raise _Failed(
                ROUTE_NOT_ALLOWED,
                f"Gateway {ctx.ref} does not allow HTTPRoutes from namespace {namespace} "
                "(spec.listeners[].allowedRoutes)",
            )
        try:
            written = await update_namespaces(self._kube, ctx.ref, namespace, admit=True)
        except (KubeError, ListenerConflictError) as exc:
            raise _Failed(
                ConditionReason.GATEWAY_PATCH_FAILED,
                f"patching Gateway allowedRoutes: reconciling Gateway allowedRoutes: {exc}",
            ) from exc
        if written is not None:
            ctx.gateway = written

    # --- pool, EPP, route ----------------------------------------------------------------------

    async def _default_pool(self, ctx: _Context) -> Manifest:
        md = ctx.md
        endpoint = md.status.endpoint if md.status is not None else None
        service = await serving_service(self._kube, md)
        port = rules.target_port(service, endpoint.port if endpoint else None)
        desired = render.inference_pool(md, port, self._config.epp_port)
        try:
            existed = await self._exists(
                *render.POOL, md.metadata.name or "", md.metadata.namespace
            )
            applied = await self._kube.apply(desired, force=True)
        except KubeError as exc:
            raise _Failed(
                ConditionReason.INFERENCE_POOL_FAILED,
                f"reconciling InferencePool: failed to create/update InferencePool: {exc.message}",
            ) from exc
        if not existed:
            await self._restart_bbr(ctx)
        return applied

    async def _provider_pool(self, ctx: _Context) -> Manifest | None:
        """The provider's own pool (None until it exists), with a grant when cross-namespace."""
        name, namespace = rules.pool_location(ctx.md, ctx.provider.capabilities)
        try:
            pool = await self._kube.get(*render.POOL, name, namespace)
        except NotFoundError:
            return None
        except KubeError as exc:
            raise _Failed(
                ConditionReason.INFERENCE_POOL_FAILED,
                f"failed to get provider-managed InferencePool {namespace}/{name}: {exc.message}",
            ) from exc
        if ctx.annotations.get(ANNOTATION_BBR_RESTARTED) != "true":
            await self._restart_bbr(ctx)
            await self._annotate(ctx.md, ANNOTATION_BBR_RESTARTED, "true")
        if namespace != ctx.md.metadata.namespace:
            try:
                await self._kube.apply(
                    render.reference_grant(pool, ctx.md.metadata.namespace or ""), force=True
                )
            except KubeError as exc:
                raise _Failed(
                    ConditionReason.INFERENCE_POOL_FAILED,
                    f"failed to create/update ReferenceGrant for InferencePool {namespace}/{name}: "
                    f"{exc.message}",
                ) from exc
        return pool

    async def _epp(self, ctx: _Context) -> None:
        caps = ctx.provider.capabilities
        picker = caps.endpoint_picker if caps is not None else None
        objects = render.epp_objects(
            ctx.md,
            image=(picker.image if picker else None) or self._config.epp_image,
            config_data=(picker.config_data if picker else None) or "",
            epp_port=self._config.epp_port,
        )
        if await self.detector.istio():
            objects.append(render.destination_rule(ctx.md, render.epp_name(ctx.md)))
        for obj in objects:
            try:
                await self._kube.apply(obj, force=True)
            except KubeError as exc:
                raise _Failed(
                    ConditionReason.EPP_FAILED,
                    f"reconciling EPP: failed to create/update EPP {obj['kind']}: {exc.message}",
                ) from exc

    async def _route(self, ctx: _Context, model: str, pool: tuple[str, str]) -> None:
        md = ctx.md
        name = md.metadata.name or ""
        try:
            existed = await self._exists(*render.ROUTE, name, md.metadata.namespace)
        except KubeError as exc:
            raise _Failed(
                ConditionReason.HTTPROUTE_FAILED, f"reconciling HTTPRoute: getting HTTPRoute: {exc}"
            ) from exc
        if not existed and ctx.annotations.get(ANNOTATION_HTTPROUTE_CREATED) == "true":
            return  # deleted by a user on purpose: not recreated until the gateway is re-enabled
        try:
            await self._kube.apply(render.http_route(md, ctx.ref, model, pool), force=True)
        except KubeError as exc:
            verb = "update" if existed else "create"
            raise _Failed(
                ConditionReason.HTTPROUTE_FAILED,
                f"reconciling HTTPRoute: failed to {verb} HTTPRoute: {exc.message}",
            ) from exc
        if not existed:
            await self._annotate(md, ANNOTATION_HTTPROUTE_CREATED, "true")

    # --- helpers --------------------------------------------------------------------------------

    async def _exists(self, api: str, kind: str, name: str, namespace: str | None) -> bool:
        try:
            await self._kube.get(api, kind, name, namespace)
        except NotFoundError:
            return False
        return True

    async def _annotate(self, md: ModelDeployment, key: str, value: str | None) -> None:
        """Set (or, with None, drop) one of the core's own ModelDeployment annotations."""
        annotations = dict(md.metadata.annotations or {})
        keys = {ANNOTATION_HTTPROUTE_CREATED, ANNOTATION_BBR_RESTARTED}
        mine = {k: v for k, v in annotations.items() if k in keys}
        if value is None:
            mine.pop(key, None)
        else:
            mine[key] = value
        meta = {"name": md.metadata.name, "namespace": md.metadata.namespace, "annotations": mine}
        manifest = {"apiVersion": API_VERSION, "kind": MODEL_DEPLOYMENT_KIND, "metadata": meta}
        try:
            await self._kube.apply(manifest, force=True)
        except KubeError as exc:
            log.warning("annotating %s/%s failed: %s", md.metadata.namespace, md.metadata.name, exc)

    async def _restart_bbr(self, ctx: _Context) -> None:
        """Restart the body-based router so it learns the new pool (errors only logged)."""
        explicit = self._config.gateway is not None
        namespace = rules.bbr_namespace(ctx.gateway, explicit=explicit)
        try:
            if not await self._exists("apps/v1", "Deployment", BBR_DEPLOYMENT, namespace):
                return
        except KubeError as exc:
            log.warning("reading body-based-router: %s", exc)
            return
        stamp = dt.datetime.now(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
        template: dict[str, Any] = {"metadata": {"annotations": {ANNOTATION_RESTARTED_AT: stamp}}}
        manifest = {
            "apiVersion": "apps/v1",
            "kind": "Deployment",
            "metadata": {"name": BBR_DEPLOYMENT, "namespace": namespace},
            "spec": {"template": template},
        }
        try:
            await self._kube.apply(manifest, force=True)
        except KubeError as exc:
            log.warning("patching body-based-router: %s", exc)

    async def release_namespace(self, namespace: str, others: Sequence[dict[str, Any]]) -> None:
        """Stop admitting ``namespace`` on the Gateway once no ModelDeployment there uses it.

        ``others``: the ModelDeployments (raw) still in the namespace.  Best effort (§4.8):
        failures are logged, the next deletion or disable tries again.
        """
        if not self._config.patch_allowed_routes or any(_uses_gateway(o) for o in others):
            return
        try:
            if not await self.detector.available():
                return
            ref = rules.choose_gateway(await self._kube.list(*render.GATEWAY), self._config.gateway)
            if namespace == ref.namespace:
                return
            if await update_namespaces(self._kube, ref, namespace, admit=False) is not None:
                log.info("Gateway %s no longer admits routes from %s", ref, namespace)
        except (KubeError, rules.NoGatewayError, ListenerConflictError) as exc:
            log.warning("releasing namespace %s on the Gateway failed: %s", namespace, exc)

    async def cleanup(
        self, md: ModelDeployment, configs: Sequence[InferenceProviderConfig]
    ) -> GatewayResult:
        """``enabled: false``: remove what the core created; the route comes back on re-enable."""
        provider = rules.provider_gateway(md, configs)
        name, namespace = md.metadata.name or "", md.metadata.namespace
        doomed: list[tuple[str, str, str]] = []
        if not provider.manages_pool:
            doomed.append((*render.POOL, name))
        if not (md.spec.gateway and md.spec.gateway.http_route_ref):
            doomed.append((*render.ROUTE, name))
        if not provider.manages_pool:
            epp = render.epp_name(md)
            epp_set = render.epp_objects(md, image="", config_data="", epp_port=1)
            doomed.extend((obj["apiVersion"], obj["kind"], epp) for obj in epp_set)
            if await self.detector.istio():
                doomed.append((*render.DESTINATION_RULE, epp))
        for api, kind, obj_name in doomed:
            try:
                await self._kube.delete(api, kind, obj_name, namespace, background=True)
            except NotFoundError:
                continue  # the kind itself is not served: nothing of it can exist
            except KubeError as exc:
                log.warning("deleting %s %s/%s failed: %s", kind, namespace, obj_name, exc)
        if (md.metadata.annotations or {}).get(ANNOTATION_HTTPROUTE_CREATED) == "true":
            await self._annotate(md, ANNOTATION_HTTPROUTE_CREATED, None)
        return GatewayResult(
            condition=("False", ConditionReason.GATEWAY_DISABLED, "Gateway resources cleaned up"),
            clear=True,
        )
