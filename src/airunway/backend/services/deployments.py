"""ModelDeployments for the REST API (spec §9): list, get, preview, create, delete.

Every call uses the caller's client (their own token when auth is on), so what a person sees
and may change is exactly what Kubernetes RBAC grants them.  A cross-namespace list the caller
may not make falls back to the namespaces where a SelfSubjectAccessReview says they may list,
so no listing leaks another namespace.
"""

from __future__ import annotations

import asyncio
import gzip
from dataclasses import dataclass, field
from typing import Any

from pydantic import ValidationError

from airunway.api import API_VERSION, MODEL_DEPLOYMENT_KIND
from airunway.backend.errors import InvalidInputError, ResourceMissingError
from airunway.backend.schemas.deployment_config import DeploymentConfig
from airunway.backend.schemas.deployments import (
    DeploymentList,
    DeploymentStatus,
    ManifestResource,
    Manifests,
    Pagination,
    ResourceKind,
)
from airunway.backend.services import builder, provider_check, workloads
from airunway.backend.services.md_status import deployment_status
from airunway.backend.state import BackendState
from airunway.kube.client import Kube
from airunway.kube.errors import ForbiddenError, KubeError, NotFoundError

PRIMARY = ResourceKind(kind=MODEL_DEPLOYMENT_KIND, api_version=API_VERSION)
MAX_RENDERED = 32


def prefixed(exc: KubeError, prefix: str) -> KubeError:
    """The same Kubernetes failure (type, status, reason) with ``prefix`` before its message."""
    return type(exc)(f"{prefix}: {exc.message}", reason=exc.reason, status=exc.status)


async def get_md(
    kube: Kube, name: str, namespace: str, missing: str | None = None
) -> dict[str, Any]:
    """One ModelDeployment as the caller sees it; 404 in our format when it is not there."""
    try:
        return await kube.get(API_VERSION, MODEL_DEPLOYMENT_KIND, name, namespace)
    except NotFoundError as exc:
        raise ResourceMissingError(
            missing or "Deployment not found", details={"name": name}
        ) from exc


async def _allowed_namespaces(state: BackendState, kube: Kube) -> list[str]:
    """Namespaces where the caller may list ModelDeployments (SelfSubjectAccessReview)."""
    namespaces = [n["metadata"]["name"] for n in await state.kube.list("v1", "Namespace")]

    async def allowed(namespace: str) -> bool:
        review = await kube.create(
            {
                "apiVersion": "authorization.k8s.io/v1",
                "kind": "SelfSubjectAccessReview",
                "spec": {
                    "resourceAttributes": {
                        "namespace": namespace,
                        "verb": "list",
                        "group": "airunway.ai",
                        "resource": "modeldeployments",
                    }
                },
            }
        )
        return bool((review.get("status") or {}).get("allowed"))

    answers = await asyncio.gather(*(allowed(n) for n in namespaces))
    return [n for n, ok in zip(namespaces, answers, strict=True) if ok]


async def _list_in(
    kube: Kube, namespace: str | None
) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    mds, pods = await asyncio.gather(
        kube.list(API_VERSION, MODEL_DEPLOYMENT_KIND, namespace),
        workloads.list_pods(kube, namespace),
    )
    return mds, pods


@dataclass
class ListSnapshot:
    """One read of the deployments a caller may see, and its pages as rendered once."""

    items: list[DeploymentStatus]
    bodies: dict[tuple[int | None, int, bool], bytes] = field(default_factory=dict)

    def page(self, limit: int | None, offset: int) -> DeploymentList:
        """A page, newest first, with the pagination the reference returns."""
        total = len(self.items)
        page = self.items[offset : offset + limit] if limit is not None else self.items[offset:]
        return DeploymentList(
            deployments=page,
            pagination=Pagination(
                total=total,
                limit=limit if limit is not None else total,
                offset=offset,
                has_more=offset + len(page) < total,
            ),
        )

    def body(self, limit: int | None, offset: int, *, gzipped: bool) -> bytes:
        """The page as JSON (gzip-compressed when asked), rendered once per snapshot."""
        key = (limit, offset, gzipped)
        cached = self.bodies.get(key)
        if cached is not None:
            return cached
        text = self.page(limit, offset).model_dump_json(by_alias=True, exclude_none=True)
        body = gzip.compress(text.encode(), compresslevel=5) if gzipped else text.encode()
        if len(self.bodies) >= MAX_RENDERED:
            self.bodies.clear()
        self.bodies[key] = body
        return body


