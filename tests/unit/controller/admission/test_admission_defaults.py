"""The mutating webhook's defaults (spec §2.2) and the JSON Patch that carries them."""

from __future__ import annotations

import copy
from typing import Any

import pytest

from airunway.controller.admission import default_model_deployment
from airunway.controller.admission.defaults import json_patch
from tests.unit.controller.admission.builders import raw_md, storage, volume

GPU_DEFAULT = {"gpu": {"count": 1, "type": "nvidia.com/gpu"}}


def _apply(doc: dict[str, Any], patch: list[dict[str, Any]]) -> dict[str, Any]:
    """Apply add/replace operations (RFC 6902) to a copy of ``doc``."""
    out = copy.deepcopy(doc)
    for op in patch:
        assert op["op"] in {"add", "replace"}
        tokens = [t.replace("~1", "/").replace("~0", "~") for t in op["path"].split("/")[1:]]
        parent: Any = out
        for token in tokens[:-1]:
            parent = parent[int(token)] if isinstance(parent, list) else parent[token]
        last = tokens[-1]
        if isinstance(parent, list):
            parent[int(last)] = op["value"]
        else:
            assert (last in parent) == (op["op"] == "replace"), op
            parent[last] = op["value"]
    return out


def _spec(raw: dict[str, Any]) -> dict[str, Any]:
    result = default_model_deployment(raw)
    assert _apply(raw, result.patch) == result.obj
    spec: dict[str, Any] = result.obj["spec"]
    return spec


def test_minimal_object_gets_every_top_level_default_in_one_patch() -> None:
    raw = raw_md()
    result = default_model_deployment(raw)
    assert result.patch == [
        {"op": "add", "path": "/spec/model/source", "value": "huggingface"},
        {"op": "add", "path": "/spec/serving", "value": {"mode": "aggregated"}},
        {"op": "add", "path": "/spec/scaling", "value": {"replicas": 1}},
    ]
    assert raw == raw_md()  # the input is not modified


def test_source_is_kept_when_set_and_defaulted_when_empty() -> None:
    assert _spec(raw_md(model={"source": "custom"}))["model"]["source"] == "custom"
    assert _spec(raw_md(model={"id": "m", "source": ""}))["model"]["source"] == "huggingface"


def test_empty_serving_mode_is_replaced() -> None:
    raw = raw_md(serving={"mode": ""})
    result = default_model_deployment(raw)
    assert {"op": "replace", "path": "/spec/serving/mode", "value": "aggregated"} in result.patch


def test_null_serving_is_replaced_by_the_default() -> None:
    assert _spec(raw_md(serving=None))["serving"] == {"mode": "aggregated"}


def test_an_explicit_replicas_zero_is_left_alone() -> None:
    spec = _spec(raw_md(scaling={"replicas": 0}))
    assert spec["scaling"] == {"replicas": 0}


def test_disaggregated_mode_gets_no_scaling_or_gpu_default() -> None:
    spec = _spec(raw_md(serving={"mode": "disaggregated"}, engine={"type": "vllm"}))
    assert "scaling" not in spec
    assert "resources" not in spec


@pytest.mark.parametrize(
    ("fields", "resources"),
    [
        ({"engine": {"type": "vllm"}}, GPU_DEFAULT),
        ({"engine": {"type": "sglang"}}, GPU_DEFAULT),
        ({"engine": {"type": "trtllm", "image": "repo/trt:1"}}, GPU_DEFAULT),
        ({"engine": {"type": "vllm"}, "image": "repo/custom:1"}, None),
        ({"engine": {"type": "llamacpp"}}, None),
        ({"engine": {}}, None),
        ({}, None),
        ({"engine": {"type": "vllm"}, "resources": {"cpu": "4"}}, {"cpu": "4"}),
    ],
    ids=[
        "vllm",
        "sglang",
        "engine image does not suppress",
        "legacy image suppresses",
        "llamacpp",
        "empty engine",
        "no engine",
        "explicit resources kept",
    ],
)
def test_gpu_default_needs_an_explicit_non_llamacpp_engine_and_no_legacy_image(
    fields: dict[str, Any], resources: dict[str, Any] | None
) -> None:
    assert _spec(raw_md(**fields)).get("resources") == resources


def test_gpu_types_are_defaulted_everywhere_a_gpu_is_given() -> None:
    spec = _spec(
        raw_md(
            resources={"gpu": {"count": 2}},
            scaling={"prefill": {"gpu": {"count": 1, "type": ""}}, "decode": {"gpu": {}}},
        )
    )
    assert spec["resources"]["gpu"] == {"count": 2, "type": "nvidia.com/gpu"}
    assert spec["scaling"]["prefill"]["gpu"] == {"count": 1, "type": "nvidia.com/gpu"}
    assert spec["scaling"]["decode"]["gpu"] == {"type": "nvidia.com/gpu"}


def test_a_custom_gpu_type_is_kept() -> None:
    spec = _spec(raw_md(resources={"gpu": {"count": 1, "type": "amd.com/gpu"}}))
    assert spec["resources"]["gpu"]["type"] == "amd.com/gpu"


