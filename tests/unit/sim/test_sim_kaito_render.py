"""Rendering of the simulated KAITO workload: presets, StatefulSet, Services, revisions."""

from __future__ import annotations

import copy
from typing import Any

import pytest

from airunway.sim.kaito_render import (
    HASH_ANNOTATION,
    PRESETS,
    REVISION_ANNOTATION,
    WORKSPACE_LABEL,
    gpus_per_replica,
    render_services,
    render_workload,
    revision_annotations,
    target_node_count,
)
from airunway.sim.workloads import SIMULATOR_ANNOTATION

H100_MIB = 81559
A100_40_MIB = 40960
T4_MIB = 15360


def workspace(inference: dict[str, Any], **resource: Any) -> dict[str, Any]:
    return {
        "apiVersion": "kaito.sh/v1beta1",
        "kind": "Workspace",
        "metadata": {"name": "ws", "namespace": "ns", "uid": "u-1", "generation": 1},
        "resource": {
            "count": 1,
            "labelSelector": {"matchLabels": {"kubernetes.io/os": "linux"}},
            **resource,
        },
        "inference": inference,
    }


LLAMACPP: dict[str, Any] = {
    "template": {
        "metadata": {"labels": {"airunway.ai/model-deployment": "ws"}},
        "spec": {
            "containers": [
                {
                    "name": "model",
                    "image": "ghcr.io/ggml-org/llama.cpp:server",
                    "args": ["huggingface://Qwen/Qwen2.5-0.5B-Instruct-GGUF", "--address=:5000"],
                    "ports": [{"containerPort": 5000}],
                    "resources": {"requests": {"cpu": "2", "memory": "4Gi"}},
                }
            ]
        },
    }
}


@pytest.mark.parametrize(
    ("preset", "gpu_memory", "gpus"),
    [
        ("phi-4-mini-instruct", None, 1),
        ("phi-4-mini-instruct", T4_MIB, 1),
        ("llama-3.1-8b-instruct", H100_MIB, 1),
        ("llama-3.1-8b-instruct", T4_MIB, 2),
        ("llama-3.3-70b-instruct", None, 2),
        ("llama-3.3-70b-instruct", H100_MIB, 3),
        ("llama-3.3-70b-instruct", A100_40_MIB, 5),
        ("deepseek-r1-0528", H100_MIB, 16),
        ("deepseek-r1-0528", A100_40_MIB, 23),
        ("Qwen/Qwen2.5-0.5B-Instruct", H100_MIB, 1),
        ("no-such-preset", None, 1),
    ],
)
def test_gpus_per_replica_from_the_table_and_the_node_gpu_memory(
    preset: str, gpu_memory: int | None, gpus: int
) -> None:
    assert gpus_per_replica(preset, gpu_memory) == gpus


def test_preset_table_is_sane() -> None:
    assert len(PRESETS) >= 10
    for name, preset in PRESETS.items():
        assert name == name.lower()
        assert preset.gpus >= 1
        assert preset.memory_gib > 0


def test_template_workspace_renders_a_statefulset_from_the_pod_template() -> None:
    ws = workspace(LLAMACPP, count=2)
    sts = render_workload(ws, 2, None)
    assert sts is not None
    assert (sts["apiVersion"], sts["kind"]) == ("apps/v1", "StatefulSet")
    assert sts["metadata"]["name"] == "ws"
    assert sts["metadata"]["namespace"] == "ns"
    assert sts["metadata"]["annotations"] == {SIMULATOR_ANNOTATION: "kaito"}
    assert sts["metadata"]["ownerReferences"] == [
        {
            "apiVersion": "kaito.sh/v1beta1",
            "kind": "Workspace",
            "name": "ws",
            "uid": "u-1",
            "controller": True,
            "blockOwnerDeletion": True,
        }
    ]
    spec = sts["spec"]
    assert spec["replicas"] == 2
    assert spec["selector"] == {"matchLabels": {WORKSPACE_LABEL: "ws"}}
    pod = spec["template"]
    assert pod["metadata"]["labels"] == {
        "airunway.ai/model-deployment": "ws",
        WORKSPACE_LABEL: "ws",
    }
    assert pod["spec"]["containers"] == LLAMACPP["template"]["spec"]["containers"]
    terms = pod["spec"]["affinity"]["nodeAffinity"][
        "requiredDuringSchedulingIgnoredDuringExecution"
    ]
    assert terms == {
        "nodeSelectorTerms": [
            {
                "matchExpressions": [
                    {"key": "kubernetes.io/os", "operator": "In", "values": ["linux"]}
                ]
            }
        ]
    }
    assert {t["key"] for t in pod["spec"]["tolerations"]} == {"nvidia.com/gpu", "sku"}
    # the Workspace itself is never modified
    assert "kaito.sh/workspace" not in LLAMACPP["template"]["metadata"]["labels"]


