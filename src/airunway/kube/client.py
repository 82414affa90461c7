"""One typed door to the Kubernetes API: dicts in, dicts out, our errors, SSA by field manager.

Callers pass and receive plain manifests (``dict``) so that pure code (transforms, status
mappers, golden files) never depends on a client library's classes.  Each :class:`Kube` carries
the field manager of the process that owns it, so every write is a server-side apply that
Kubernetes can attribute and conflict-check per controller.

A client may carry a :class:`~airunway.kube.retry.RetryPolicy` (the backend's do): then every
request-response call repeats transient failures by it, in this one place.  Watches are not
retried here (their consumers re-list and re-watch).
"""

from __future__ import annotations

import time
from collections.abc import AsyncIterator, Mapping
from pathlib import Path
from typing import Any

import httpx2
from lightkube import AsyncClient, KubeConfig
from lightkube.config.models import User
from lightkube.core.exceptions import LoadResourceError
from lightkube.core.resource import NamespacedResource
from lightkube.core.resource_registry import resource_registry
from lightkube.types import CascadeType

from airunway.kube.errors import (
    NotFoundError,
    UnavailableError,
    aconverted,
    from_status_response,
)
from airunway.kube.generic import GENERIC, generic_class
from airunway.kube.retry import RetryPolicy, retried
from airunway.kube.wait import WaitTimeoutError, wait_for

Manifest = dict[str, Any]


#: The API server gives up on a request after its own --request-timeout (one minute by default);
#: a shorter client timeout turns a busy server's slow answer into a spurious failure (the
#: client library's default is 10 s).  Connecting is still bounded tightly.
REQUEST_TIMEOUT = httpx2.Timeout(60.0, connect=10.0)


def _client(config: Any, field_manager: str) -> AsyncClient:  # noqa: ANN401 - lightkube config
    return AsyncClient(
        config=config, field_manager=field_manager, trust_env=False, timeout=REQUEST_TIMEOUT
    )


