"""Direct vLLM rendering (spec §5.2): args order and dedup, validation texts, image, volumes."""

from __future__ import annotations

from typing import Any

import pytest

from airunway.api import ModelDeployment
from airunway.providers.sdk.errors import OverrideError, TransformError
from airunway.providers.vllm import DEFAULT_IMAGE, transform
from airunway.providers.vllm.transform import flag_key, vllm_args
from tests.unit.providers.vllm.vllm_builders import engine, vllm_md

NET = ["--host", "0.0.0.0", "--port", "8000"]  # noqa: S104 -- the rendered server address
RESERVED_TAIL = (
    "conflicts with Direct vLLM generated networking; Direct vLLM currently requires host "
    "0.0.0.0 and port 8000 to keep the container, Service, and probes aligned"
)
PINNED = "vllm/vllm-openai@sha256:0123"


def _deployment(md: ModelDeployment, **kwargs: Any) -> dict[str, Any]:
    return transform(md, **kwargs).primary


def _container(md: ModelDeployment, **kwargs: Any) -> dict[str, Any]:
    container: dict[str, Any] = _deployment(md, **kwargs)["spec"]["template"]["spec"]["containers"][
        0
    ]
    return container


def _error(md: ModelDeployment) -> str:
    with pytest.raises(TransformError) as caught:
        transform(md)
    return str(caught.value)


# --- args ----------------------------------------------------------------------------------------


def test_args_follow_the_documented_order() -> None:
    md = vllm_md(
        model={"id": "org/model", "servedName": "served"},
        engine=engine(
            contextLength=8192,
            trustRemoteCode=True,
            enforceEager=True,
            enablePrefixCaching=True,
            args={"z-last": "1", "a-first": "", "block-size": "16"},
            extraArgs=["--max-num-seqs", "8", "raw"],
        ),
        resources={"gpu": {"count": 4}},
    )
    assert vllm_args(md) == [
        *NET,
        *["--model", "org/model", "--served-model-name", "served", "--max-model-len", "8192"],
        *["--trust-remote-code", "--enforce-eager", "--enable-prefix-caching"],
        *["--tensor-parallel-size", "4"],
        *["--a-first", "--block-size", "16", "--z-last", "1"],
        *["--max-num-seqs", "8", "raw"],
    ]
    assert _container(md)["args"] == vllm_args(md)


def test_minimal_args() -> None:
    md = vllm_md(engine=engine(enablePrefixCaching=False))
    assert vllm_args(md) == [*NET, "--model", "Qwen/Qwen3-0.6B"]


def test_prefix_caching_is_on_by_default_and_has_no_negative_flag() -> None:
    assert vllm_args(vllm_md())[-1] == "--enable-prefix-caching"
    assert "--no-enable-prefix-caching" not in vllm_args(
        vllm_md(engine=engine(enablePrefixCaching=False))
    )


def test_an_absent_engine_block_derives_no_boolean_flags() -> None:
    md = vllm_md(engine=None)
    assert vllm_args(md) == [*NET, "--model", "Qwen/Qwen3-0.6B"]


@pytest.mark.parametrize(("gpus", "tp"), [(1, []), (2, ["--tensor-parallel-size", "2"])])
def test_tensor_parallelism_only_above_one_gpu(gpus: int, tp: list[str]) -> None:
    md = vllm_md(engine=engine(enablePrefixCaching=False), resources={"gpu": {"count": gpus}})
    assert vllm_args(md) == [*NET, "--model", "Qwen/Qwen3-0.6B", *tp]


DERIVED = (
    "model",
    "served-model-name",
    "max-model-len",
    "trust-remote-code",
    "enforce-eager",
    "enable-prefix-caching",
    "tensor-parallel-size",
)


def _all_derived(**fields: Any) -> ModelDeployment:
    return vllm_md(
        model={"id": "org/model", "servedName": "served"},
        engine=engine(contextLength=1024, trustRemoteCode=True, enforceEager=True, **fields),
        resources={"gpu": {"count": 2}},
    )


@pytest.mark.parametrize("key", DERIVED)
def test_an_explicit_args_key_replaces_the_derived_flag(key: str) -> None:
    args = vllm_args(_all_derived(args={key: "7"}))
    assert args.count(f"--{key}") == 1
    assert args[-2:] == [f"--{key}", "7"]


