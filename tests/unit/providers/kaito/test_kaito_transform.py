"""KAITO compatibility check (§1.4) and the Workspace rendering rules (§1.2) case by case."""

from __future__ import annotations

from typing import Any

import pytest

from airunway.api import ModelDeployment, ProviderSpec
from airunway.providers.kaito import KaitoEnv, check, transform
from airunway.providers.kaito.drift import LAST_APPLIED_ANNOTATION
from airunway.providers.kaito.transform import flag_enabled, workspace
from airunway.providers.sdk.errors import OverrideError, TransformError
from tests.unit.providers.kaito.kaito_builders import UID, llamacpp, md


def _ws(model: ModelDeployment, env: KaitoEnv | None = None) -> dict[str, Any]:
    (obj,) = transform(model, env=env).objects
    return obj


def _container(obj: dict[str, Any]) -> dict[str, Any]:
    (container,) = obj["inference"]["template"]["spec"]["containers"]
    return dict(container)


# --- check ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("model", "reason"),
    [
        (md(engine_type="sglang"), "KAITO does not support sglang engine"),
        (md(engine_type="trtllm"), "KAITO does not support trtllm engine"),
        (md(engine_type=None, status_engine="sglang"), "KAITO does not support sglang engine"),
        (
            md(serving={"mode": "disaggregated"}),
            "KAITO does not support disaggregated serving mode",
        ),
        (md(engine_type="llamacpp"), "llamacpp engine requires spec.image to be set"),
        (
            md(engine_type=None, status_engine="llamacpp"),
            "llamacpp engine requires spec.image to be set",
        ),
    ],
)
def test_check_refuses(model: ModelDeployment, reason: str) -> None:
    assert check(model) == reason


def test_check_order_engine_before_serving_mode() -> None:
    model = md(engine_type="sglang", serving={"mode": "disaggregated"})
    assert check(model) == "KAITO does not support sglang engine"


def test_check_wants_the_legacy_image_even_with_engine_image() -> None:
    model = md(engine={"type": "llamacpp", "image": "x"})
    assert check(model) == "llamacpp engine requires spec.image to be set"


@pytest.mark.parametrize("model", [md(), llamacpp(), md(serving={"mode": "aggregated"})])
def test_check_accepts(model: ModelDeployment) -> None:
    assert check(model) is None


# --- transform errors -------------------------------------------------------------------------


def test_unsupported_engine_is_wrapped() -> None:
    with pytest.raises(TransformError) as err:
        transform(md(engine_type="sglang"))
    assert (
        str(err.value)
        == "failed to build inference spec: unsupported engine type for KAITO: sglang"
    )


def test_no_engine_at_all() -> None:
    with pytest.raises(TransformError) as err:
        transform(md(engine_type=None))
    assert str(err.value) == "failed to build inference spec: unsupported engine type for KAITO: "


def test_llamacpp_without_any_image() -> None:
    with pytest.raises(TransformError) as err:
        transform(md(engine_type="llamacpp"))
    assert (
        str(err.value)
        == "failed to build inference spec: image is required for llamacpp engine type"
    )


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"metadata": {"labels": {}}}, 'overriding "metadata" is not allowed'),
        ({"status": {}}, 'overriding "status" is not allowed'),
        ({"apiVersion": "v1"}, 'overriding "apiVersion" is not allowed'),
        ({"kind": "Pod"}, 'overriding "kind" is not allowed'),
        ("{not json", "failed to unmarshal overrides: "),
        ("[1, 2]", "failed to unmarshal overrides: not a JSON object"),
    ],
)
def test_override_errors(overrides: Any, message: str) -> None:
    model = md()
    # Raw (unvalidated) overrides: the API server could hand over a string or a list.
    model.spec.provider = ProviderSpec.model_construct(name="kaito", overrides=overrides)
    with pytest.raises(OverrideError) as err:
        transform(model)
    assert str(err.value).startswith(f"failed to apply provider overrides: {message}")


# --- rendering --------------------------------------------------------------------------------


def test_metadata_owner_and_labels() -> None:
    obj = _ws(md(name="q"))
    meta = obj["metadata"]
    assert meta["name"] == "q"
    assert meta["namespace"] == "ns"
    assert meta["ownerReferences"] == [
        {
            "apiVersion": "airunway.ai/v1alpha1",
            "kind": "ModelDeployment",
            "name": "q",
            "uid": UID,
            "controller": True,
            "blockOwnerDeletion": True,
        }
    ]
    assert meta["labels"]["airunway.ai/model-deployment"] == "q"
    assert type(meta["labels"]["airunway.ai/engine-type"]) is str
    assert set(meta["annotations"]) == {LAST_APPLIED_ANNOTATION}


