"""Gateway rendering and decisions (spec §4.3-§4.8), and how decide() records their outcome."""

from __future__ import annotations

from typing import Any

import pytest

from airunway.api import GatewayCapabilities, InferenceProviderConfig, ModelDeployment
from airunway.controller.gateway import render, rules
from airunway.controller.gateway.render import GatewayRef
from airunway.controller.gateway.result import GatewayResult
from airunway.controller.gateway.rules import NoGatewayError, ProviderGateway
from tests.unit.controller.builders_core import raw_md, round_trip, run

UID = "0b8c3e1e-0000-4000-8000-000000000001"


def _md(**spec: Any) -> ModelDeployment:
    body = {"model": {"id": "Qwen/Qwen3-0.6B"}, "provider": {"name": "vllm"}} | spec
    return ModelDeployment.model_validate(
        {"metadata": {"name": "qwen", "namespace": "team", "uid": UID}, "spec": body}
    )


def _gw(name: str, namespace: str = "gw", **extra: Any) -> dict[str, Any]:
    meta: dict[str, Any] = {"name": name, "namespace": namespace} | extra
    return {"metadata": meta, "spec": {"listeners": [{"name": "http", "port": 80}]}}


# --- rendering --------------------------------------------------------------------------------


def test_pool_selects_labelled_pods_and_points_at_the_epp() -> None:
    pool = render.inference_pool(_md(), 8000, 9002)
    assert pool["metadata"]["ownerReferences"][0]["uid"] == UID
    assert pool["spec"] == {
        "selector": {"matchLabels": {"airunway.ai/model-deployment": "qwen"}},
        "targetPorts": [{"number": 8000}],
        "endpointPickerRef": {"name": "qwen-epp", "port": {"number": 9002}},
    }


def test_epp_set_in_order_with_defaults_and_overrides() -> None:
    objects = render.epp_objects(_md(), image="epp:x", config_data="", epp_port=9002)
    assert [o["kind"] for o in objects] == [
        "ServiceAccount",
        "Role",
        "RoleBinding",
        "ConfigMap",
        "Deployment",
        "Service",
    ]
    assert {o["metadata"]["name"] for o in objects} == {"qwen-epp"}
    assert objects[3]["data"] == {"default-plugins.yaml": render.DEFAULT_EPP_CONFIG}
    pod = objects[4]["spec"]["template"]["spec"]
    container = pod["containers"][0]
    assert container["image"] == "epp:x"
    assert container["args"][:4] == ["--pool-name", "qwen", "--pool-namespace", "team"]
    assert [p["containerPort"] for p in container["ports"]] == [9002, 9003]
    assert objects[4]["spec"]["strategy"] == {"type": "Recreate"}
    assert pod["terminationGracePeriodSeconds"] == 130
    assert objects[5]["spec"]["ports"] == [
        {
            "name": "grpc-ext-proc",
            "protocol": "TCP",
            "port": 9002,
            "appProtocol": "kubernetes.io/h2c",
        }
    ]
    custom = render.epp_objects(_md(), image="i", config_data="kind: X\n", epp_port=9100)
    assert custom[3]["data"] == {"default-plugins.yaml": "kind: X\n"}


def test_route_matches_the_model_name_and_targets_the_pool() -> None:
    route = render.http_route(_md(), GatewayRef("inference", "gw"), "qwen3", ("qwen", "team"))
    assert route["spec"]["parentRefs"] == [
        {
            "group": "gateway.networking.k8s.io",
            "kind": "Gateway",
            "name": "inference",
            "namespace": "gw",
        }
    ]
    rule = route["spec"]["rules"][0]
    assert rule["matches"] == [
        {
            "path": {"type": "PathPrefix", "value": "/"},
            "headers": [{"type": "Exact", "name": "X-Gateway-Model-Name", "value": "qwen3"}],
        }
    ]
    assert rule["backendRefs"] == [
        {
            "group": "inference.networking.k8s.io",
            "kind": "InferencePool",
            "name": "qwen",
            "namespace": "team",
        }
    ]
    assert rule["timeouts"] == {"request": "300s"}


def test_reference_grant_is_owned_by_the_pool() -> None:
    pool = {"metadata": {"name": "qwen-pool", "namespace": "dyn", "uid": "p-1"}}
    grant = render.reference_grant(pool, "team")
    assert grant["metadata"]["name"] == "qwen-pool-referencegrant"
    assert grant["metadata"]["ownerReferences"][0]["uid"] == "p-1"
    assert grant["spec"]["from"] == [
        {"group": "gateway.networking.k8s.io", "kind": "HTTPRoute", "namespace": "team"}
    ]


# --- choices ------------------------------------------------------------------------------------


def test_gateway_choice() -> None:
    assert rules.choose_gateway([_gw("a")], None) == GatewayRef("a", "gw")
    labelled = _gw("b", labels={"airunway.ai/inference-gateway": "true"})
    assert rules.choose_gateway([_gw("a"), labelled], None) == GatewayRef("b", "gw")
    with pytest.raises(NoGatewayError, match="no Gateway resources found in cluster"):
        rules.choose_gateway([], None)
    with pytest.raises(NoGatewayError, match=r"none labeled with airunway\.ai/inference-gateway"):
        rules.choose_gateway([_gw("a"), _gw("c")], None)
    with pytest.raises(NoGatewayError, match=r"^Gateway gw/missing not found$"):
        rules.choose_gateway([_gw("a")], GatewayRef("missing", "gw"))
    assert rules.choose_gateway([_gw("a")], GatewayRef("a", "gw")) == GatewayRef("a", "gw")