@pytest.mark.parametrize("key", DERIVED)
@pytest.mark.parametrize("form", ["--{key}=7", "--{key}"])
def test_an_explicit_extra_arg_replaces_the_derived_flag(key: str, form: str) -> None:
    token = form.format(key=key)
    args = vllm_args(_all_derived(extraArgs=[token]))
    assert [a for a in args if a.split("=")[0] == f"--{key}"] == [token]
    assert args[-1] == token


def test_a_non_flag_extra_arg_does_not_suppress_anything() -> None:
    args = vllm_args(_all_derived(extraArgs=["model", "-model", "---model", "--"]))
    assert args.count("--model") == 1
    assert args[-4:] == ["model", "-model", "---model", "--"]


@pytest.mark.parametrize(
    ("token", "key"),
    [
        ("--port", "port"),
        ("--max-num-seqs=8", "max-num-seqs"),
        ("-- spaced =x", "spaced"),
        ("--=x", None),
        ("--", None),
        ("---x", None),
        ("-x", None),
        ("value", None),
    ],
)
def test_flag_key(token: str, key: str | None) -> None:
    assert flag_key(token) == key


# --- validation texts ----------------------------------------------------------------------------


@pytest.mark.parametrize("key", ["host", "port", "--port", "--port=9000", " port ", "-host"])
def test_reserved_args_keys_are_refused(key: str) -> None:
    message = _error(vllm_md(engine=engine(args={key: "x"})))
    assert message == f'failed to build vLLM args: engine arg "{key}" {RESERVED_TAIL}'


@pytest.mark.parametrize("token", ["--host", "--host=127.0.0.1", "--port=9000", "-- port"])
def test_reserved_extra_args_are_refused(token: str) -> None:
    message = _error(vllm_md(engine=engine(extraArgs=["--ok", token])))
    assert message == f'failed to build vLLM args: engine extraArg "{token}" {RESERVED_TAIL}'


@pytest.mark.parametrize("token", ["-port", "---port", "port"])
def test_tokens_that_are_not_flags_are_not_reserved(token: str) -> None:
    assert vllm_args(vllm_md(engine=engine(extraArgs=[token])))[-1] == token


def test_reserved_args_keys_are_reported_in_sorted_order() -> None:
    message = _error(vllm_md(engine=engine(args={"port": "1", "host": "h"})))
    assert message == f'failed to build vLLM args: engine arg "host" {RESERVED_TAIL}'


@pytest.mark.parametrize("token", ["--tensor-parallel-size=2", "--tensor-parallel-size"])
def test_a_flag_in_both_args_and_extra_args_is_refused(token: str) -> None:
    md = vllm_md(engine=engine(args={"tensor-parallel-size": "4"}, extraArgs=[token]))
    assert _error(md) == (
        'failed to build vLLM args: launch flag "tensor-parallel-size" is set in both '
        f'spec.engine.args and spec.engine.extraArgs ("{token}"); set it in exactly one place so '
        "the engine does not receive conflicting values"
    )


def test_reserved_flags_are_checked_before_duplicates() -> None:
    md = vllm_md(engine=engine(args={"port": "1"}, extraArgs=["--port=2"]))
    assert _error(md) == f'failed to build vLLM args: engine arg "port" {RESERVED_TAIL}'


def test_messages_quote_like_go() -> None:
    md = vllm_md(engine=engine(extraArgs=['--host="a"\t']))
    assert _error(md) == (
        f'failed to build vLLM args: engine extraArg "--host=\\"a\\"\\t" {RESERVED_TAIL}'
    )


@pytest.mark.parametrize("key", ["-bad", "bad key", "semi;colon", ""])
def test_invalid_args_keys_are_refused(key: str) -> None:
    assert _error(vllm_md(engine=engine(args={key: "x"}))) == (
        f'failed to build vLLM args: invalid engine arg key "{key}": must contain only '
        "alphanumeric characters, hyphens, and underscores"
    )


def test_the_engine_is_checked_first() -> None:
    md = vllm_md(engine={"type": "sglang", "args": {"port": "1"}})
    assert _error(md) == "vLLM provider only supports vllm engine, got sglang"


# --- overrides -----------------------------------------------------------------------------------


