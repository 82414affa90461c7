"""The gateway simulator's statuses (pure): Gateway API shapes and reasons."""

from __future__ import annotations

from typing import Any

from airunway.sim.gateway import upstream_objects
from airunway.sim.gateway_status import (
    address,
    admitting_listeners,
    class_status,
    gateway_status,
    resolved_refs,
)

NOW = "2026-01-01T00:00:00Z"
LATER = "2026-01-01T01:00:00Z"


def _gateway(**allowed: Any) -> dict[str, Any]:
    listener: dict[str, Any] = {"name": "http", "port": 80, "protocol": "HTTP"}
    if allowed:
        listener["allowedRoutes"] = {"namespaces": allowed}
    return {
        "metadata": {"name": "gw", "namespace": "edge", "generation": 3},
        "spec": {"listeners": [listener]},
    }


def test_gateway_is_accepted_and_programmed_with_a_stable_address() -> None:
    gateway = _gateway()
    status = gateway_status(gateway, {"http": 2}, NOW)
    assert [(c["type"], c["status"]) for c in status["conditions"]] == [
        ("Accepted", "True"),
        ("Programmed", "True"),
    ]
    assert status["addresses"] == [{"type": "IPAddress", "value": address(gateway)}]
    listener = status["listeners"][0]
    assert listener["attachedRoutes"] == 2
    assert listener["supportedKinds"] == [
        {"group": "gateway.networking.k8s.io", "kind": "HTTPRoute"}
    ]
    assert {c["observedGeneration"] for c in listener["conditions"]} == {3}
    # an unchanged condition keeps its transition time
    again = gateway_status(gateway | {"status": status}, {"http": 2}, LATER)
    assert again == status


def test_class_is_accepted() -> None:
    status = class_status({"metadata": {"name": "c", "generation": 1}}, NOW)
    assert status["conditions"][0]["reason"] == "Accepted"


def test_listener_admission() -> None:
    assert admitting_listeners(_gateway(), None, "edge", {}) == ["http"]
    assert admitting_listeners(_gateway(), None, "models", {}) == []
    assert admitting_listeners(_gateway(**{"from": "All"}), None, "models", {}) == ["http"]
    selector = {
        "matchExpressions": [
            {"key": "kubernetes.io/metadata.name", "operator": "In", "values": ["models"]}
        ]
    }
    chosen = _gateway(**{"from": "Selector", "selector": selector})
    labels = {"kubernetes.io/metadata.name": "models"}
    assert admitting_listeners(chosen, None, "models", labels) == ["http"]
    assert admitting_listeners(chosen, "other", "models", labels) == []


def _route(namespace: str | None) -> dict[str, Any]:
    backend: dict[str, Any] = {
        "group": "inference.networking.k8s.io",
        "kind": "InferencePool",
        "name": "pool",
    }
    if namespace:
        backend["namespace"] = namespace
    return {"metadata": {"namespace": "models"}, "spec": {"rules": [{"backendRefs": [backend]}]}}


def test_cross_namespace_backends_need_a_reference_grant() -> None:
    exists = {("InferencePool", "models", "pool"), ("InferencePool", "dyn", "pool")}
    assert resolved_refs(_route(None), [], exists)[0]
    resolved, reason, message = resolved_refs(_route("dyn"), [], exists)
    assert (resolved, reason) == (False, "RefNotPermitted")
    assert message == "backendRef InferencePool dyn/pool is not permitted by any ReferenceGrant"
    grant = {
        "metadata": {"namespace": "dyn"},
        "spec": {
            "from": [
                {"group": "gateway.networking.k8s.io", "kind": "HTTPRoute", "namespace": "models"}
            ],
            "to": [
                {"group": "inference.networking.k8s.io", "kind": "InferencePool", "name": "pool"}
            ],
        },
    }
    assert resolved_refs(_route("dyn"), [grant], exists)[0]
    assert resolved_refs(_route(None), [], set())[1] == "BackendNotFound"


def test_upstream_objects_are_labelled_for_the_controller() -> None:
    gateway = next(o for o in upstream_objects() if o["kind"] == "Gateway")
    assert gateway["metadata"]["labels"] == {"airunway.ai/inference-gateway": "true"}
    assert gateway["spec"]["gatewayClassName"] == "airunway-sim"
