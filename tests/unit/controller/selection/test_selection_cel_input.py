"""The CEL input (controller-and-crds §3.6 step 2): Go omitempty view, doubles, engine overlay."""

from __future__ import annotations

from typing import Any

import pytest
from pydantic import BaseModel

from airunway.api import ModelDeploymentSpec
from airunway.controller.selection import cel_input, go_json
from airunway.controller.selection.cel_input import TABLE_FIELDS


def spec(**fields: Any) -> ModelDeploymentSpec:
    return ModelDeploymentSpec.model_validate({"model": {"id": "m"}, **fields})


def test_minimal_spec_has_model_and_an_empty_engine() -> None:
    assert go_json(spec()) == {"model": {"id": "m", "source": "huggingface"}, "engine": {}}


def test_reference_example_of_section_1_1_3() -> None:
    example = ModelDeploymentSpec.model_validate(
        {
            "model": {
                "id": "Qwen/Qwen3-0.6B",
                "servedName": "qwen3-small",
                "storage": {
                    "volumes": [{"name": "weights", "purpose": "modelCache", "size": "40Gi"}]
                },
            },
            "provider": {"name": "dynamo"},
            "engine": {
                "type": "vllm",
                "contextLength": 8192,
                "args": {"gpu-memory-utilization": "0.85"},
                "extraArgs": ["--max-num-seqs=32"],
            },
            "resources": {"gpu": {"count": 1}, "memory": "24Gi", "cpu": "4"},
            "scaling": {"replicas": 2},
            "secrets": {"huggingFaceToken": "hf-token"},
            "gateway": {"modelName": "qwen3-small"},
        }
    )
    assert go_json(example) == {
        "model": {
            "id": "Qwen/Qwen3-0.6B",
            "servedName": "qwen3-small",
            "source": "huggingface",
            "storage": {"volumes": [{"name": "weights", "purpose": "modelCache", "size": "40Gi"}]},
        },
        "provider": {"name": "dynamo"},
        "engine": {
            "type": "vllm",
            "contextLength": 8192.0,
            "enablePrefixCaching": True,
            "args": {"gpu-memory-utilization": "0.85"},
            "extraArgs": ["--max-num-seqs=32"],
        },
        "resources": {
            "gpu": {"count": 1.0, "type": "nvidia.com/gpu"},
            "memory": "24Gi",
            "cpu": "4",
        },
        "scaling": {"replicas": 2.0},
        "secrets": {"huggingFaceToken": "hf-token"},
        "gateway": {"modelName": "qwen3-small"},
    }


def test_zero_gpu_count_is_omitted_but_the_gpu_object_stays() -> None:
    assert go_json(spec(resources={"gpu": {"count": 0}}))["resources"] == {
        "gpu": {"type": "nvidia.com/gpu"}
    }


def test_numbers_are_doubles() -> None:
    document = go_json(
        spec(
            resources={"gpu": {"count": 2}},
            scaling={"replicas": 3, "prefill": {"replicas": 1, "gpu": {"count": 4}}},
        )
    )
    assert document["resources"]["gpu"]["count"] == 2.0
    assert type(document["resources"]["gpu"]["count"]) is float
    assert document["scaling"] == {
        "replicas": 3.0,
        "prefill": {"replicas": 1.0, "gpu": {"count": 4.0, "type": "nvidia.com/gpu"}},
    }


def test_false_empty_strings_and_empty_collections_are_omitted() -> None:
    document = go_json(
        spec(
            engine={
                "image": "",
                "trustRemoteCode": False,
                "enablePrefixCaching": False,
                "enforceEager": False,
                "args": {},
                "extraArgs": [],
            },
            image="",
            nodeSelector={},
            tolerations=[],
            env=[],
            scaling={"replicas": 0},
        )
    )
    assert document == {
        "model": {"id": "m", "source": "huggingface"},
        "engine": {},
        "scaling": {},
    }


def test_present_but_empty_objects_are_kept_like_go_pointers() -> None:
    document = go_json(spec(resources={}, gateway={}, secrets={}, podTemplate={"metadata": {}}))
    assert document["resources"] == {}
    assert document["gateway"] == {}
    assert document["secrets"] == {}
    assert document["podTemplate"] == {"metadata": {}}