@pytest.mark.parametrize("key", ["apiVersion", "kind", "metadata", "status"])
def test_identity_overrides_are_refused(key: str) -> None:
    md = vllm_md(provider={"name": "vllm", "overrides": {key: {}}})
    with pytest.raises(OverrideError) as caught:
        transform(md)
    assert str(caught.value) == (
        f'failed to build Deployment: failed to apply provider overrides: overriding "{key}" '
        "is not allowed"
    )


def test_overrides_reach_the_pod_spec_and_never_the_service() -> None:
    overrides = {"spec": {"template": {"spec": {"hostIPC": False, "containers": []}}}}
    rendered = transform(vllm_md(provider={"name": "vllm", "overrides": overrides}))
    deployment, service = rendered.objects
    assert deployment["spec"]["template"]["spec"]["containers"] == []  # lists replace
    assert deployment["spec"]["template"]["spec"]["hostIPC"] is False
    assert service == transform(vllm_md()).objects[1]


# --- image ---------------------------------------------------------------------------------------


def test_image_defaults_to_the_nightly_tag() -> None:
    assert _container(vllm_md())["image"] == DEFAULT_IMAGE == "vllm/vllm-openai:cu130-nightly"


def test_a_resolved_image_replaces_the_default() -> None:
    assert _container(vllm_md(), resolved_image=PINNED)["image"] == PINNED


def test_status_image_resolved_is_used_when_nothing_is_passed() -> None:
    md = vllm_md(status={"image": {"resolved": f"  {PINNED} "}})
    assert _container(md)["image"] == PINNED
    assert _container(md, resolved_image="other@sha256:1")["image"] == "other@sha256:1"
    assert _container(vllm_md(status={"image": {"resolved": " "}}))["image"] == DEFAULT_IMAGE


@pytest.mark.parametrize(
    "spec", [{"engine": engine(image="acme/vllm:1")}, {"image": "acme/vllm:1"}]
)
def test_an_image_override_always_wins(spec: dict[str, Any]) -> None:
    md = vllm_md(status={"image": {"resolved": PINNED}}, **spec)
    assert _container(md, resolved_image=PINNED)["image"] == "acme/vllm:1"


# --- pod shape -----------------------------------------------------------------------------------


def test_one_gpu_has_no_volumes_and_two_get_shared_memory_first() -> None:
    pod = _deployment(vllm_md())["spec"]["template"]["spec"]
    assert "volumes" not in pod
    assert "volumeMounts" not in pod["containers"][0]
    storage = {"volumes": [{"name": "cache", "purpose": "modelCache", "claimName": "pvc"}]}
    md = vllm_md(resources={"gpu": {"count": 2}}, model={"id": "m", "storage": storage})
    pod = _deployment(md)["spec"]["template"]["spec"]
    assert pod["volumes"] == [
        {"name": "shm", "emptyDir": {"medium": "Memory", "sizeLimit": "20Gi"}},
        {"name": "cache", "persistentVolumeClaim": {"claimName": "pvc"}},
    ]
    assert pod["containers"][0]["volumeMounts"] == [
        {"name": "shm", "mountPath": "/dev/shm"},  # noqa: S108 -- a memory-backed emptyDir
        {"name": "cache", "mountPath": "/model-cache"},
    ]


def test_probes_hit_the_health_endpoint() -> None:
    container = _container(vllm_md())
    probe = {"httpGet": {"path": "/health", "port": 8000}, "initialDelaySeconds": 15}
    assert container["startupProbe"] == probe | {"periodSeconds": 10, "failureThreshold": 60}
    assert container["livenessProbe"] == probe | {"periodSeconds": 10, "failureThreshold": 3}
    assert container["readinessProbe"] == probe | {"periodSeconds": 5, "failureThreshold": 3}
    assert "command" not in container


def test_renders_do_not_share_data() -> None:
    first = _container(vllm_md())
    first["startupProbe"]["httpGet"]["port"] = 1
    assert _container(vllm_md())["startupProbe"]["httpGet"]["port"] == 8000


def test_resources_are_omitted_when_empty_and_cpu_is_only_requested() -> None:
    assert "resources" not in _container(vllm_md(resources={"gpu": {"count": 0}}))
    container = _container(vllm_md(resources={"gpu": {"count": 1}, "cpu": "2", "memory": "8Gi"}))
    assert container["resources"] == {
        "limits": {"nvidia.com/gpu": "1", "memory": "8Gi"},
        "requests": {"nvidia.com/gpu": "1", "memory": "8Gi", "cpu": "2"},
    }


