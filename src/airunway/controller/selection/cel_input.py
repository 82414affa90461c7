"""The value of the CEL variable ``spec`` in provider selection rules (controller-and-crds §3.6).

The reference marshals its Go ``ModelDeploymentSpec`` with ``encoding/json`` and parses the bytes
back into a generic map.  Selection rules observe every quirk of that round trip, so it is
reproduced here field by field, from the pydantic model, without touching the model:

* ``omitempty``: a scalar field at its zero value (``false``, ``0``, ``""``), an empty map or
  list, and an absent (None) field are left out.  Hence the "zero-value quirk": with
  ``resources.gpu.count: 0`` the key ``count`` is absent and a rule reading it fails.
* Go pointers: ``omitempty`` drops a pointer only when it is nil.  Every optional nested object
  is a pointer in Go, so a *present* object is kept even when it is empty (``resources: {}``
  gives ``has(spec.resources) == true``); pointer scalars keep their zero value
  (``_POINTER_SCALARS``: ``gateway.enabled: false``, ``engine.contextLength: 0``,
  ``storageClassName: ""``, ...).
* Fields Go declares without ``omitempty`` or as non-pointer structs are always present
  (``_ALWAYS``): ``model`` and ``engine`` (``{}`` when absent), and the required keys of the
  Kubernetes sub-types (``env[].name``, ``...KeyRef.key`` ...).
* Numbers become doubles (``float``), everywhere, including inside ``provider.overrides``.
* ``provider.overrides`` is a raw JSON extension in Go: it is copied verbatim, zero values
  included, because ``omitempty`` does not reach inside raw JSON, nor into map values.
* Schema defaults are present because the API server stored them and the pydantic model
  applies the same defaults (``engine.enablePrefixCaching: true``, ``model.source`` ...).

Judgement calls (documented differences that cannot matter to sensible rules):

* Quantities (``storage.volumes[].size``, ``...resourceFieldRef.divisor``) are rendered as the
  text the user wrote (an integer as its decimal string); Go re-renders them canonically
  (``1024Mi`` becomes ``1Gi``).  ``divisor``, a non-pointer struct in Go, is ``"0"`` when absent.
* Fields unknown to the tables below (added to the API later) get plain ``omitempty``, the
  common case in the reference types.

Finally the overlay: when ``engine.type`` is empty and an engine was resolved (explicitly or
auto-selected), ``engine.type`` is set to it, so ``spec.engine.type == 'vllm'`` sees an
auto-selected engine although the spec itself is never modified.
"""

from __future__ import annotations

from collections.abc import Mapping
from enum import Enum
from typing import Any, Final

from pydantic import BaseModel

from airunway.api import (
    ConfigMapKeySelector,
    EngineSpec,
    EnvVar,
    FileKeySelector,
    GatewaySpec,
    ModelDeploymentSpec,
    ObjectFieldSelector,
    ProviderSpec,
    ResourceFieldSelector,
    SecretKeySelector,
    StorageVolume,
    Toleration,
)