@pytest.mark.parametrize(
    ("given", "expected"),
    [
        ({"purpose": "modelCache", "claimName": "pvc"}, {"mountPath": "/model-cache"}),
        ({"purpose": "compilationCache", "claimName": "pvc"}, {"mountPath": "/compilation-cache"}),
        ({"claimName": "pvc"}, {"purpose": "custom"}),
        ({"purpose": "modelCache", "mountPath": "/weights", "claimName": "pvc"}, {}),
        (
            {"purpose": "modelCache", "size": "40Gi"},
            {
                "mountPath": "/model-cache",
                "claimName": "qwen-w",
                "accessMode": "ReadWriteMany",
            },
        ),
        (
            {"purpose": "custom", "mountPath": "/x", "size": 1, "accessMode": "ReadWriteOnce"},
            {"claimName": "qwen-w"},
        ),
        ({"purpose": "custom", "mountPath": "/x", "claimName": "pvc"}, {}),
    ],
    ids=[
        "model cache mount path",
        "compilation cache mount path",
        "purpose defaults to custom, custom gets no mount path",
        "explicit mount path kept",
        "claim name and access mode with size",
        "explicit access mode kept",
        "no claim/access defaults without size",
    ],
)
def test_volume_defaults(given: dict[str, Any], expected: dict[str, Any]) -> None:
    spec = _spec(raw_md(model=storage(volume(**given))))
    assert spec["model"]["storage"]["volumes"] == [{"name": "w", **given, **expected}]


def test_volume_patch_targets_each_volume_by_index() -> None:
    raw = raw_md(
        model=storage(
            volume("a", purpose="custom", mountPath="/a", claimName="pvc"),
            volume("b", purpose="compilationCache", claimName="pvc-b"),
        )
    )
    patch = default_model_deployment(raw).patch
    assert {
        "op": "add",
        "path": "/spec/model/storage/volumes/1/mountPath",
        "value": "/compilation-cache",
    } in patch
    assert not [op for op in patch if op["path"].startswith("/spec/model/storage/volumes/0")]


def test_defaulting_is_idempotent() -> None:
    raw = raw_md(engine={"type": "vllm"}, model=storage(volume(purpose="modelCache", size="1Gi")))
    once = default_model_deployment(raw).obj
    assert default_model_deployment(once).patch == []


def test_unknown_fields_and_metadata_are_preserved() -> None:
    raw = raw_md(engine={"type": "vllm", "futureField": {"x": 1}})
    raw["metadata"]["labels"] = {"a": "b"}
    raw["spec"]["somethingNew"] = [1, 2]
    obj = default_model_deployment(raw).obj
    assert obj["spec"]["engine"]["futureField"] == {"x": 1}
    assert obj["spec"]["somethingNew"] == [1, 2]
    assert obj["metadata"] == raw["metadata"]


def test_generated_name_is_used_as_is_for_claim_names() -> None:
    raw = raw_md(model=storage(volume(purpose="modelCache", size="1Gi")))
    del raw["metadata"]["name"]
    volumes = default_model_deployment(raw).obj["spec"]["model"]["storage"]["volumes"]
    assert volumes[0]["claimName"] == "-w"


@pytest.mark.parametrize(
    "raw",
    [
        {"spec": "nonsense"},
        {"spec": {"model": {"id": "m"}, "serving": "agg", "engine": "vllm"}},
        {"spec": {"model": {"storage": {"volumes": "many"}}, "scaling": 3, "resources": []}},
        {"spec": {"model": {"storage": {"volumes": [None, 1, {"name": "v", "purpose": []}]}}}},
    ],
)
def test_malformed_objects_are_left_for_schema_validation(raw: dict[str, Any]) -> None:
    result = default_model_deployment(raw)
    assert _apply(raw, result.patch) == result.obj


def test_missing_model_is_created_with_its_source() -> None:
    raw = {"metadata": {"name": "x"}, "spec": {}}
    assert default_model_deployment(raw).obj["spec"]["model"] == {"source": "huggingface"}


def test_missing_spec_is_created_like_the_reference_go_struct() -> None:
    raw: dict[str, Any] = {"metadata": {"name": "x"}}
    result = default_model_deployment(raw)
    assert result.patch == [
        {
            "op": "add",
            "path": "/spec",
            "value": {
                "model": {"source": "huggingface"},
                "serving": {"mode": "aggregated"},
                "scaling": {"replicas": 1},
            },
        }
    ]


def test_json_patch_escapes_pointer_tokens_and_replaces_changed_types() -> None:
    assert json_patch({"a/b~c": 1}, {"a/b~c": 2}) == [
        {"op": "replace", "path": "/a~1b~0c", "value": 2}
    ]
    assert json_patch({"x": None}, {"x": {"y": 1}}) == [
        {"op": "replace", "path": "/x", "value": {"y": 1}}
    ]
    assert json_patch({"x": [1]}, {"x": [1, 2]}) == [
        {"op": "replace", "path": "/x", "value": [1, 2]}
    ]
    assert json_patch({"x": 1}, {"x": 1}) == []