def test_pointer_scalars_keep_their_zero_value() -> None:
    document = go_json(
        spec(
            engine={"contextLength": 0},
            gateway={"enabled": False},
            model={
                "id": "m",
                "storage": {
                    "volumes": [
                        {"name": "v", "size": 40, "storageClassName": "", "readOnly": False}
                    ]
                },
            },
            tolerations=[{"key": "", "tolerationSeconds": 0}],
        )
    )
    assert document["engine"] == {"contextLength": 0.0, "enablePrefixCaching": True}
    assert document["gateway"] == {"enabled": False}
    assert document["model"]["storage"]["volumes"] == [
        {"name": "v", "purpose": "custom", "size": "40", "storageClassName": ""}
    ]
    assert document["tolerations"] == [{"tolerationSeconds": 0.0}]


def test_overrides_are_raw_json_copied_verbatim_with_doubles() -> None:
    overrides = {"a": 0, "b": False, "c": "", "d": [1, {"e": None}], "f": {}}
    document = go_json(spec(provider={"overrides": overrides}))
    assert document["provider"] == {
        "overrides": {"a": 0.0, "b": False, "c": "", "d": [1.0, {"e": None}], "f": {}}
    }


def test_map_values_and_list_items_keep_zero_values() -> None:
    document = go_json(
        spec(engine={"args": {"k": ""}, "extraArgs": [""]}, nodeSelector={"zone": ""})
    )
    assert document["engine"]["args"] == {"k": ""}
    assert document["engine"]["extraArgs"] == [""]
    assert document["nodeSelector"] == {"zone": ""}


def test_kubernetes_sub_types_follow_their_go_tags() -> None:
    env = [
        {"name": "A", "value": ""},
        {"name": "B", "valueFrom": {"secretKeyRef": {"key": "k", "optional": False}}},
        {"name": "C", "valueFrom": {"resourceFieldRef": {"resource": "limits.cpu"}}},
        {"name": "D", "valueFrom": {"fieldRef": {"fieldPath": "metadata.name"}}},
    ]
    assert go_json(spec(env=env))["env"] == [
        {"name": "A"},
        {"name": "B", "valueFrom": {"secretKeyRef": {"key": "k", "optional": False}}},
        {
            "name": "C",
            "valueFrom": {"resourceFieldRef": {"resource": "limits.cpu", "divisor": "0"}},
        },
        {"name": "D", "valueFrom": {"fieldRef": {"fieldPath": "metadata.name"}}},
    ]


def test_overlay_sets_the_resolved_engine_only_when_engine_type_is_empty() -> None:
    assert cel_input(spec(), "vllm")["engine"] == {"type": "vllm"}
    assert cel_input(spec(engine={"enforceEager": True}), "sglang")["engine"] == {
        "type": "sglang",
        "enablePrefixCaching": True,
        "enforceEager": True,
    }
    assert cel_input(spec(engine={"type": "trtllm"}), "vllm")["engine"]["type"] == "trtllm"
    assert cel_input(spec(), "")["engine"] == {}


def test_cel_input_never_touches_the_spec_nor_shares_state_between_calls() -> None:
    original = spec(resources={"gpu": {"count": 1}})
    before = original.model_dump()
    first = cel_input(original, "vllm")
    first["engine"]["type"] = "mutated"
    first["resources"]["gpu"]["count"] = 99.0
    assert original.model_dump() == before
    assert original.engine is None
    assert cel_input(original, "llamacpp")["engine"] == {"type": "llamacpp"}
    assert cel_input(original, "")["engine"] == {}
    assert go_json(original)["resources"]["gpu"]["count"] == 1.0


TABLE_ENTRIES = sorted((model.__name__, field, model) for model, field in TABLE_FIELDS)


@pytest.mark.parametrize(
    ("name", "field", "model"), TABLE_ENTRIES, ids=[f"{n}.{f}" for n, f, _ in TABLE_ENTRIES]
)
def test_every_go_tag_table_entry_names_a_real_field(
    name: str, field: str, model: type[BaseModel]
) -> None:
    assert field in model.model_fields, f"{name}.{field}"