#: Fields Go always emits: no ``omitempty``, or a non-pointer struct.
_ALWAYS: Final[frozenset[tuple[type[BaseModel], str]]] = frozenset(
    {
        (ModelDeploymentSpec, "model"),
        (ModelDeploymentSpec, "engine"),
        (StorageVolume, "name"),
        (EnvVar, "name"),
        (ConfigMapKeySelector, "key"),
        (SecretKeySelector, "key"),
        (ObjectFieldSelector, "field_path"),
        (ResourceFieldSelector, "resource"),
        (ResourceFieldSelector, "divisor"),
        (FileKeySelector, "volume_name"),
        (FileKeySelector, "path"),
        (FileKeySelector, "key"),
    }
)
#: What an always-present field reads as when the model holds None (Go's zero value).
_GO_ZERO: Final[Mapping[tuple[type[BaseModel], str], Any]] = {
    (ModelDeploymentSpec, "engine"): {},
    (ResourceFieldSelector, "divisor"): "0",
}
#: Pointer scalars in Go: dropped only when absent, kept at their zero value.
_POINTER_SCALARS: Final[frozenset[tuple[type[BaseModel], str]]] = frozenset(
    {
        (ProviderSpec, "overrides"),
        (EngineSpec, "context_length"),
        (GatewaySpec, "enabled"),
        (StorageVolume, "size"),
        (StorageVolume, "storage_class_name"),
        (ConfigMapKeySelector, "optional"),
        (SecretKeySelector, "optional"),
        (FileKeySelector, "optional"),
        (Toleration, "toleration_seconds"),
    }
)
#: resource.Quantity fields: Go renders them as strings.
_QUANTITIES: Final[frozenset[tuple[type[BaseModel], str]]] = frozenset(
    {(StorageVolume, "size"), (ResourceFieldSelector, "divisor")}
)
#: Every field the tables name, for a drift check in the tests.
TABLE_FIELDS: Final = _ALWAYS | _POINTER_SCALARS | _QUANTITIES | frozenset(_GO_ZERO)


def cel_input(spec: ModelDeploymentSpec, resolved_engine: str) -> dict[str, Any]:
    """Build the value of ``spec`` for selection rules: the Go JSON view plus the engine overlay.

    Parameters
    ----------
    spec
        The ModelDeployment spec (not modified).
    resolved_engine
        The resolved engine type ("" when none), overlaid on an empty ``engine.type``.

    Returns
    -------
    dict[str, Any]
        A fresh JSON-like tree (plain ``dict``/``list``/``str``/``float``/``bool``).
    """
    document = go_json(spec)
    if resolved_engine:
        engine = document.get("engine")
        if not isinstance(engine, dict):
            engine = {}
            document["engine"] = engine
        current = engine.get("type")
        if not isinstance(current, str) or not current:
            engine["type"] = str(resolved_engine)
    return document


def go_json(spec: ModelDeploymentSpec) -> dict[str, Any]:
    """Return ``spec`` as Go's ``json.Marshal`` then ``json.Unmarshal`` into ``any`` gives it."""
    return _encode_model(spec)


def _encode_model(model: BaseModel) -> dict[str, Any]:
    cls = type(model)
    out: dict[str, Any] = {}
    for name, info in cls.model_fields.items():
        key = (cls, name)
        value = getattr(model, name)
        json_name = info.serialization_alias or info.alias or name
        if value is None:
            if key in _ALWAYS:
                out[json_name] = _encode_value(_GO_ZERO.get(key))  # a fresh copy each time
            continue
        if key in _QUANTITIES:
            out[json_name] = str(value)
        elif _kept(key, value):
            out[json_name] = _encode_value(value)
    return out


def _kept(key: tuple[type[BaseModel], str], value: object) -> bool:
    """Whether a present (non-None) field survives ``omitempty``."""
    if isinstance(value, BaseModel) or key in _ALWAYS or key in _POINTER_SCALARS:
        return True  # a non-nil pointer, a struct, or a field without omitempty
    if isinstance(value, (str, bool, int, float, list, tuple, dict)):
        return bool(value)  # zero scalars and empty maps/slices are omitted
    return True


def _encode_value(value: object) -> Any:  # noqa: ANN401 - a JSON value of any shape
    """Encode a kept value; nested maps, lists and raw JSON keep their zero values."""
    result: Any
    if isinstance(value, BaseModel):
        result = _encode_model(value)
    elif isinstance(value, Enum):
        result = _encode_value(value.value)
    elif isinstance(value, bool) or value is None:
        result = value
    elif isinstance(value, (int, float)):
        result = float(value)
    elif isinstance(value, str):
        result = str(value)
    elif isinstance(value, Mapping):
        result = {str(k): _encode_value(v) for k, v in value.items()}
    elif isinstance(value, (list, tuple)):
        result = [_encode_value(v) for v in value]
    else:
        result = str(value)
    return result
