"""Deployment + Service workloads: the object shape llm-d and Direct vLLM share (spec §4.2, §4.3).

Both providers run a vLLM server as a plain ``apps/v1`` Deployment fronted by a ClusterIP Service
on port 8000, with the same names, labels, selectors, pod-template metadata, scheduling fields,
resource mapping and status mapping.  What differs (spec §5.2) is data: the image, the args, the
env flavour, probes, volumes and which override paths are blocked.  Those are the fields of
:class:`Workload`; the shape itself, and the error wrapping the reference gives it, live here
once so the two providers cannot drift apart.  Pure.
"""

from __future__ import annotations

import copy
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

from airunway.api import DEFAULT_GPU_RESOURCE, ComponentScalingSpec, ModelDeployment, ServingMode
from airunway.providers.sdk.base import Manifest, Messages, Rendered
from airunway.providers.sdk.errors import TransformError
from airunway.providers.sdk.overrides import apply_overrides
from airunway.providers.sdk.render import (
    DEPLOYMENT_LABEL,
    owner_reference,
    pod_template_metadata,
    replicas,
    standard_labels,
    tolerations,
)
from airunway.providers.sdk.status import Phase, Replicas, UpstreamState

HTTP_PORT = 8000
CONTAINER_NAME = "vllm"
APP_LABEL = "app"
HEALTH_PATH = "/health"
DEPLOYMENT = ("apps/v1", "Deployment")
SERVICE = ("v1", "Service")
KINDS = (DEPLOYMENT, SERVICE)
KV_TRANSFER_DECODE = '{"kv_connector":"PyNcclConnector","kv_role":"kv_consumer"}'
KV_TRANSFER_PREFILL = '{"kv_connector":"PyNcclConnector","kv_role":"kv_producer"}'
ROLLOUT_TIMED_OUT = "deployment timed out waiting for rollout"
#: The status texts of both Deployment-based providers (llm-d §4.5, Direct vLLM §5.3).
MESSAGES = Messages(
    created="Deployments and Services created successfully",
    waiting="Deployments created, waiting for pods to be ready",
    running="Deployments created, pods are ready",
)


class Component(StrEnum):
    """Which workload of a ModelDeployment: the aggregated one, or one half of prefill/decode."""

    AGGREGATED = ""
    DECODE = "decode"
    PREFILL = "prefill"

    def object_name(self, md: ModelDeployment) -> str:
        """The Deployment and Service name: ``<md>``, ``<md>-decode`` or ``<md>-prefill``."""
        base = md.metadata.name or ""
        return f"{base}-{self.value}" if self.value else base

    def qualify(self, noun: str) -> str:
        """``noun`` prefixed with the component, as the reference's error wrapping spells it."""
        return f"{self.value} {noun}" if self.value else noun

    @property
    def kv_transfer_config(self) -> str:
        """The ``--kv-transfer-config`` value of the component ("" when aggregated)."""
        return {Component.DECODE: KV_TRANSFER_DECODE, Component.PREFILL: KV_TRANSFER_PREFILL}.get(
            self, ""
        )


@dataclass(frozen=True)
class Sizing:
    """GPU count, memory and CPU of the serving container."""

    gpus: int = 0
    memory: str | None = None
    cpu: str | None = None

    def to_resources(self) -> dict[str, Any] | None:
        """``resources`` of the container (None when empty; gpu.type is ignored: nvidia.com/gpu)."""
        limits: dict[str, str] = {}
        requests: dict[str, str] = {}
        if self.gpus > 0:
            limits[DEFAULT_GPU_RESOURCE] = requests[DEFAULT_GPU_RESOURCE] = str(self.gpus)
        if self.memory:
            limits["memory"] = requests["memory"] = self.memory
        if self.cpu:
            requests["cpu"] = self.cpu
        out: dict[str, Any] = {}
        if limits:
            out["limits"] = limits
        if requests:
            out["requests"] = requests
        return out or None


def aggregated_sizing(md: ModelDeployment) -> Sizing:
    """Sizing from ``spec.resources`` (aggregated mode)."""
    res = md.spec.resources
    if res is None:
        return Sizing()
    gpus = int(res.gpu.count) if res.gpu is not None else 0
    return Sizing(gpus=gpus, memory=res.memory, cpu=res.cpu)


def component_sizing(component: ComponentScalingSpec) -> Sizing:
    """Sizing of a prefill/decode component: its GPU count and memory, never a CPU request."""
    gpus = int(component.gpu.count) if component.gpu is not None else 0
    return Sizing(gpus=gpus, memory=component.memory)


