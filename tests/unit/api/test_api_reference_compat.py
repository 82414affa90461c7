"""Our generated CRDs are structurally the reference's: same paths, types, enums and defaults.

Whatever the reference CRD accepts, ours must accept too (the reference's examples and clients
depend on it), and where it rejects or defaults, ours must behave the same so objects round-trip
between the two implementations. The comparison walks the reference schema and compares every
keyword that affects validation, pruning or defaulting; descriptions are ours to word. Intended
differences are listed below with their reason, so a new one fails until it is argued here.
"""

from collections.abc import Iterator
from typing import Any

import pytest

# Keywords compared at every node the two schemas share.
COMPARED = (
    "type",
    "format",
    "enum",
    "default",
    "required",
    "pattern",
    "minLength",
    "maxLength",
    "minimum",
    "maximum",
    "minItems",
    "maxItems",
    "anyOf",
    "nullable",
    "x-kubernetes-int-or-string",
    "x-kubernetes-preserve-unknown-fields",
    "x-kubernetes-embedded-resource",
    "x-kubernetes-list-type",
    "x-kubernetes-list-map-keys",
    "x-kubernetes-map-type",
)

# Keywords only our schema may carry, and why.
OURS_ONLY = {
    "description": "worded by us; compared for presence only in test_api_descriptions",
    "x-kubernetes-validations": (
        "CEL rules that restate the reference webhook's rules (airunway.api.cel) so the API "
        "stays safe without the webhook; checked against the webhook semantics separately"
    ),
}

# Schema paths only one side has, and why (none today).
ONLY_IN_REFERENCE: dict[str, str] = {}
ONLY_IN_OURS: dict[str, str] = {}

CRD_FILES = ("airunway.ai_modeldeployments.yaml", "airunway.ai_inferenceproviderconfigs.yaml")


def _children(node: dict[str, Any]) -> Iterator[tuple[str, dict[str, Any]]]:
    for name, sub in node.get("properties", {}).items():
        yield f".{name}", sub
    if isinstance(node.get("items"), dict):
        yield "[]", node["items"]
    if isinstance(node.get("additionalProperties"), dict):
        yield "{}", node["additionalProperties"]


def differences(ref: dict[str, Any], ours: dict[str, Any], path: str = "") -> Iterator[str]:
    where = path or "<root>"
    for key in COMPARED:
        if ref.get(key) != ours.get(key):
            yield f"{where}: {key} reference={ref.get(key)!r} ours={ours.get(key)!r}"
    for key in ours.keys() - ref.keys() - set(COMPARED) - {"properties", "items"}:
        if key not in OURS_ONLY and key != "additionalProperties":
            yield f"{where}: unexpected keyword {key}"
    ref_children = dict(_children(ref))
    our_children = dict(_children(ours))
    for suffix, sub in ref_children.items():
        child = f"{path}{suffix}"
        if suffix not in our_children:
            if child not in ONLY_IN_REFERENCE:
                yield f"{child}: missing in ours"
            continue
        yield from differences(sub, our_children[suffix], child)
    for suffix in our_children.keys() - ref_children.keys():
        if f"{path}{suffix}" not in ONLY_IN_OURS:
            yield f"{path}{suffix}: not in the reference"


def _version(crd: dict[str, Any]) -> dict[str, Any]:
    (version,) = crd["spec"]["versions"]
    result: dict[str, Any] = version
    return result


@pytest.mark.parametrize("file_name", CRD_FILES)
def test_schema_matches_the_reference(
    file_name: str,
    reference_crds: dict[str, dict[str, Any]],
    committed_crds: dict[str, dict[str, Any]],
) -> None:
    ref = _version(reference_crds[file_name])["schema"]["openAPIV3Schema"]
    ours = _version(committed_crds[file_name])["schema"]["openAPIV3Schema"]
    assert list(differences(ref, ours)) == []


@pytest.mark.parametrize("file_name", CRD_FILES)
def test_names_scope_columns_and_subresources_match(
    file_name: str,
    reference_crds: dict[str, dict[str, Any]],
    committed_crds: dict[str, dict[str, Any]],
) -> None:
    ref, ours = reference_crds[file_name], committed_crds[file_name]
    assert ours["metadata"]["name"] == ref["metadata"]["name"]
    for key in ("group", "names", "scope"):
        assert ours["spec"][key] == ref["spec"][key], key
    ref_version, our_version = _version(ref), _version(ours)
    for key in ("name", "served", "storage", "subresources", "additionalPrinterColumns"):
        assert our_version.get(key) == ref_version.get(key), key
    assert "shortNames" not in ours["spec"]["names"]
    assert "categories" not in ours["spec"]["names"]


def test_the_comparison_sees_a_difference(
    reference_crds: dict[str, dict[str, Any]],
) -> None:
    ref = _version(reference_crds[CRD_FILES[0]])["schema"]["openAPIV3Schema"]
    mutated = {**ref, "properties": {**ref["properties"], "kind": {"type": "integer"}}}
    assert any(d.startswith(".kind: type") for d in differences(ref, mutated))