async def list_deployments(
    state: BackendState, kube: Kube, caller: str, namespace: str | None
) -> ListSnapshot:
    """All deployments the caller may see (in ``namespace``, or everywhere), newest first."""
    snapshot: ListSnapshot = await state.lists.get(
        (caller, namespace), lambda: _snapshot(state, kube, namespace)
    )
    return snapshot


async def _snapshot(state: BackendState, kube: Kube, namespace: str | None) -> ListSnapshot:
    mds, pods = await _read_all(state, kube, namespace)
    # in the loop: a worker thread measured slower here (it contends for the GIL with the loop)
    return _build_snapshot(mds, pods)


def _build_snapshot(mds: list[dict[str, Any]], pods: list[dict[str, Any]]) -> ListSnapshot:
    snapshot = ListSnapshot(statuses(mds, pods))
    snapshot.body(None, 0, gzipped=True)  # the UI's request, rendered ahead
    return snapshot


def statuses(mds: list[dict[str, Any]], pods: list[dict[str, Any]]) -> list[DeploymentStatus]:
    """Every deployment's status with its pods, newest first."""
    index = workloads.PodIndex(pods)
    items = [deployment_status(md, index.pods_of(md)) for md in mds]
    items.sort(key=lambda d: d.created_at, reverse=True)
    return items


async def _read_all(
    state: BackendState, kube: Kube, namespace: str | None
) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    if namespace is not None:
        mds, pods = await _list_in(kube, namespace)
    else:
        try:
            mds, pods = await _list_in(kube, None)
        except ForbiddenError:
            mds, pods = [], []
            for ns in await _allowed_namespaces(state, kube):
                more, more_pods = await _list_in(kube, ns)
                mds += more
                pods += more_pods
    return mds, pods


async def get_deployment(kube: Kube, name: str, namespace: str) -> DeploymentStatus:
    """One deployment with its pods."""
    md = await get_md(kube, name, namespace)
    pods = workloads.PodIndex(await workloads.list_pods(kube, namespace)).pods_of(md)
    return deployment_status(md, pods)


async def manifest(kube: Kube, name: str, namespace: str) -> Manifests:
    """The stored object, status included."""
    md = await get_md(kube, name, namespace, "Deployment manifest not found")
    return Manifests(
        resources=[
            ManifestResource(
                kind=MODEL_DEPLOYMENT_KIND, api_version=API_VERSION, name=name, manifest=md
            )
        ],
        primary_resource=PRIMARY,
    )


def build(config: DeploymentConfig, namespace: str) -> dict[str, Any]:
    """The manifest for ``config``; a config the API model rejects is a 400."""
    try:
        return builder.build_manifest(config, namespace)
    except ValidationError as exc:
        issues = [
            {"path": ".".join(str(p) for p in e["loc"]), "message": e["msg"]} for e in exc.errors()
        ]
        first = issues[0] if issues else {"path": "", "message": "invalid"}
        message = (
            f"The deployment is not a valid ModelDeployment: {first['path']}: {first['message']}"
        )
        raise InvalidInputError(message, details={"issues": issues}) from exc


async def preview(kube: Kube, config: DeploymentConfig, namespace: str) -> Manifests:
    """What ``create`` would send, with storage defaults filled in; nothing is written."""
    config = builder.resolve_kaito_image(config)
    await provider_check.check(kube, config)
    md = build(builder.with_storage_defaults(config), namespace)
    return Manifests(
        resources=[
            ManifestResource(
                kind=MODEL_DEPLOYMENT_KIND, api_version=API_VERSION, name=config.name, manifest=md
            )
        ],
        primary_resource=PRIMARY,
    )


async def create(
    state: BackendState, kube: Kube, config: DeploymentConfig, namespace: str
) -> tuple[str, list[str]]:
    """Create the ModelDeployment as the caller; returns its name and GPU-fit warnings."""
    config = builder.resolve_kaito_image(config)
    await provider_check.check(kube, config)
    md = build(config, namespace)
    warnings = await provider_check.gpu_warnings(kube, config)
    try:
        await kube.create(md)
    except KubeError as exc:
        raise prefixed(exc, "Failed to create deployment") from exc
    finally:
        state.lists.clear()
    return config.name, warnings


async def delete(state: BackendState, kube: Kube, name: str, namespace: str) -> None:
    """Delete as the caller; 404 when it is not there (or not visible to them)."""
    await get_md(kube, name, namespace, f"Deployment '{name}' not found in namespace '{namespace}'")
    try:
        await kube.delete(API_VERSION, MODEL_DEPLOYMENT_KIND, name, namespace)
    except KubeError as exc:
        raise prefixed(exc, "Failed to delete deployment") from exc
    finally:
        state.lists.clear()
