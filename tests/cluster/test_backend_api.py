"""The REST API on the real control plane, as the backend's own ServiceAccount (auth off)."""

from __future__ import annotations

import json
from typing import Any

import httpx
import pytest

from airunway.kube.client import Kube
from tests.support.backend import md_body

pytestmark = pytest.mark.cluster
MD = ("airunway.ai/v1alpha1", "ModelDeployment")


def assert_error(response: httpx.Response, status: int, code: str) -> dict[str, Any]:
    assert response.status_code == status, response.text
    body = response.json()
    assert set(body) == {"error", "code", "details"}, body
    assert body["code"] == code, body
    assert body["error"], body
    assert "Traceback" not in response.text
    return dict(body)


async def test_health_version_cluster_and_nodes(api: httpx.AsyncClient) -> None:
    health = (await api.get("/api/health")).json()
    assert health["status"] == "healthy"
    assert (await api.get("/api/cluster")).json()["status"] == "healthy"
    version = (await api.get("/api/health/version")).json()
    assert set(version) == {"version", "buildTime", "gitCommit"}
    status = (await api.get("/api/cluster/status")).json()
    assert status["connected"] is True
    assert status["providerInstallation"]["crdFound"] is True
    nodes = (await api.get("/api/cluster/nodes")).json()["nodes"]
    assert [n["name"] for n in nodes] == sorted(n["name"] for n in nodes)
    assert any(n["gpuCount"] == 8 for n in nodes)
    assert all(n["ready"] for n in nodes)
    redirect = await api.get("/api/health/", follow_redirects=False)
    assert redirect.status_code == 301
    assert redirect.headers["location"] == "/api/health"


async def test_create_preview_get_list_delete(
    api: httpx.AsyncClient, kube: Kube, namespace: str
) -> None:
    body = md_body("qwen", namespace, resources={"gpu": 1})
    preview = await api.post("/api/deployments/preview", json=body)
    assert preview.status_code == 200, preview.text
    manifest = preview.json()["resources"][0]["manifest"]
    assert manifest["spec"]["resources"]["gpu"] == {"count": 1, "type": "nvidia.com/gpu"}
    assert await kube.list(*MD, namespace) == []  # a preview writes nothing

    created = await api.post("/api/deployments", json=body)
    assert created.status_code == 201, created.text
    assert created.json()["name"] == "qwen"
    stored = await kube.get(*MD, "qwen", namespace)
    assert stored["spec"]["model"]["id"] == "Qwen/Qwen3-0.6B"
    assert stored["metadata"]["labels"]["app.kubernetes.io/managed-by"] == "airunway"

    got = (await api.get("/api/deployments/qwen", params={"namespace": namespace})).json()
    assert got["modelId"] == "Qwen/Qwen3-0.6B"
    assert got["namespace"] == namespace
    listed = (await api.get("/api/deployments", params={"namespace": namespace})).json()
    assert [d["name"] for d in listed["deployments"]] == ["qwen"]
    assert listed["pagination"] == {"total": 1, "limit": 1, "offset": 0, "hasMore": False}
    everywhere = (await api.get("/api/deployments")).json()["deployments"]
    assert any(d["name"] == "qwen" and d["namespace"] == namespace for d in everywhere)
    stored_manifest = await api.get(
        "/api/deployments/qwen/manifest", params={"namespace": namespace}
    )
    assert stored_manifest.json()["resources"][0]["manifest"]["metadata"]["uid"]

    again = await api.post("/api/deployments", json=body)
    err = assert_error(again, 409, "CONFLICT")
    assert "already exists" in err["error"]

    deleted = await api.delete("/api/deployments/qwen", params={"namespace": namespace})
    assert deleted.json() == {"message": "Deployment deleted successfully"}
    missing = await api.delete("/api/deployments/qwen", params={"namespace": namespace})
    err = assert_error(missing, 404, "NOT_FOUND")
    assert err["error"] == f"Deployment 'qwen' not found in namespace '{namespace}'"


BAD_BODIES: list[tuple[str, Any, int]] = [
    ("malformed JSON", b'{"name": "x",', 400),
    ("not an object", b"[1, 2, 3]", 400),
    ("unknown field", {"bogus": True}, 400),
    ("replicas as a string", {"replicas": "2"}, 400),
    ("gpu as a float", {"resources": {"gpu": 1.5}}, 400),
    ("negative replicas", {"replicas": -1}, 400),
    ("unknown engine", {"engine": "tensorflow"}, 400),
    ("upper-case name", {"name": "Qwen"}, 400),
    ("name with a slash", {"name": "a/b"}, 400),
    ("path traversal in name", {"name": "../../etc"}, 400),
    ("name too long", {"name": "a" * 254}, 400),
    ("namespace not a DNS label", {"namespace": "Bad_NS"}, 400),
    (
        "system mount path",
        {"storage": {"volumes": [{"name": "v", "mountPath": "/etc/x", "claimName": "c"}]}},
        400,
    ),
    (
        "nine volumes",
        {
            "storage": {
                "volumes": [
                    {"name": f"v{i}", "mountPath": f"/m{i}", "claimName": f"c{i}"} for i in range(9)
                ]
            }
        },
        400,
    ),
    ("env var name invalid for Kubernetes", {"env": {"": "x"}}, 400),
    ("unregistered provider", {"provider": "nosuchprovider"}, 404),
    ("huge body", {"engineExtraArgs": ["x" * 4000] * 300}, 413),
]