def test_template_keeps_its_own_tolerations_first() -> None:
    inference = copy.deepcopy(LLAMACPP)
    own = {"key": "dedicated", "operator": "Exists", "effect": "NoSchedule"}
    inference["template"]["spec"]["tolerations"] = [own]
    sts = render_workload(workspace(inference), 1, None)
    assert sts is not None
    assert sts["spec"]["template"]["spec"]["tolerations"][0] == own
    assert len(sts["spec"]["template"]["spec"]["tolerations"]) == 3


def test_preset_workspace_renders_a_vllm_like_gpu_statefulset() -> None:
    ws = workspace(
        {"preset": {"name": "llama-3.1-8b-instruct", "presetOptions": {"modelAccessSecret": "hf"}}},
        labelSelector={"matchLabels": {"nvidia.com/gpu.present": "true"}},
    )
    ws["metadata"]["annotations"] = {REVISION_ANNOTATION: "3"}
    sts = render_workload(ws, 1, T4_MIB)
    assert sts is not None
    assert sts["metadata"]["annotations"][REVISION_ANNOTATION] == "3"
    spec = sts["spec"]
    assert spec["podManagementPolicy"] == "Parallel"
    assert spec["serviceName"] == "ws-headless"
    pod = spec["template"]
    assert pod["metadata"]["labels"] == {WORKSPACE_LABEL: "ws"}
    (container,) = pod["spec"]["containers"]
    assert container["name"] == "ws"
    assert container["resources"] == {
        "requests": {"nvidia.com/gpu": "2"},
        "limits": {"nvidia.com/gpu": "2"},
    }
    assert container["ports"] == [{"containerPort": 5000}]
    assert "--tensor-parallel-size 2" in container["args"][0]
    assert container["readinessProbe"]["httpGet"] == {"path": "/health", "port": 5000}
    assert container["env"] == [
        {"name": "HF_TOKEN", "valueFrom": {"secretKeyRef": {"name": "hf", "key": "HF_TOKEN"}}}
    ]
    expressions = pod["spec"]["affinity"]["nodeAffinity"][
        "requiredDuringSchedulingIgnoredDuringExecution"
    ]["nodeSelectorTerms"][0]["matchExpressions"]
    assert expressions == [{"key": "nvidia.com/gpu.present", "operator": "In", "values": ["true"]}]


def test_unknown_preset_gets_one_gpu_and_no_selector_means_no_affinity() -> None:
    ws = workspace({"preset": {"name": "Qwen/Qwen3-0.6B"}}, labelSelector={})
    sts = render_workload(ws, 1, None)
    assert sts is not None
    pod = sts["spec"]["template"]["spec"]
    assert pod["containers"][0]["resources"]["limits"] == {"nvidia.com/gpu": "1"}
    assert "affinity" not in pod
    assert "env" not in pod["containers"][0]


def test_no_inference_renders_no_workload() -> None:
    assert render_workload(workspace({}), 1, None) is None
    assert render_workload(workspace({"preset": {"name": ""}}), 1, None) is None


def test_services_route_port_80_to_5000_on_pod_zero() -> None:
    service, headless = render_services(workspace(LLAMACPP))
    assert service["metadata"]["name"] == "ws"
    assert service["metadata"]["ownerReferences"][0]["controller"] is True
    http = service["spec"]["ports"][0]
    assert (http["name"], http["port"], http["targetPort"]) == ("http", 80, 5000)
    assert service["spec"]["selector"] == {
        WORKSPACE_LABEL: "ws",
        "statefulset.kubernetes.io/pod-name": "ws-0",
    }
    assert headless["metadata"]["name"] == "ws-headless"
    assert headless["spec"]["clusterIP"] == "None"
    assert headless["spec"]["selector"] == {WORKSPACE_LABEL: "ws"}


def test_revision_counts_spec_changes() -> None:
    ws = workspace(LLAMACPP)
    first = revision_annotations(ws)
    assert first[REVISION_ANNOTATION] == "1"
    assert len(first[HASH_ANNOTATION]) == 64
    ws["metadata"]["annotations"] = first
    assert revision_annotations(ws) == first
    ws["resource"]["count"] = 3
    second = revision_annotations(ws)
    assert second[REVISION_ANNOTATION] == "2"
    assert second[HASH_ANNOTATION] != first[HASH_ANNOTATION]


def test_target_node_count_is_recorded_once() -> None:
    ws = workspace(LLAMACPP, count=2)
    assert target_node_count(ws) == 2
    ws["status"] = {"targetNodeCount": 1}
    assert target_node_count(ws) == 1
    del ws["resource"]["count"]
    ws["status"] = {}
    assert target_node_count(ws) == 1
