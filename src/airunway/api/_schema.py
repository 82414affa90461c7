"""Turn a pydantic JSON schema into a Kubernetes *structural* OpenAPI v3 schema.

Pydantic's schema is JSON Schema 2020-12: it shares sub-schemas through ``$defs``/``$ref``, spells
``X | None`` as ``anyOf: [X, {type: null}]`` with ``default: null``, adds ``title`` everywhere and
``additionalProperties: false`` for ``extra="forbid"``. The API server accepts none of that in a
CRD: a structural schema has every sub-schema inline with a ``type``, no nullable unions, and
only the Kubernetes extensions. The translation is mechanical and lives here, apart from the CRD
document and the CLI in ``crdgen``, so tests can check it on its own. Anything it cannot
translate (a real union, a node without a type) raises ``SchemaError`` instead of emitting a
schema the API server would reject at install time.
"""

from collections.abc import Mapping
from copy import deepcopy
from typing import Any, Final

from pydantic import BaseModel

_DROPPED: Final = frozenset({"title", "$defs"})
_KEPT: Final = frozenset(
    {
        "type",
        "format",
        "description",
        "default",
        "enum",
        "minimum",
        "maximum",
        "minLength",
        "maxLength",
        "pattern",
        "minItems",
        "maxItems",
        "anyOf",  # only int-or-string reaches here
    }
)
_INT_OR_STRING: Final = "x-kubernetes-int-or-string"
_PRESERVE: Final = "x-kubernetes-preserve-unknown-fields"
_VALIDATIONS: Final = "x-kubernetes-validations"


class SchemaError(ValueError):
    """A model uses a construct that has no structural-schema equivalent."""


def structural_schema(
    model: type[BaseModel], root_properties: Mapping[str, dict[str, Any]] | None = None
) -> dict[str, Any]:
    """Return the structural OpenAPI v3 schema of ``model`` (JSON names, everything inline).

    Parameters
    ----------
    model
        A pydantic model whose fields use only objects, lists, string maps, scalars, string
        enums, int-or-string quantities and preserve-unknown-fields objects.
    root_properties
        Top-level properties to use as given instead of translating the model's (the object
        envelope: ``apiVersion``, ``kind`` and Kubernetes' own ``metadata``).

    Returns
    -------
    dict[str, Any]
        The schema, ready for ``openAPIV3Schema``.

    Raises
    ------
    SchemaError
        When a node cannot be expressed structurally.
    """
    raw = model.model_json_schema(by_alias=True, mode="validation")
    defs: dict[str, Any] = raw.get("$defs", {})
    raw["properties"].update(deepcopy(dict(root_properties or {})))
    return _convert(raw, defs, "")


def _resolve(node: dict[str, Any], defs: dict[str, Any], path: str) -> dict[str, Any]:
    """Replace a ``$ref`` or a nullable ``anyOf`` by its target, keeping sibling keywords."""
    siblings = {k: v for k, v in node.items() if k not in {"$ref", "anyOf"}}
    if "$ref" in node:
        target = defs[node["$ref"].rsplit("/", 1)[-1]]
    else:
        branches = [b for b in node["anyOf"] if b != {"type": "null"}]
        if len(branches) != 1:
            raise SchemaError(f"{path or '<root>'}: unions other than X | None are not structural")
        target = branches[0]
        if siblings.get("default", ...) is None:
            del siblings["default"]
    merged = deepcopy(_convert(target, defs, path))
    for key, value in _convert(siblings, defs, path, check_type=False).items():
        if key == _VALIDATIONS and key in merged:
            merged[key] = [*merged[key], *value]
        else:
            merged[key] = value
    return merged


def _convert(
    node: dict[str, Any], defs: dict[str, Any], path: str, *, check_type: bool = True
) -> dict[str, Any]:
    if "$ref" in node or ("anyOf" in node and not node.get(_INT_OR_STRING)):
        return _resolve(node, defs, path)
    out: dict[str, Any] = {}
    for key, value in node.items():
        if key not in _DROPPED:
            out.update(_keyword(key, value, defs, path or "<root>"))
    if "enum" in out and "type" not in out:
        out["type"] = "string"
    if check_type and "type" not in out and not out.get(_INT_OR_STRING):
        raise SchemaError(f"{path or '<root>'}: no type")
    return out


def _keyword(
    key: str,
    value: Any,  # noqa: ANN401 -- a JSON-schema keyword's value is any JSON
    defs: dict[str, Any],
    path: str,
) -> dict[str, Any]:
    """Return the structural keyword(s) for one JSON-schema keyword of a node."""
    result: dict[str, Any]
    if key == "properties":
        result = {key: {name: _convert(sub, defs, f"{path}.{name}") for name, sub in value.items()}}
    elif key == "items":
        result = {key: _convert(value, defs, f"{path}[]")}
    elif key == "additionalProperties":
        # false comes from extra="forbid" (the API server prunes unknown fields itself);
        # true is a free-form object (dict[str, Any]): keep whatever the user wrote.
        if isinstance(value, dict):
            result = {key: _convert(value, defs, f"{path}{{}}")}
        else:
            result = {_PRESERVE: True} if value is True else {}
    elif key == "required":
        result = {key: sorted(value)}
    elif key == "const":
        result = {"enum": [value]}
    elif key in _KEPT or key.startswith("x-kubernetes-"):
        result = {key: value}
    else:
        raise SchemaError(f"{path}: keyword {key!r} has no CRD equivalent")
    return result