def _config(engine: dict[str, Any]) -> InferenceProviderConfig:
    return InferenceProviderConfig.model_validate(
        {"metadata": {"name": "vllm"}, "spec": {"capabilities": {"engines": [engine]}}}
    )


def test_model_name_precedence() -> None:
    plain = ProviderGateway()
    assert rules.model_name(_md(gateway={"modelName": "x"}), plain, "d") == "x"
    served = _md(model={"id": "Qwen/Qwen3-0.6B", "servedName": "qwen"})
    assert rules.model_name(served, plain, "d") == "qwen"
    ignoring = rules.provider_gateway(
        _md(engine={"type": "llamacpp"}),
        [_config({"name": "llamacpp", "gateway": {"ignoresServedName": True}})],
    )
    assert ignoring.ignores_served_name
    assert rules.model_name(served, ignoring, "discovered") == "discovered"
    assert rules.model_name(_md(), plain, None) == "Qwen/Qwen3-0.6B"


def test_api_formats_are_the_capability_s_that_the_engine_serves() -> None:
    md = _md(engine={"type": "vllm"})
    caps = rules.provider_gateway(
        md, [_config({"name": "vllm", "apiFormats": ["openai-chat", "anthropic-messages"]})]
    )
    assert [str(f) for f in caps.api_formats] == ["openai-chat", "anthropic-messages"]
    assert [str(f) for f in rules.provider_gateway(md, []).api_formats] == ["openai-chat"]


def test_target_port() -> None:
    service = {
        "spec": {
            "ports": [
                {"name": "metrics", "port": 9090},
                {"name": "http", "port": 80, "targetPort": 5000},
            ]
        }
    }
    assert rules.target_port(service, None) == 5000
    assert rules.target_port({"spec": {"ports": [{"port": 8000}]}}, None) == 8000
    assert rules.target_port(None, 7000) == 7000
    assert rules.target_port(None, None) == 8000


def test_pool_location_patterns() -> None:
    caps = GatewayCapabilities(
        manages_inference_pool=True, inference_pool_name_pattern="{name}-pool"
    )
    assert rules.pool_location(_md(), caps) == ("qwen-pool", "team")


def test_listener_admission_and_rewrite() -> None:
    same = _gw("g")
    assert rules.admits_routes(same, "gw", {})
    assert not rules.admits_routes(same, "team", {})
    everyone = _gw("g")
    everyone["spec"]["listeners"][0]["allowedRoutes"] = {"namespaces": {"from": "All"}}
    assert rules.admits_routes(everyone, "team", {})
    listeners = rules.rewritten_listeners(same, {"team"})
    selector = listeners[0]["allowedRoutes"]["namespaces"]
    assert selector["from"] == "Selector"
    assert selector["selector"]["matchExpressions"][0]["values"] == ["gw", "team"]
    patched = {"metadata": same["metadata"], "spec": {"listeners": listeners}}
    assert rules.admits_routes(patched, "team", {})
    assert rules.cross_namespaces(patched) == {"team"}
    reverted = rules.rewritten_listeners(patched, set())
    assert reverted[0]["allowedRoutes"]["namespaces"] == {"from": "Same"}


def test_gateway_address() -> None:
    gateway = {"status": {"addresses": [{"value": ""}, {"type": "IPAddress", "value": "10.0.0.9"}]}}
    assert rules.gateway_address(gateway) == "10.0.0.9"
    assert rules.gateway_address(None) == ""


# --- decide() records the outcome -----------------------------------------------------------


RUNNING = {
    "phase": "Running",
    "provider": {"name": "vllm", "selectedReason": "explicit provider selection"},
}


def _running() -> dict[str, Any]:
    return raw_md(
        status=dict(RUNNING),
        provider={"name": "vllm"},
        engine={"type": "vllm"},
        resources={"gpu": {"count": 1}},
    )


def test_decide_records_gateway_status_and_condition() -> None:
    result = GatewayResult(
        condition=("True", "GatewayConfigured", "InferencePool and HTTPRoute created"),
        status={"endpoint": "10.0.0.9", "modelName": "qwen", "gatewayNamespace": "gw"},
    )
    outcome = run(_running(), gateway=result)
    assert outcome.status["gateway"] == result.status
    ready = next(c for c in outcome.status["conditions"] if c["type"] == "GatewayReady")
    assert (ready["status"], ready["reason"]) == ("True", "GatewayConfigured")
    after = round_trip(_running(), outcome)
    again = run(after)  # not Running-reconciled this time: the core keeps what it recorded
    assert again.status["gateway"] == result.status
    cleared = run(after, gateway=GatewayResult(("False", "GatewayDisabled", "x"), clear=True))
    assert "gateway" not in cleared.status


def test_a_failing_deployment_does_not_record_the_gateway() -> None:
    raw = raw_md(status=dict(RUNNING), provider={"name": "vllm"}, model={})
    outcome = run(raw, gateway=GatewayResult(("True", "GatewayConfigured", "x"), status={}))
    assert outcome.phase == "Failed"
    assert "gateway" not in outcome.status
