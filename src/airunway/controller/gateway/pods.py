"""The serving side of a ModelDeployment as the gateway sees it (spec §4.7).

Its Service (from ``status.endpoint``), the label that puts its pods in the InferencePool, and
model-name discovery through ``/v1/models``.  All best effort: a failure falls back (to the
status port, to the next model-name source) and never fails the reconcile.
"""

from __future__ import annotations

import logging

import httpx

from airunway.api import ModelDeployment
from airunway.controller.gateway import render, rules
from airunway.kube.client import Kube, Manifest
from airunway.kube.errors import KubeError

log = logging.getLogger(__name__)
DISCOVERY_TIMEOUT = 5.0
DISCOVERY_LIMIT = 1 << 20
_OK = 200


async def serving_service(kube: Kube, md: ModelDeployment) -> Manifest | None:
    """The Service named in ``status.endpoint`` (None when unset or unreadable)."""
    endpoint = md.status.endpoint if md.status is not None else None
    if endpoint is None or not endpoint.service:
        return None
    try:
        return await kube.get("v1", "Service", endpoint.service, md.metadata.namespace)
    except KubeError:
        return None


async def label_pods(kube: Kube, md: ModelDeployment, service: Manifest | None) -> None:
    """Label the pods behind ``service`` so the pool selects them (errors only logged)."""
    selector = ((service or {}).get("spec") or {}).get("selector")
    if not selector:
        return
    name, namespace = md.metadata.name or "", md.metadata.namespace or ""
    try:
        for pod in await kube.list("v1", "Pod", namespace, labels=selector):
            if (pod["metadata"].get("labels") or {}).get(render.POD_LABEL) == name:
                continue
            labels = {render.POD_LABEL: name}
            meta = {"name": pod["metadata"]["name"], "namespace": namespace, "labels": labels}
            await kube.apply({"apiVersion": "v1", "kind": "Pod", "metadata": meta})
    except KubeError as exc:
        log.warning("labelling the pods of %s/%s failed: %s", namespace, name, exc)


async def served_model(base_url: str) -> str | None:
    """``data[0].id`` of ``GET <base_url>/v1/models``; None on any failure (falls back)."""
    try:
        async with httpx.AsyncClient(timeout=DISCOVERY_TIMEOUT, trust_env=False) as client:
            response = await client.get(f"{base_url}/v1/models")
        if response.status_code != _OK or len(response.content) > DISCOVERY_LIMIT:
            return None
        data = response.json().get("data") or []
        model = data[0].get("id") if data and isinstance(data[0], dict) else None
    except (httpx.HTTPError, ValueError, AttributeError):
        return None
    return str(model) if model else None


async def discover(kube: Kube, md: ModelDeployment) -> str | None:
    """The served model name, asked from the backing Service (None if it does not answer)."""
    endpoint = md.status.endpoint if md.status is not None else None
    if endpoint is None or not endpoint.service:
        return None
    port_spec = rules.service_port(await serving_service(kube, md))
    port = (port_spec or {}).get("port") or endpoint.port or render.DEFAULT_TARGET_PORT
    return await served_model(f"http://{endpoint.service}.{md.metadata.namespace}.svc:{port}")
