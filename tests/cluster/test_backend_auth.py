"""With auth on, the backend acts as each caller: Kubernetes RBAC decides, nothing leaks."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator

import httpx
import pytest

from airunway.kube.client import Kube
from tests.support.backend import api_client, md_body, user_with_role

pytestmark = pytest.mark.cluster
MD = ("airunway.ai/v1alpha1", "ModelDeployment")
DEPLOYER_RULES = [
    {
        "apiGroups": ["airunway.ai"],
        "resources": ["modeldeployments"],
        "verbs": ["get", "list", "create", "delete"],
    },
    {"apiGroups": [""], "resources": ["pods", "events"], "verbs": ["get", "list"]},
    {"apiGroups": [""], "resources": ["pods/log"], "verbs": ["get"]},
]


@pytest.fixture
async def api(backend_sa: Kube) -> AsyncIterator[httpx.AsyncClient]:
    async with api_client(backend_sa, auth_enabled=True) as client:
        yield client


@pytest.fixture
async def other_namespace(kube: Kube) -> AsyncIterator[str]:
    name = f"t-{uuid.uuid4().hex[:10]}"
    await kube.apply({"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": name}})
    yield name
    await kube.delete("v1", "Namespace", name)


def _md(name: str, namespace: str) -> dict[str, object]:
    return {
        "apiVersion": "airunway.ai/v1alpha1",
        "kind": "ModelDeployment",
        "metadata": {"name": name, "namespace": namespace},
        "spec": {"model": {"id": "Qwen/Qwen3-0.6B"}, "engine": {"type": "vllm"}},
    }


async def test_no_or_bad_token_is_401_with_the_auth_header(api: httpx.AsyncClient) -> None:
    for headers in ({}, {"Authorization": "Bearer not-a-token"}, {"Authorization": "Basic x"}):
        response = await api.get("/api/deployments", headers=headers)
        assert response.status_code == 401, response.text
        assert response.headers["x-airunway-auth-error"] == "true"
        assert response.json()["code"] == "UNAUTHORIZED"
    # public routes stay public
    assert (await api.get("/api/health")).status_code == 200
    assert (await api.get("/api/cluster/status")).json()["connected"] is True
    settings = (await api.get("/api/settings")).json()
    assert settings["auth"]["enabled"] is True
    assert (await api.get("/api/providers")).status_code == 200
    assert (await api.put("/api/settings", json={"defaultNamespace": "x"})).status_code == 401


async def test_caller_sees_and_changes_only_what_rbac_allows(
    api: httpx.AsyncClient, kube: Kube, namespace: str, other_namespace: str
) -> None:
    await kube.create(_md("theirs", other_namespace))
    await kube.create(_md("mine-existing", namespace))
    token = await user_with_role(kube, namespace, "alice", DEPLOYER_RULES)
    auth = {"Authorization": f"Bearer {token}"}

    # the cluster-wide list is forbidden for alice: the backend falls back to the namespaces a
    # SelfSubjectAccessReview allows, so only hers come back
    listed = await api.get("/api/deployments", headers=auth)
    assert listed.status_code == 200, listed.text
    seen = {(d["namespace"], d["name"]) for d in listed.json()["deployments"]}
    assert seen == {(namespace, "mine-existing")}

    # another namespace: Kubernetes says no, and its reason comes back
    theirs = await api.get("/api/deployments", params={"namespace": other_namespace}, headers=auth)
    assert theirs.status_code == 403, theirs.text
    body = theirs.json()
    assert body["code"] == "FORBIDDEN"
    assert "system:serviceaccount:" in body["error"]
    assert "forbidden" in body["error"]
    assert body["details"]["reason"] == "Forbidden"
    got = await api.get(
        "/api/deployments/theirs", params={"namespace": other_namespace}, headers=auth
    )
    assert got.status_code == 403
    create = await api.post(
        "/api/deployments", json=md_body("sneaky", other_namespace), headers=auth
    )
    assert create.status_code == 403, create.text
    assert "Failed to create deployment" in create.json()["error"]
    delete = await api.delete(
        "/api/deployments/theirs", params={"namespace": other_namespace}, headers=auth
    )
    assert delete.status_code == 403
    assert [m["metadata"]["name"] for m in await kube.list(*MD, other_namespace)] == ["theirs"]

    # nodes are not hers to read either: the backend asks as her, not as itself
    nodes = await api.get("/api/cluster/nodes", headers=auth)
    assert nodes.status_code == 403
    assert nodes.json()["code"] == "FORBIDDEN"

    # in her namespace she can do everything her Role allows, as herself
    created = await api.post("/api/deployments", json=md_body("mine", namespace), headers=auth)
    assert created.status_code == 201, created.text
    stored = await kube.get(*MD, "mine", namespace)
    managers = {f["manager"] for f in stored["metadata"].get("managedFields", [])}
    assert managers  # written through the API server, attributed to a field manager
    pods = await api.get(
        "/api/deployments/mine/pods", params={"namespace": namespace}, headers=auth
    )
    assert pods.status_code == 200
    assert pods.json() == {"pods": []}
    deleted = await api.delete(
        "/api/deployments/mine", params={"namespace": namespace}, headers=auth
    )
    assert deleted.status_code == 200, deleted.text

    # and no further: PVCs are not in her Role
    pvcs = await api.get("/api/deployments/-/pvcs", params={"namespace": namespace}, headers=auth)
    assert pvcs.status_code == 403


async def test_user_without_any_rights_gets_403_not_an_empty_list_of_others(
    api: httpx.AsyncClient, kube: Kube, namespace: str, other_namespace: str
) -> None:
    await kube.create(_md("theirs", other_namespace))
    token = await user_with_role(
        kube,
        namespace,
        "nobody",
        [{"apiGroups": [""], "resources": ["configmaps"], "verbs": ["get"]}],
    )
    auth = {"Authorization": f"Bearer {token}"}
    listed = await api.get("/api/deployments", headers=auth)
    assert listed.status_code == 200
    assert listed.json()["deployments"] == []
    mine = await api.get("/api/deployments", params={"namespace": namespace}, headers=auth)
    assert mine.status_code == 403
