"""The generated CRD schemas are structural, so the API server accepts, prunes and defaults them.

The walker here is deliberately independent of ``airunway.api._schema``: it restates the
Kubernetes rules for structural schemas instead of trusting the code under test.
"""

from collections.abc import Iterator
from typing import Any

import pytest
from pydantic import BaseModel, Field

from airunway.api._schema import SchemaError, structural_schema
from airunway.api.crdgen import CRDS, object_schema

INT_OR_STRING_ANY_OF = [{"type": "integer"}, {"type": "string"}]
FORBIDDEN = ("$ref", "definitions", "$defs", "title", "allOf", "oneOf", "not", "nullable")
ALLOWED_TYPES = {"object", "array", "string", "integer", "number", "boolean"}


def _node_problems(node: dict[str, Any], where: str) -> Iterator[str]:
    int_or_string = node.get("x-kubernetes-int-or-string") is True
    preserve = node.get("x-kubernetes-preserve-unknown-fields") is True
    yield from (f"{where}: {key}" for key in FORBIDDEN if key in node)
    if "anyOf" in node and not (int_or_string and node["anyOf"] == INT_OR_STRING_ANY_OF):
        yield f"{where}: anyOf other than the int-or-string form"
    if "type" not in node and not (int_or_string or preserve):
        yield f"{where}: no type"
    if "type" in node and (node["type"] not in ALLOWED_TYPES or int_or_string):
        yield f"{where}: type {node['type']!r}"
    if "properties" in node and "additionalProperties" in node:
        yield f"{where}: properties and additionalProperties together"
    if isinstance(node.get("additionalProperties"), bool):
        yield f"{where}: boolean additionalProperties"
    if node.get("type") == "array" and "items" not in node:
        yield f"{where}: array without items"
    if "enum" in node and node.get("type") != "string":
        yield f"{where}: enum on a non-string"


def structural_problems(node: dict[str, Any], path: str = "") -> Iterator[str]:
    yield from _node_problems(node, path or "<root>")
    for name, sub in node.get("properties", {}).items():
        yield from structural_problems(sub, f"{path}.{name}")
    if isinstance(node.get("items"), dict):
        yield from structural_problems(node["items"], f"{path}[]")
    if isinstance(node.get("additionalProperties"), dict):
        yield from structural_problems(node["additionalProperties"], f"{path}{{}}")


def test_generated_schemas_are_structural() -> None:
    for crd in CRDS:
        assert list(structural_problems(object_schema(crd))) == [], crd.kind


def test_committed_crds_are_structural(committed_crds: dict[str, dict[str, Any]]) -> None:
    assert committed_crds
    for name, doc in committed_crds.items():
        (version,) = doc["spec"]["versions"]
        assert list(structural_problems(version["schema"]["openAPIV3Schema"])) == [], name


def test_metadata_is_left_to_kubernetes() -> None:
    for crd in CRDS:
        assert object_schema(crd)["properties"]["metadata"] == {"type": "object"}


def test_walker_catches_a_non_structural_schema() -> None:
    bad = {
        "type": "object",
        "properties": {
            "a": {"anyOf": [{"type": "string"}, {"type": "null"}]},
            "b": {"$ref": "#/$defs/B"},
            "c": {"type": "object", "additionalProperties": False, "properties": {}},
        },
    }
    assert len(list(structural_problems(bad))) >= 4


class _Union(BaseModel):
    """A model with a union no CRD can express."""

    value: int | str = Field(description="either")


def test_translation_refuses_real_unions() -> None:
    with pytest.raises(SchemaError, match="value"):
        structural_schema(_Union)
