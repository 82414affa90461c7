"""Dynamo: compatibility and rendering of the DynamoGraphDeployment (spec providers.md §2.3-§2.7).

One ModelDeployment becomes one ``nvidia.com/v1alpha1`` DynamoGraphDeployment named like it; the
Dynamo operator turns the graph into its router and worker pods.  The services themselves are
built in :mod:`airunway.providers.dynamo.services`; here are the parts around them: which checks
refuse a ModelDeployment before anything is created, the typed override keys, the labels, the
``pvcs`` list and the escape-hatch deep-merge that comes last.

Managed storage (creating the PVCs of volumes with a ``size`` and the model download Job, spec
§2.5) is the SDK's (:mod:`airunway.providers.sdk.storage`); the DGD only references the claims.
"""

from __future__ import annotations

from typing import Any, Final

from pydantic import BaseModel, ConfigDict, StrictInt, StrictStr, ValidationError

from airunway.api import (
    ANNOTATION_DYNAMO_TEST_BACKEND,
    DYNAMO_TEST_BACKEND_MOCKER,
    EngineType,
    ModelDeployment,
    ServingMode,
)
from airunway.providers.dynamo.services import VERSION, Graph, Typed, services
from airunway.providers.sdk.base import Rendered
from airunway.providers.sdk.errors import OverrideError, TransformError
from airunway.providers.sdk.overrides import apply_overrides, overrides_of
from airunway.providers.sdk.render import (
    ENGINE_TYPE_LABEL,
    MANAGED_BY,
    MODEL_DEPLOYMENT_LABEL,
    owner_reference,
    sanitize_label_value,
    serving_gpus_requested,
    storage_volumes,
)

API_VERSION: Final = "nvidia.com/v1alpha1"
KIND: Final = "DynamoGraphDeployment"
MODEL_ID_LABEL: Final = "airunway.ai/model-id"
#: Overrides the transform reads itself.  The reference also deep-merges them into the DGD root,
#: where the API server prunes them (no such fields in the CRD); we leave them out instead, so
#: the stored object is the same and a server-side apply is not refused.
TYPED_KEYS: Final = ("routerMode", "frontend", "epp")


class _Resources(BaseModel):
    model_config = ConfigDict(extra="ignore")
    cpu: StrictStr = ""
    memory: StrictStr = ""


class _Frontend(BaseModel):
    model_config = ConfigDict(extra="ignore")
    replicas: StrictInt | None = None
    resources: _Resources | None = None


class _Epp(BaseModel):
    model_config = ConfigDict(extra="ignore")
    replicas: StrictInt | None = None
    image: StrictStr = ""


class _Overrides(BaseModel):
    """The typed keys of Dynamo's overrides (unknown keys are only deep-merged)."""

    model_config = ConfigDict(extra="ignore", populate_by_name=True)
    router_mode: StrictStr = ""
    frontend: _Frontend | None = None
    epp: _Epp | None = None


def is_mocker(md: ModelDeployment) -> bool:
    """The test-only mocker backend (§2.4): GPU-less workers from the planner image."""
    annotations = md.metadata.annotations or {}
    return annotations.get(ANNOTATION_DYNAMO_TEST_BACKEND) == DYNAMO_TEST_BACKEND_MOCKER


def _disaggregated(md: ModelDeployment) -> bool:
    return md.spec.resolved_serving_mode() == ServingMode.DISAGGREGATED


def check(md: ModelDeployment) -> str | None:
    """Why Dynamo cannot serve ``md`` (ProviderCompatible=False), or None (§2.7)."""
    engine = md.resolved_engine_type()
    if engine == EngineType.LLAMACPP:
        return "Dynamo does not support llamacpp engine"
    if is_mocker(md):
        if engine != EngineType.VLLM:
            return "Dynamo mocker mode only supports the vllm engine"
        scaling = md.spec.scaling
        if _disaggregated(md) and (
            scaling is None or scaling.prefill is None or scaling.decode is None
        ):
            return (
                "Dynamo mocker disaggregated mode requires spec.scaling.prefill and "
                "spec.scaling.decode"
            )
        return None
    if not serving_gpus_requested(md):
        return "Dynamo requires GPU (set resources.gpu.count > 0)"
    return None


def typed_overrides(md: ModelDeployment) -> Typed:
    """The override keys the transform reads (§2.3), or the parse error."""
    try:
        raw = overrides_of(md) or {}
        parsed = _Overrides.model_validate(
            {
                "router_mode": raw.get("routerMode", ""),
                **{k: raw[k] for k in raw if k != "routerMode"},
            }
        )
    except OverrideError as exc:
        raise TransformError(f"failed to parse provider overrides: {exc}") from exc
    except ValidationError as exc:
        detail = "; ".join(
            f"{'.'.join(str(p) for p in e['loc'])}: {e['msg']}" for e in exc.errors()
        )
        raise TransformError(
            f"failed to parse provider overrides: failed to unmarshal overrides: {detail}"
        ) from exc
    frontend, epp = parsed.frontend or _Frontend(), parsed.epp or _Epp()
    resources = frontend.resources or _Resources()
    return Typed(
        router_mode=parsed.router_mode,
        frontend_replicas=frontend.replicas,
        frontend_cpu=resources.cpu,
        frontend_memory=resources.memory,
        epp_replicas=epp.replicas,
        epp_image=epp.image,
    )


def gateway_enabled(md: ModelDeployment) -> bool:
    """The EPP path unless ``spec.gateway.enabled`` is false; never in mocker mode."""
    if is_mocker(md):
        return False
    gateway = md.spec.gateway
    return gateway is None or gateway.enabled is None or gateway.enabled


def labels(md: ModelDeployment) -> dict[str, str]:
    """The DGD's labels (podTemplate labels are not applied to Dynamo objects)."""
    return {
        MANAGED_BY: "airunway",
        MODEL_DEPLOYMENT_LABEL: md.metadata.name or "",
        MODEL_ID_LABEL: sanitize_label_value(md.spec.model.id or ""),
        ENGINE_TYPE_LABEL: str(md.resolved_engine_type()),
    }


def transform(md: ModelDeployment, *, version: str = VERSION) -> Rendered:
    """The DynamoGraphDeployment of ``md`` (images tagged with the Dynamo ``version``)."""
    typed = typed_overrides(md)
    engine = str(md.resolved_engine_type())
    graph = Graph(
        engine=engine,
        mocker=is_mocker(md),
        gateway=gateway_enabled(md),
        typed=typed,
        version=version,
    )
    try:
        service_map = services(md, graph)
    except TransformError as exc:
        raise TransformError(f"failed to build services: {exc}") from exc
    spec: dict[str, Any] = {"backendFramework": engine, "services": service_map}
    if volumes := storage_volumes(md):
        name = md.metadata.name or ""
        spec["pvcs"] = [{"name": v.resolved_claim_name(name), "create": False} for v in volumes]
    meta: dict[str, Any] = {"name": md.metadata.name}
    if md.metadata.namespace:
        meta["namespace"] = md.metadata.namespace
    meta["labels"] = labels(md)
    meta["ownerReferences"] = [owner_reference(md)]
    dgd: dict[str, Any] = {"apiVersion": API_VERSION, "kind": KIND, "metadata": meta, "spec": spec}
    try:
        dgd = apply_overrides(dgd, md, consumed=TYPED_KEYS)
    except TransformError as exc:
        raise TransformError(f"failed to apply provider overrides: {exc}") from exc
    return Rendered(objects=[dgd])