def disaggregated_components(
    md: ModelDeployment, *, require_gpu: bool, prefill_first: bool = False
) -> tuple[ComponentScalingSpec, ComponentScalingSpec]:
    """(decode, prefill) of a disaggregated ModelDeployment, or the transform guard's error.

    The guard checks ``scaling``, then both components in the provider's order (decode first
    for the Deployment-based providers, prefill first for Dynamo).
    """
    scaling = md.spec.scaling
    if scaling is None:
        raise TransformError("spec.scaling is required for disaggregated serving mode")
    decode, prefill = scaling.decode, scaling.prefill
    pair = [("decode", decode), ("prefill", prefill)]
    for role, part in pair[::-1] if prefill_first else pair:
        if part is None:
            raise TransformError(f"spec.scaling.{role} is required for disaggregated serving mode")
    if decode is None or prefill is None:  # never (raised above); narrows the types
        raise TransformError("spec.scaling is required for disaggregated serving mode")
    for role, part in (("decode", decode), ("prefill", prefill)):
        if require_gpu and part.gpu is None:
            raise TransformError(
                f"spec.scaling.{role}.gpu is required for disaggregated serving mode"
            )
    return decode, prefill


def planned_components(
    md: ModelDeployment, *, require_gpu: bool
) -> list[tuple[Component, int, Sizing]]:
    """(component, replicas, sizing) of each Deployment: one aggregated, or decode then prefill.

    Aggregated: ``scaling.replicas`` (at least 1) sized from ``spec.resources``; disaggregated:
    each component's own replicas and sizing, after the transform guard.
    """
    if md.spec.resolved_serving_mode() != ServingMode.DISAGGREGATED:
        return [(Component.AGGREGATED, replicas(md), aggregated_sizing(md))]
    decode, prefill = disaggregated_components(md, require_gpu=require_gpu)
    return [
        (Component.DECODE, int(decode.replicas), component_sizing(decode)),
        (Component.PREFILL, int(prefill.replicas), component_sizing(prefill)),
    ]


def http_probe(initial_delay: int, period: int, failure_threshold: int) -> dict[str, Any]:
    """An HTTP GET probe of the server's health endpoint."""
    return {
        "httpGet": {"path": HEALTH_PATH, "port": HTTP_PORT},
        "initialDelaySeconds": initial_delay,
        "periodSeconds": period,
        "failureThreshold": failure_threshold,
    }


@dataclass(frozen=True)
class Workload:
    """The provider-specific parts of one Deployment."""

    component: Component
    replicas: int
    sizing: Sizing
    image: str
    args: Sequence[str]
    env: Sequence[dict[str, Any]] = ()
    #: container field (``startupProbe``...) -> probe
    probes: Mapping[str, dict[str, Any]] = field(default_factory=dict)
    volumes: Sequence[dict[str, Any]] = ()
    volume_mounts: Sequence[dict[str, Any]] = ()


def selector_labels(md: ModelDeployment, name: str) -> dict[str, str]:
    """The Deployment selector, pod labels that cannot be overridden, and the Service selector."""
    return {DEPLOYMENT_LABEL: md.metadata.name or "", APP_LABEL: name}


def _metadata(md: ModelDeployment, name: str, labels: dict[str, str]) -> dict[str, Any]:
    meta: dict[str, Any] = {"name": name}
    if md.metadata.namespace:
        meta["namespace"] = md.metadata.namespace
    # plain str values: resolved_engine() returns the EngineType member, which YAML cannot dump
    meta["labels"] = {key: str(value) for key, value in labels.items()}
    meta["ownerReferences"] = [owner_reference(md)]
    return meta


def container(workload: Workload) -> dict[str, Any]:
    """The single serving container (no command: the image's entrypoint runs); owns its data."""
    out: dict[str, Any] = {
        "name": CONTAINER_NAME,
        "image": workload.image,
        "args": list(workload.args),
        "ports": [{"name": "http", "containerPort": HTTP_PORT, "protocol": "TCP"}],
        **copy.deepcopy(dict(workload.probes)),
    }
    if workload.volume_mounts:
        out["volumeMounts"] = copy.deepcopy(list(workload.volume_mounts))
    if (resources := workload.sizing.to_resources()) is not None:
        out["resources"] = resources
    if workload.env:
        out["env"] = copy.deepcopy(list(workload.env))
    return out