class Kube:
    """An async Kubernetes client bound to one identity and one field manager."""

    def __init__(
        self, client: AsyncClient, field_manager: str, retry: RetryPolicy | None = None
    ) -> None:
        self._client = client
        self.field_manager = field_manager
        self.retry = retry

    def with_retry(self, retry: RetryPolicy | None) -> Kube:
        """The same connection and identity with another retry policy (None: no retries).

        The connection pool is shared: close only the client it was first built for.
        """
        return Kube(self._client, self.field_manager, retry)

    @classmethod
    def from_kubeconfig(cls, path: Path, *, field_manager: str, token: str | None = None) -> Kube:
        """Connect with a kubeconfig file; with ``token``, act as that bearer token's user."""
        config = KubeConfig.from_file(str(path)).get()
        if config is None:
            raise NotFoundError(f"kubeconfig {path} has no current context")
        if token is not None:
            config = config._replace(user=User(token=token))
        return cls(_client(config, field_manager), field_manager)

    @classmethod
    def connect(cls, kubeconfig: Path | None, *, field_manager: str) -> Kube:
        """Connect with ``kubeconfig``, or in-cluster / ``$KUBECONFIG`` / ``~/.kube/config``."""
        if kubeconfig is not None:
            return cls.from_kubeconfig(kubeconfig, field_manager=field_manager)
        return cls(_client(KubeConfig.from_env(), field_manager), field_manager)

    def for_token(self, token: str, *, field_manager: str | None = None) -> Kube:
        """A client for the same API server (and CA) acting as ``token``'s user.

        The token is passed through, not impersonated: the API server authenticates and
        authorizes every call as that user, so their own RBAC decides what they may do.
        """
        config = self._client._client.config  # noqa: SLF001 - lightkube keeps its config here
        if config is None:
            raise NotFoundError("this client has no configuration to derive a token client from")
        manager = field_manager or self.field_manager
        client = _client(config._replace(user=User(token=token)), manager)
        return Kube(client, manager, self.retry)

    @property
    def context_name(self) -> str | None:
        """The kubeconfig context this client was built from (None in-cluster)."""
        config = self._client._client.config  # noqa: SLF001 - lightkube keeps its config here
        name = getattr(config, "context_name", None)
        return str(name) if name else None

    async def close(self) -> None:
        """Release the connection pool."""
        await self._client.close()

    async def _resource(self, api_version: str, kind: str) -> Any:  # noqa: ANN401 - lightkube class
        """A dict-backed resource class for any kind: built-ins and custom kinds alike.

        Dict-backed (generic) classes send exactly the manifest we give them, which server-side
        apply needs (a partial object is a valid apply configuration but not a valid typed
        model), and return plain JSON.
        """
        cached = GENERIC.get((api_version, kind))
        if cached is not None:
            return cached
        group, _, version = api_version.rpartition("/")
        try:
            typed = resource_registry.load(api_version, kind)
        except LoadResourceError:
            plural, namespaced = await self._discover(api_version, kind)
        else:
            plural = typed._api_info.plural  # noqa: SLF001 - lightkube's resource metadata
            namespaced = issubclass(typed, NamespacedResource)
        return generic_class(group, version, kind, plural, namespaced=namespaced)

    async def _discover(self, api_version: str, kind: str) -> tuple[str, bool]:
        """Plural and scope of a custom kind through API discovery (no CRD read rights)."""
        try:
            listing = await self.raw_get(f"/apis/{api_version}")
        except UnavailableError as exc:
            raise NotFoundError(f"the API {api_version} is not served by this cluster") from exc
        for item in listing.get("resources", []):
            if item.get("kind") == kind and "/" not in item.get("name", "/"):
                return str(item["name"]), bool(item.get("namespaced"))
        raise NotFoundError(f"the API {api_version} {kind} is not served by this cluster")

    async def _obj(self, manifest: Mapping[str, Any]) -> Any:  # noqa: ANN401 - lightkube object
        res = await self._resource(manifest["apiVersion"], manifest["kind"])
        return res.from_dict(dict(manifest))

    @retried(idempotent=True)
    async def apply(
        self, manifest: Mapping[str, Any], *, force: bool = False, dry_run: bool = False
    ) -> Manifest:
        """Server-side apply ``manifest`` under this client's field manager."""
        obj = await self._obj(manifest)
        meta = manifest.get("metadata", {})
        async with aconverted():
            result = await self._client.apply(
                obj,
                name=meta.get("name"),
                namespace=meta.get("namespace"),
                field_manager=self.field_manager,
                force=force,
                dry_run=dry_run,
            )
        return dict(result.to_dict())

    @retried(idempotent=False)  # conditional on a resourceVersion when it carries one
    async def apply_status(
        self, manifest: Mapping[str, Any], *, force: bool = True, dry_run: bool = False
    ) -> Manifest:
        """Server-side apply to the ``status`` subresource; only the fields in ``manifest``.

        Put ``metadata.resourceVersion`` in ``manifest`` to make the write conditional on the
        object not having changed since it was read (a 409 otherwise).
        """
        res = await self._resource(manifest["apiVersion"], manifest["kind"])
        meta = manifest.get("metadata", {})
        obj = res.Status.from_dict(dict(manifest))
        async with aconverted():
            result = await self._client.apply(
                obj,
                meta["name"],
                namespace=meta.get("namespace"),
                field_manager=self.field_manager,
                force=force,
                dry_run=dry_run,
            )
        return dict(result.to_dict())

    @retried(idempotent=False)  # conditional on the resourceVersion read
    async def replace(self, manifest: Mapping[str, Any]) -> Manifest:
        """Replace a whole object (PUT) under this client's field manager.

        For removing fields that another field manager set: an apply only ever removes fields
        that its own manager owns.  ``manifest`` must be the full object as read, with its
        ``metadata.resourceVersion``, which makes the write conditional (a 409
        :class:`ConflictError` if the object changed since it was read).
        """
        obj = await self._obj(manifest)
        meta = manifest.get("metadata", {})
        async with aconverted():
            result = await self._client.replace(
                obj,
                meta.get("name"),
                namespace=meta.get("namespace"),
                field_manager=self.field_manager,
            )
        return dict(result.to_dict())

    @retried(idempotent=True)
    async def get(
        self, api_version: str, kind: str, name: str, namespace: str | None = None
    ) -> Manifest:
        """Read one object."""
        res = await self._resource(api_version, kind)
        async with aconverted():
            obj = await self._client.get(res, name, namespace=namespace)
        return dict(obj.to_dict())

    @retried(idempotent=True)
    async def list(
        self,
        api_version: str,
        kind: str,
        namespace: str | None = None,
        labels: Mapping[str, str] | None = None,
        fields: Mapping[str, str] | None = None,
    ) -> list[Manifest]:
        """List objects (in all namespaces when ``namespace`` is None for namespaced kinds)."""
        res = await self._resource(api_version, kind)
        kwargs = _selection(res, namespace, labels, fields)
        async with aconverted():
            return [dict(o.to_dict()) async for o in self._client.list(res, **kwargs)]

    @retried(idempotent=False)
    async def create(self, manifest: Mapping[str, Any]) -> Manifest:
        """Create an object that must not exist yet (used where create-only semantics matter)."""
        obj = await self._obj(manifest)
        async with aconverted():
            result = await self._client.create(obj)
        return dict(result.to_dict())

    @retried(idempotent=True)  # a repeat finds the object gone, which is not an error
    async def delete(
        self,
        api_version: str,
        kind: str,
        name: str,
        namespace: str | None = None,
        *,
        background: bool = False,
    ) -> None:
        """Delete one object; a missing object is not an error.

        ``background`` asks for background propagation: a Job's pods go with it (batch/v1
        otherwise orphans them).
        """
        res = await self._resource(api_version, kind)
        kwargs: dict[str, Any] = {"cascade": CascadeType.BACKGROUND} if background else {}
        try:
            async with aconverted():
                await self._client.delete(res, name, namespace=namespace, **kwargs)
        except NotFoundError:
            return

    async def watch(
        self,
        api_version: str,
        kind: str,
        namespace: str | None = None,
        *,
        labels: Mapping[str, str | None] | None = None,
        fields: Mapping[str, str] | None = None,
    ) -> AsyncIterator[tuple[str, Manifest]]:
        """Yield ``(event type, object)`` for changes of a kind, selected by the server.

        A label whose value is None selects objects that carry it, with any value.
        """
        res = await self._resource(api_version, kind)
        kwargs = _selection(res, namespace, labels, fields)
        async with aconverted():
            async for event, obj in self._client.watch(res, **kwargs):
                yield event, dict(obj.to_dict())

    async def wait_condition(
        self,
        api_version: str,
        kind: str,
        name: str,
        condition: str,
        *,
        namespace: str | None = None,
        timeout: float = 60.0,
    ) -> Manifest:
        """Wait until ``status.conditions[type=condition]`` is True, within ``timeout``."""
        seen: dict[str, Manifest] = {}

        async def holds() -> bool:
            try:
                obj = await self.get(api_version, kind, name, namespace)
            except NotFoundError:
                return False
            seen["obj"] = obj
            conditions = (obj.get("status") or {}).get("conditions") or []
            return any(c.get("type") == condition and c.get("status") == "True" for c in conditions)

        try:
            await wait_for(holds, timeout=timeout, what=f"{kind} {name} condition {condition}")
        except WaitTimeoutError as exc:
            raise UnavailableError(str(exc)) from exc
        return seen["obj"]

    @retried(idempotent=True)
    async def raw_get(self, path: str) -> Any:  # noqa: ANN401 - JSON of any shape
        """GET a non-resource path such as ``/version`` or ``/readyz``."""
        http = self._client._client._client  # noqa: SLF001 - lightkube keeps its httpx client here
        async with aconverted():
            response = await http.get(path)
        if response.status_code >= 400:  # noqa: PLR2004
            raise UnavailableError(
                f"GET {path} answered {response.status_code}: {response.text}",
                status=response.status_code,
            )
        content_type = response.headers.get("content-type", "")
        return response.json() if "json" in content_type else response.text

    @retried(idempotent=True)
    async def raw_get_checked(self, path: str, params: Mapping[str, str] | None = None) -> str:
        """GET a resource path (a subresource such as ``pods/log``, a service proxy) as text.

        Failures are our typed errors with Kubernetes' own message (a Status body) kept.
        """
        http = self._client._client._client  # noqa: SLF001 - lightkube keeps its httpx client here
        async with aconverted():
            response = await http.get(path, params=dict(params or {}))
        if response.status_code >= 400:  # noqa: PLR2004
            raise from_status_response(response.status_code, response.text, response.headers)
        return str(response.text)

    async def pod_log(
        self,
        name: str,
        namespace: str,
        *,
        container: str | None = None,
        tail_lines: int | None = None,
        timestamps: bool = False,
    ) -> str:
        """The log of one container of a pod (the ``pods/log`` subresource)."""
        params: dict[str, str] = {}
        if container:
            params["container"] = container
        if tail_lines is not None:
            params["tailLines"] = str(tail_lines)
        if timestamps:
            params["timestamps"] = "true"
        return await self.raw_get_checked(f"/api/v1/namespaces/{namespace}/pods/{name}/log", params)


def deadline(seconds: float) -> float:
    """A monotonic deadline ``seconds`` from now, for condition loops."""
    return time.monotonic() + seconds


def _selection(
    res: Any,  # noqa: ANN401 - a lightkube resource class
    namespace: str | None,
    labels: Mapping[str, str | None] | None,
    fields: Mapping[str, str] | None,
) -> dict[str, Any]:
    """The list/watch arguments: namespace (all when None) and server-side selectors."""
    kwargs: dict[str, Any] = {
        "labels": dict(labels) if labels else None,
        "fields": dict(fields) if fields else None,
    }
    if issubclass(res, NamespacedResource):
        kwargs["namespace"] = namespace if namespace is not None else "*"
    return kwargs
