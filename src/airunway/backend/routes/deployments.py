"""``/api/deployments`` (spec §9), every call made as the caller.

List, create, preview, get, manifest, delete, pods, logs, metrics, pending reasons and PVCs.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import Query, Request, Response

from airunway.backend.auth import CallerKube, State
from airunway.backend.routes.common import PROTECTED, RESPONSES, NamePath, NamespaceQuery, Router
from airunway.backend.schemas.deployment_config import DeploymentConfig
from airunway.backend.schemas.deployments import (
    Created,
    DeploymentList,
    DeploymentStatus,
    Logs,
    Manifests,
    Message,
    Metrics,
    PendingReasons,
    Pods,
    Pvcs,
)
from airunway.backend.services import deployments, workloads
from airunway.backend.services.config_store import default_namespace
from airunway.backend.services.md_status import pod_status

api = Router(
    prefix="/api/deployments", tags=["deployments"], dependencies=PROTECTED, responses=RESPONSES
)


async def _ns(state: State, namespace: str | None) -> str:
    return namespace or await default_namespace(state)


@api.get("", operation_id="deployments-list", response_model=DeploymentList)
async def list_deployments(
    request: Request,
    state: State,
    kube: CallerKube,
    namespace: NamespaceQuery = None,
    limit: Annotated[int | None, Query(ge=1, le=100)] = None,
    offset: Annotated[int, Query(ge=0, le=2**31 - 1)] = 0,
) -> Response:
    """Deployments in ``namespace``, or in every namespace the caller may list, newest first.

    The UI's hot route: each page is rendered (and compressed) once per shared read.
    """
    snapshot = await deployments.list_deployments(state, kube, request.state.caller, namespace)
    gzipped = "gzip" in request.headers.get("accept-encoding", "").lower()
    body = snapshot.body(limit, offset, gzipped=gzipped)
    headers = {"Vary": "Accept-Encoding"}
    if gzipped:
        headers["Content-Encoding"] = "gzip"
    return Response(body, media_type="application/json", headers=headers)


@api.post("", operation_id="deployments-create", status_code=201)
async def create(state: State, kube: CallerKube, config: DeploymentConfig) -> Created:
    """Create a ModelDeployment from the deploy form; GPU-fit problems come back as warnings."""
    namespace = await _ns(state, config.namespace)
    name, warnings = await deployments.create(state, kube, config, namespace)
    return Created(name=name, namespace=namespace, warnings=warnings or None)


@api.post("/preview", operation_id="deployments-preview")
async def preview(state: State, kube: CallerKube, config: DeploymentConfig) -> Manifests:
    """The ModelDeployment ``create`` would send; nothing is written."""
    return await deployments.preview(kube, config, await _ns(state, config.namespace))


@api.get("/-/pvcs", operation_id="deployments-pvcs")
async def pvcs(
    kube: CallerKube,
    namespace: Annotated[
        str, Query(min_length=1, max_length=63, pattern=r"^[a-z0-9]([a-z0-9-]*[a-z0-9])?$")
    ],
) -> Pvcs:
    """PersistentVolumeClaims the form can mount."""
    return await workloads.pvcs(kube, namespace)


@api.get("/{name}", operation_id="deployments-get")
async def get(
    state: State, kube: CallerKube, name: NamePath, namespace: NamespaceQuery = None
) -> DeploymentStatus:
    """One deployment with its pods and phase."""
    return await deployments.get_deployment(kube, name, await _ns(state, namespace))


@api.get("/{name}/manifest", operation_id="deployments-manifest")
async def manifest(
    state: State, kube: CallerKube, name: NamePath, namespace: NamespaceQuery = None
) -> Manifests:
    """The stored ModelDeployment, status included."""
    return await deployments.manifest(kube, name, await _ns(state, namespace))


@api.delete("/{name}", operation_id="deployments-delete")
async def delete(
    state: State, kube: CallerKube, name: NamePath, namespace: NamespaceQuery = None
) -> Message:
    """Delete a deployment."""
    await deployments.delete(state, kube, name, await _ns(state, namespace))
    return Message(message="Deployment deleted successfully")


@api.get("/{name}/pods", operation_id="deployments-pods")
async def pods(
    state: State, kube: CallerKube, name: NamePath, namespace: NamespaceQuery = None
) -> Pods:
    """The pods of a deployment."""
    md = await deployments.get_md(kube, name, await _ns(state, namespace))
    return Pods(pods=[pod_status(p) for p in await workloads.raw_pods(kube, md)])


@api.get("/{name}/logs", operation_id="deployments-logs")
async def logs(  # noqa: PLR0913, PLR0917 - one parameter per query field
    state: State,
    kube: CallerKube,
    name: NamePath,
    namespace: NamespaceQuery = None,
    pod_name: Annotated[
        str | None,
        Query(
            alias="podName",
            min_length=1,
            max_length=253,
            pattern=r"^[a-z0-9]([a-z0-9.-]*[a-z0-9])?$",
        ),
    ] = None,
    container: Annotated[
        str | None, Query(min_length=1, max_length=63, pattern=r"^[a-z0-9]([a-z0-9-]*[a-z0-9])?$")
    ] = None,
    tail_lines: Annotated[int, Query(alias="tailLines", ge=1, le=10000)] = 100,
    timestamps: Annotated[bool, Query()] = False,  # noqa: FBT002
) -> Logs:
    """The tail of a pod's log (the first pod and its main container by default)."""
    md = await deployments.get_md(kube, name, await _ns(state, namespace))
    return await workloads.logs(kube, md, pod_name, container, tail_lines, timestamps)


@api.get("/{name}/metrics", operation_id="deployments-metrics")
async def metrics(
    request: Request,
    state: State,
    kube: CallerKube,
    name: NamePath,
    namespace: NamespaceQuery = None,
) -> Metrics:
    """The model server's Prometheus metrics, or why they are not available."""
    md = await deployments.get_md(kube, name, await _ns(state, namespace))
    return await workloads.metrics(state.metrics, kube, request.state.caller, md)


@api.get("/{name}/pending-reasons", operation_id="deployments-pending-reasons")
async def pending_reasons(
    state: State, kube: CallerKube, name: NamePath, namespace: NamespaceQuery = None
) -> PendingReasons:
    """Why the deployment's pod is not scheduled, in plain words."""
    md = await deployments.get_md(kube, name, await _ns(state, namespace))
    return await workloads.pending_reasons(kube, md)