def test_engine_resolved_from_status() -> None:
    obj = _ws(md(engine_type=None, status_engine="vllm"))
    assert obj["inference"] == {"preset": {"name": "Qwen/Qwen3-0.6B"}}
    assert obj["metadata"]["labels"]["airunway.ai/engine-type"] == "vllm"


def test_vllm_preset_ignores_everything_else() -> None:
    model = md(
        env=[{"name": "A", "value": "b"}],
        secrets={"huggingFaceToken": "hf"},
        resources={"memory": "1Gi", "cpu": "1"},
        image="ignored",
    )
    assert _ws(model)["inference"] == {"preset": {"name": "Qwen/Qwen3-0.6B"}}


@pytest.mark.parametrize(("replicas", "count"), [(None, 1), (0, 1), (1, 1), (4, 4)])
def test_count_from_scaling(replicas: int | None, count: int) -> None:
    spec: dict[str, Any] = {} if replicas is None else {"scaling": {"replicas": replicas}}
    assert _ws(md(**spec))["resource"]["count"] == count


def test_node_selector_then_forced_gpu_label() -> None:
    model = md(
        resources={"gpu": {"count": 2}},
        nodeSelector={"nvidia.com/gpu.present": "false", "kubernetes.io/os": "windows", "a": "b"},
    )
    assert _ws(model)["resource"]["labelSelector"] == {
        "matchLabels": {"kubernetes.io/os": "windows", "a": "b", "nvidia.com/gpu.present": "true"}
    }


def test_no_gpu_label_without_gpus() -> None:
    selector = _ws(md(resources={"gpu": {"count": 0}}))["resource"]["labelSelector"]
    assert selector == {"matchLabels": {"kubernetes.io/os": "linux"}}


@pytest.mark.parametrize(
    ("env", "gpus", "instance_type"),
    [
        (KaitoEnv(), 1, None),
        (KaitoEnv(gpu_instance_type="g", cpu_instance_type="c"), 1, None),
        (KaitoEnv(node_auto_provisioning=True, gpu_instance_type="g"), 1, "g"),
        (KaitoEnv(node_auto_provisioning=True, gpu_instance_type="g"), 0, None),
        (KaitoEnv(node_auto_provisioning=True, cpu_instance_type="c"), 0, "c"),
        (KaitoEnv(node_auto_provisioning=True, cpu_instance_type="c"), 1, None),
    ],
)
def test_instance_type(env: KaitoEnv, gpus: int, instance_type: str | None) -> None:
    resource = _ws(md(resources={"gpu": {"count": gpus}}), env)["resource"]
    assert resource.get("instanceType") == instance_type
    assert "labelSelector" in resource


@pytest.mark.parametrize("raw", ["1", "t", "TRUE", " yes ", "Y", "on", "Enabled", "true\n"])
def test_node_auto_provisioning_flag_on(raw: str) -> None:
    assert flag_enabled(raw)


@pytest.mark.parametrize("raw", [None, "", "0", "false", "no", "off", "disabled", "2"])
def test_node_auto_provisioning_flag_off(raw: str | None) -> None:
    assert not flag_enabled(raw)


def test_env_from_raw_trims_instance_types() -> None:
    assert KaitoEnv.from_raw(" On ", " g ", None) == KaitoEnv(
        node_auto_provisioning=True, gpu_instance_type="g"
    )


def test_llamacpp_image_prefers_engine_image() -> None:
    model = llamacpp(engine={"type": "llamacpp", "image": "engine-img"}, image="legacy-img")
    assert _container(_ws(model))["image"] == "engine-img"


@pytest.mark.parametrize(
    ("spec", "args"),
    [
        ({}, ["huggingface://Qwen/Qwen3-0.6B", "--address=:5000"]),
        (
            {"engine": {"type": "llamacpp", "args": {"ggufUrl": "https://x/y.gguf", "z": "1"}}},
            ["https://x/y.gguf", "--address=:5000"],
        ),
        (
            {"engine": {"type": "llamacpp", "args": {"ggufUrl": ""}}},
            ["huggingface://Qwen/Qwen3-0.6B", "--address=:5000"],
        ),
        ({"model": {"id": "baked", "source": "custom"}}, ["--address=:5000"]),
        ({"model": {"source": "custom"}}, ["--address=:5000"]),
    ],
)
def test_llamacpp_args(spec: dict[str, Any], args: list[str]) -> None:
    assert _container(_ws(llamacpp(**spec)))["args"] == args