def test_gpu_type_is_ignored() -> None:
    md = vllm_md(resources={"gpu": {"count": 1, "type": "amd.com/gpu"}})
    assert _container(md)["resources"]["limits"] == {"nvidia.com/gpu": "1"}


@pytest.mark.parametrize(
    ("scaling", "replicas"), [(None, 1), ({"replicas": 0}, 1), ({"replicas": 4}, 4)]
)
def test_replicas(scaling: dict[str, int] | None, replicas: int) -> None:
    assert _deployment(vllm_md(scaling=scaling))["spec"]["replicas"] == replicas


def test_no_env_key_without_env() -> None:
    assert "env" not in _container(vllm_md())


def test_user_hf_token_is_kept_without_a_token_secret() -> None:
    md = vllm_md(env=[{"name": "HF_TOKEN", "value": "inline"}])
    assert _container(md)["env"] == [{"name": "HF_TOKEN", "value": "inline"}]


# --- disaggregated (rendered like the reference, though check() refuses the mode) -----------


def _pd(**scaling: Any) -> ModelDeployment:
    return vllm_md(serving={"mode": "disaggregated"}, resources=None, scaling=scaling)


def test_disaggregated_renders_decode_then_prefill() -> None:
    md = _pd(
        decode={"replicas": 2, "gpu": {"count": 2}, "memory": "40Gi"},
        prefill={"replicas": 1, "gpu": {"count": 1}},
    )
    objects = transform(md).objects
    assert [(o["kind"], o["metadata"]["name"]) for o in objects] == [
        ("Deployment", "qwen-decode"),
        ("Deployment", "qwen-prefill"),
        ("Service", "qwen-decode"),
        ("Service", "qwen-prefill"),
    ]
    decode, prefill = (o["spec"]["template"]["spec"] for o in objects[:2])
    assert decode["containers"][0]["args"][-4:] == [
        *["--tensor-parallel-size", "2", "--kv-transfer-config"],
        '{"kv_connector":"PyNcclConnector","kv_role":"kv_consumer"}',
    ]
    assert prefill["containers"][0]["args"][-2:] == [
        "--kv-transfer-config",
        '{"kv_connector":"PyNcclConnector","kv_role":"kv_producer"}',
    ]
    assert [v["name"] for v in decode["volumes"]] == ["shm"]
    assert "volumes" not in prefill
    assert decode["containers"][0]["resources"]["requests"] == {
        "nvidia.com/gpu": "2",
        "memory": "40Gi",
    }
    assert objects[0]["spec"]["replicas"] == 2
    assert objects[2]["spec"]["selector"] == {
        "airunway.ai/deployment": "qwen",
        "app": "qwen-decode",
    }


@pytest.mark.parametrize(
    ("scaling", "message"),
    [
        (None, "spec.scaling is required for disaggregated serving mode"),
        ({"prefill": {}}, "spec.scaling.decode is required for disaggregated serving mode"),
        ({"decode": {}}, "spec.scaling.prefill is required for disaggregated serving mode"),
        (
            {"decode": {}, "prefill": {"gpu": {"count": 1}}},
            "spec.scaling.decode.gpu is required for disaggregated serving mode",
        ),
        (
            {"decode": {"gpu": {"count": 1}}, "prefill": {}},
            "spec.scaling.prefill.gpu is required for disaggregated serving mode",
        ),
    ],
)
def test_disaggregated_guards(scaling: dict[str, Any] | None, message: str) -> None:
    md = vllm_md(serving={"mode": "disaggregated"}, resources=None, scaling=scaling)
    assert _error(md) == message


def test_disaggregated_errors_name_the_component() -> None:
    md = _pd(decode={"gpu": {"count": 1}}, prefill={"gpu": {"count": 1}})
    md.spec.engine.args = {"bad key": "x"}  # type: ignore[union-attr]
    assert _error(md).startswith(
        'failed to build decode vLLM args: invalid engine arg key "bad key"'
    )
    md = _pd(decode={"gpu": {"count": 1}}, prefill={"gpu": {"count": 1}})
    md.spec.provider.overrides = {"kind": "x"}  # type: ignore[union-attr]
    assert _error(md) == (
        "failed to build decode Deployment: failed to apply provider overrides: "
        'overriding "kind" is not allowed'
    )