def deployment(
    md: ModelDeployment,
    workload: Workload,
    *,
    blocked_override_paths: tuple[tuple[str, ...], ...] = (),
) -> Manifest:
    """The Deployment of ``workload``, with ``spec.provider.overrides`` deep-merged in last."""
    name = workload.component.object_name(md)
    pod_labels, pod_annotations = pod_template_metadata(md)
    selector = selector_labels(md, name)
    meta = _metadata(md, name, {**standard_labels(md), **pod_labels})
    if pod_annotations:
        meta["annotations"] = dict(pod_annotations)
    pod_spec: dict[str, Any] = {"containers": [container(workload)]}
    if workload.volumes:
        pod_spec["volumes"] = copy.deepcopy(list(workload.volumes))
    if md.spec.node_selector:
        pod_spec["nodeSelector"] = dict(md.spec.node_selector)
    if md.spec.tolerations:
        pod_spec["tolerations"] = tolerations(md)
    obj: Manifest = {
        "apiVersion": DEPLOYMENT[0],
        "kind": DEPLOYMENT[1],
        "metadata": meta,
        "spec": {
            "replicas": workload.replicas,
            "selector": {"matchLabels": dict(selector)},
            "template": {
                "metadata": {"labels": {**pod_labels, **selector}, "annotations": pod_annotations},
                "spec": pod_spec,
            },
        },
    }
    try:
        return apply_overrides(obj, md, blocked_paths=blocked_override_paths)
    except TransformError as exc:
        raise type(exc)(f"failed to apply provider overrides: {exc}") from exc


def service(md: ModelDeployment, name: str) -> Manifest:
    """The ClusterIP Service in front of Deployment ``name`` (overrides never apply to it)."""
    return {
        "apiVersion": SERVICE[0],
        "kind": SERVICE[1],
        "metadata": _metadata(md, name, standard_labels(md)),
        "spec": {
            "type": "ClusterIP",
            "selector": selector_labels(md, name),
            "ports": [
                {"name": "http", "port": HTTP_PORT, "targetPort": HTTP_PORT, "protocol": "TCP"}
            ],
        },
    }


def render_workloads(
    md: ModelDeployment,
    workloads: Sequence[Workload],
    *,
    blocked_override_paths: tuple[tuple[str, ...], ...] = (),
) -> Rendered:
    """Every Deployment (the first is primary), then one Service per Deployment, same order."""
    deployments: list[Manifest] = []
    for workload in workloads:
        try:
            deployments.append(
                deployment(md, workload, blocked_override_paths=blocked_override_paths)
            )
        except TransformError as exc:
            label = workload.component.qualify("Deployment")
            raise type(exc)(f"failed to build {label}: {exc}") from exc
    services = [service(md, w.component.object_name(md)) for w in workloads]
    return Rendered(objects=deployments + services)


def _int_at(obj: Mapping[str, Any], *path: str) -> int:
    node: Any = obj
    for part in path:
        if not isinstance(node, Mapping):
            return 0
        node = node.get(part)
    return node if isinstance(node, int) and not isinstance(node, bool) else 0


def _phase(conditions: Mapping[str, tuple[str, str, str]]) -> tuple[Phase, str]:
    none = ("", "", "")
    available, progressing = conditions.get("Available", none), conditions.get("Progressing", none)
    if available[0] == "True":
        return Phase.RUNNING, ""
    if progressing[:2] == ("False", "ProgressDeadlineExceeded"):
        return Phase.FAILED, progressing[2] or ROLLOUT_TIMED_OUT
    if progressing[0] == "True":
        return Phase.DEPLOYING, ""
    if available[0] == "False" and available[2]:
        return Phase.FAILED, available[2]
    return Phase.PENDING, ""


def _text(cond: Mapping[str, Any], key: str) -> str:
    value = cond.get(key)
    return value if isinstance(value, str) else ""


def translate_deployment(obj: Mapping[str, Any]) -> UpstreamState:
    """The state of a primary Deployment (§4.3); endpoint = the Service of the same name."""
    status = obj.get("status")
    raw = status.get("conditions") if isinstance(status, Mapping) else None
    conditions: dict[str, tuple[str, str, str]] = {}
    for cond in raw if isinstance(raw, list) else []:
        if isinstance(cond, Mapping) and (kind := _text(cond, "type")):
            conditions[kind] = (
                _text(cond, "status"),
                _text(cond, "reason"),
                _text(cond, "message"),
            )
    phase, message = _phase(conditions)  # no conditions at all: Pending
    metadata = obj.get("metadata")
    name = metadata.get("name") if isinstance(metadata, Mapping) else None
    replicas = Replicas(
        desired=_int_at(obj, "spec", "replicas"),
        ready=_int_at(obj, "status", "readyReplicas"),
        available=_int_at(obj, "status", "availableReplicas"),
    )
    return UpstreamState(
        phase=phase, message=message, replicas=replicas, endpoint=(str(name or ""), HTTP_PORT)
    )