@pytest.mark.parametrize(
    ("resources", "expected"),
    [
        (None, None),
        ({"gpu": {"count": 1}}, None),
        ({"memory": "2Gi"}, {"requests": {"memory": "2Gi"}}),
        ({"cpu": "3"}, {"requests": {"cpu": "3"}}),
        (
            {"cpu": "3", "memory": "2Gi", "gpu": {"count": 1}},
            {"requests": {"memory": "2Gi", "cpu": "3"}},
        ),
    ],
)
def test_llamacpp_requests(
    resources: dict[str, Any] | None, expected: dict[str, Any] | None
) -> None:
    spec = {} if resources is None else {"resources": resources}
    assert _container(_ws(llamacpp(**spec))).get("resources") == expected


def test_llamacpp_env_and_token() -> None:
    model = llamacpp(
        env=[
            {"name": "A", "value": "1"},
            {"name": "B", "valueFrom": {"secretKeyRef": {"name": "s", "key": "k"}}},
            {"name": "C", "valueFrom": {"configMapKeyRef": {"name": "c", "key": "k"}}},
        ],
        secrets={"huggingFaceToken": "hf"},
    )
    assert _container(_ws(model))["env"] == [
        {"name": "A", "value": "1"},
        {"name": "B", "valueFrom": {"secretKeyRef": {"name": "s", "key": "k"}}},
        {"name": "C"},
        {"name": "HF_TOKEN", "valueFrom": {"secretKeyRef": {"name": "hf", "key": "HF_TOKEN"}}},
    ]


def test_llamacpp_without_env_has_no_env_key() -> None:
    assert "env" not in _container(_ws(llamacpp()))


def test_llamacpp_template_labels_and_ports() -> None:
    template = _ws(llamacpp(name="g"))["inference"]["template"]
    assert template["metadata"] == {"labels": {"airunway.ai/model-deployment": "g"}}
    container = _container({"inference": {"template": template}})
    assert container["name"] == "model"
    assert container["ports"] == [{"containerPort": 5000}]


def test_pod_template_metadata() -> None:
    model = md(
        podTemplate={
            "metadata": {
                "labels": {"airunway.ai/deployment": "other", "x": "y"},
                "annotations": {"a": "b"},
            }
        }
    )
    meta = _ws(model)["metadata"]
    assert meta["labels"]["airunway.ai/deployment"] == "other"
    assert meta["labels"]["x"] == "y"
    assert meta["annotations"]["a"] == "b"
    assert LAST_APPLIED_ANNOTATION in meta["annotations"]


def test_overrides_merge_and_null_deletes() -> None:
    model = md(
        resources={"gpu": {"count": 1}},
        provider={
            "name": "kaito",
            "overrides": {
                "resource": {
                    "labelSelector": {"matchLabels": {"nvidia.com/gpu.present": None}},
                    "preferredNodes": ["n1"],
                },
                "inference": {"preset": {"name": "override"}, "adapters": [{"strength": "1"}]},
                "tuning": None,
            },
        },
    )
    obj = _ws(model)
    assert obj["resource"] == {
        "count": 1,
        "labelSelector": {"matchLabels": {"kubernetes.io/os": "linux"}},
        "preferredNodes": ["n1"],
    }
    assert obj["inference"] == {"preset": {"name": "override"}, "adapters": [{"strength": "1"}]}
    assert "tuning" not in obj


def test_overrides_can_delete_a_whole_managed_map() -> None:
    model = md(provider={"name": "kaito", "overrides": {"inference": None}})
    obj = _ws(model)
    assert "inference" not in obj
    assert '"inference"' not in obj["metadata"]["annotations"][LAST_APPLIED_ANNOTATION]


def test_workspace_has_no_last_applied_and_transform_adds_it() -> None:
    model = md()
    plain = workspace(model)
    assert "annotations" not in plain["metadata"]
    assert _ws(model) != plain
    assert model == md()  # the input is not mutated
