"""The mutating (defaulting) webhook's logic: spec §2.2 applied to the raw object, plus its patch.

Why this shape: the mutating webhook runs *before* the API server validates the object against
the CRD schema, so its input may not parse into the strict pydantic models; and it must answer
with an RFC 6902 JSON Patch against exactly the object it received. The defaulter therefore works
on a deep copy of the raw ``AdmissionReview`` object dict, touches only the fields §2.2 names (a
field of an unexpected type is left alone for schema validation to reject), and derives the patch
by diffing the copy against the original, so the patch can never disagree with the object it
describes and unknown fields are preserved untouched. Steps run in the spec's order; a field the
reference would see as Go's zero value (absent, ``null`` or ``""``) counts as empty. Like the
reference's patch (remove operations filtered out), the patch only adds and replaces.
"""

from __future__ import annotations

import copy
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from airunway.api import EngineType, ModelSource, ServingMode, VolumeAccessMode, VolumePurpose
from airunway.api.constants import (
    DEFAULT_COMPILATION_CACHE_MOUNT_PATH,
    DEFAULT_GPU_RESOURCE,
    DEFAULT_MODEL_CACHE_MOUNT_PATH,
)

_MOUNT_PATHS = {
    VolumePurpose.MODEL_CACHE.value: DEFAULT_MODEL_CACHE_MOUNT_PATH,
    VolumePurpose.COMPILATION_CACHE.value: DEFAULT_COMPILATION_CACHE_MOUNT_PATH,
}

JSONPatch = list[dict[str, Any]]


@dataclass(frozen=True)
class DefaultingResult:
    """The defaulted object and the JSON Patch that turns the received object into it."""

    obj: dict[str, Any]
    patch: JSONPatch


def _empty(value: object) -> bool:
    """Whether Go would see ``value`` as the zero value of a string or pointer field."""
    return value is None or value == ""


def _dict_at(parent: Mapping[str, Any], key: str) -> dict[str, Any] | None:
    """Return ``parent[key]`` when it is an object, else None (absent, null or malformed)."""
    value = parent.get(key)
    return value if isinstance(value, dict) else None


def _default_serving(spec: dict[str, Any]) -> str | None:
    """Steps 1-2 on ``spec.serving``; return the resulting mode (None if malformed)."""
    serving = spec.get("serving")
    if serving is None:
        spec["serving"] = {"mode": ServingMode.AGGREGATED.value}
    elif isinstance(serving, dict) and _empty(serving.get("mode")):
        serving["mode"] = ServingMode.AGGREGATED.value
    serving = spec["serving"]
    return serving.get("mode") if isinstance(serving, dict) else None


def _default_gpu_type(gpu: object) -> None:
    if isinstance(gpu, dict) and _empty(gpu.get("type")):
        gpu["type"] = DEFAULT_GPU_RESOURCE


def _default_resources(spec: dict[str, Any], *, aggregated: bool) -> None:
    """Steps 3-5: aggregated scaling, the one-GPU default and GPU resource types."""
    engine = _dict_at(spec, "engine") or {}
    engine_type = engine.get("type")
    if aggregated and spec.get("scaling") is None:
        spec["scaling"] = {"replicas": 1}
    if (
        aggregated
        and spec.get("resources") is None
        and not _empty(engine_type)
        and engine_type != EngineType.LLAMACPP.value
        and _empty(spec.get("image"))
    ):
        spec["resources"] = {"gpu": {"count": 1, "type": DEFAULT_GPU_RESOURCE}}
    resources = _dict_at(spec, "resources")
    if resources is not None:
        _default_gpu_type(resources.get("gpu"))
    scaling = _dict_at(spec, "scaling")
    if scaling is not None:
        for component in ("prefill", "decode"):
            part = _dict_at(scaling, component)
            if part is not None:
                _default_gpu_type(part.get("gpu"))


def _default_volume(volume: dict[str, Any], deployment_name: str) -> None:
    """Step 6 for one storage volume."""
    if _empty(volume.get("purpose")):
        volume["purpose"] = VolumePurpose.CUSTOM.value
    purpose = volume["purpose"]
    if _empty(volume.get("mountPath")) and isinstance(purpose, str) and purpose in _MOUNT_PATHS:
        volume["mountPath"] = _MOUNT_PATHS[purpose]
    if volume.get("size") is not None:
        if _empty(volume.get("claimName")):
            volume["claimName"] = f"{deployment_name}-{volume.get('name') or ''}"
        if _empty(volume.get("accessMode")):
            volume["accessMode"] = VolumeAccessMode.READ_WRITE_MANY.value


def _default_storage(model: dict[str, Any], deployment_name: str) -> None:
    storage = _dict_at(model, "storage")
    volumes = storage.get("volumes") if storage is not None else None
    if isinstance(volumes, list):
        for volume in volumes:
            if isinstance(volume, dict):
                _default_volume(volume, deployment_name)


def apply_defaults(obj: dict[str, Any]) -> None:
    """Apply spec §2.2 to a raw ModelDeployment dict in place (in the spec's order).

    A missing ``spec`` or ``spec.model`` is created, as the reference's Go structs are.
    """
    if obj.get("spec") is None:
        obj["spec"] = {}
    spec = _dict_at(obj, "spec")
    if spec is None:
        return
    metadata = _dict_at(obj, "metadata") or {}
    name = metadata.get("name")
    deployment_name = name if isinstance(name, str) else ""
    if spec.get("model") is None:
        spec["model"] = {}
    model = _dict_at(spec, "model")
    if model is not None and _empty(model.get("source")):
        model["source"] = ModelSource.HUGGINGFACE.value
    mode = _default_serving(spec)
    _default_resources(spec, aggregated=mode == ServingMode.AGGREGATED.value)
    if model is not None:
        _default_storage(model, deployment_name)


def _pointer_token(key: str | int) -> str:
    return str(key).replace("~", "~0").replace("/", "~1")


def _diff(old: object, new: object, pointer: str, patch: JSONPatch) -> None:
    """Append to ``patch`` the add/replace operations that turn ``old`` into ``new``."""
    if isinstance(old, dict) and isinstance(new, dict):
        for key, value in new.items():
            path = f"{pointer}/{_pointer_token(key)}"
            if key not in old:
                patch.append({"op": "add", "path": path, "value": copy.deepcopy(value)})
            else:
                _diff(old[key], value, path, patch)
    elif isinstance(old, list) and isinstance(new, list) and len(old) == len(new):
        for i, (before, after) in enumerate(zip(old, new, strict=True)):
            _diff(before, after, f"{pointer}/{i}", patch)
    elif old != new or type(old) is not type(new):
        patch.append({"op": "replace", "path": pointer, "value": copy.deepcopy(new)})


def json_patch(old: Mapping[str, Any], new: Mapping[str, Any]) -> JSONPatch:
    """Return the RFC 6902 add/replace operations that turn ``old`` into ``new``.

    Only additions and changes are described: the defaulter never removes anything.
    """
    patch: JSONPatch = []
    _diff(dict(old), dict(new), "", patch)
    return patch


def default_model_deployment(raw: Mapping[str, Any]) -> DefaultingResult:
    """Default a raw ModelDeployment (the ``AdmissionReview`` ``request.object``).

    Parameters
    ----------
    raw
        The object as received; it is not modified.

    Returns
    -------
    DefaultingResult
        The defaulted copy and the JSON Patch (possibly empty) the webhook returns.
    """
    obj = copy.deepcopy(dict(raw))
    apply_defaults(obj)
    return DefaultingResult(obj, json_patch(raw, obj))