@pytest.mark.parametrize(("case", "change", "status"), BAD_BODIES, ids=[c[0] for c in BAD_BODIES])
async def test_bad_input_is_a_4xx_and_creates_nothing(
    api: httpx.AsyncClient, kube: Kube, namespace: str, case: str, change: Any, status: int
) -> None:
    if isinstance(change, bytes):
        content = change
    else:
        content = json.dumps(md_body("ok", namespace) | change).encode()
    for path in ("/api/deployments", "/api/deployments/preview"):
        response = await api.post(
            path, content=content, headers={"content-type": "application/json"}
        )
        code = {400: "VALIDATION_ERROR", 404: "PROVIDER_NOT_INSTALLED", 413: "PAYLOAD_TOO_LARGE"}
        assert_error(response, status, code[status])
    assert await kube.list(*MD, namespace) == [], case
    assert await kube.list(*MD, "default") == [] or all(
        m["metadata"]["name"] != "ok" for m in await kube.list(*MD, "default")
    )


@pytest.mark.parametrize(
    "path",
    [
        "/api/deployments/..%2F..%2Fetc",
        "/api/deployments/Bad_Name",
        "/api/deployments/a%2Fb/pods",
        "/api/deployments/x?namespace=..%2Fkube-system",
        "/api/deployments/x/logs?tailLines=0",
        "/api/deployments/x/logs?podName=..%2Fother",
        "/api/deployments?limit=1000",
        "/api/providers/..%2F..",
    ],
)
async def test_bad_paths_and_queries_are_4xx(api: httpx.AsyncClient, path: str) -> None:
    response = await api.get(path)
    assert 400 <= response.status_code < 500, response.text
    assert set(response.json()) == {"error", "code", "details"}


async def test_unknown_api_route_and_spa_fallback(api: httpx.AsyncClient) -> None:
    assert_error(await api.get("/api/nothing-here"), 404, "NOT_FOUND")
    assert_error(await api.post("/api/health"), 404, "NOT_FOUND")
    page = await api.get("/deployments/some/ui/route")
    assert page.status_code == 200
    assert "AI Runway" in page.text
    assert page.headers["content-security-policy"].startswith("default-src 'self'")
    assert page.headers["x-content-type-options"] == "nosniff"


async def test_kubernetes_validation_message_is_kept(
    api: httpx.AsyncClient, kube: Kube, namespace: str
) -> None:
    # a dotted name passes the form's DNS rule but the CRD's CEL rule refuses it: the API
    # server's own words come back as a 422 in our format
    response = await api.post("/api/deployments", json=md_body("qwen.v1", namespace))
    err = assert_error(response, 422, "VALIDATION_ERROR")
    assert err["error"].startswith("Failed to create deployment: ")
    assert "dot" in err["error"]
    assert err["details"]["reason"] == "Invalid"
    assert await kube.list(*MD, namespace) == []


async def test_settings_roundtrip_and_cors(api: httpx.AsyncClient, namespace: str) -> None:
    before = (await api.get("/api/settings")).json()
    assert before["auth"]["enabled"] is False
    updated = await api.put("/api/settings", json={"defaultNamespace": namespace})
    assert updated.status_code == 200, updated.text
    assert updated.json()["config"]["defaultNamespace"] == namespace
    assert (await api.get("/api/settings")).json()["config"]["defaultNamespace"] == namespace
    bad = await api.put("/api/settings", json={"defaultNamespace": "Not A Namespace"})
    assert_error(bad, 400, "VALIDATION_ERROR")
    restored = await api.put("/api/settings", json={"defaultNamespace": "airunway-system"})
    assert restored.status_code == 200
    preflight = await api.options(
        "/api/deployments",
        headers={"Origin": "http://localhost:5173", "Access-Control-Request-Method": "POST"},
    )
    assert preflight.headers["access-control-allow-origin"] == "http://localhost:5173"
    foreign = await api.get("/api/health", headers={"Origin": "https://evil.example"})
    assert "access-control-allow-origin" not in foreign.headers
