"""The backend app in-process against the run's cluster, under its generated RBAC.

The app gets the backend ServiceAccount's own client (``deploy/rbac/backend.yaml``), so a route
that needs a rule the role lacks fails here, and callers' tokens are real ServiceAccount tokens
checked by the real TokenReview API.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

import httpx

from airunway.backend.app import create_app
from airunway.backend.settings import BackendSettings
from airunway.devcluster.cluster import DevCluster
from airunway.devcluster.services import service_account_kubeconfig
from airunway.kube.client import Kube
from airunway.kube.errors import TooManyRequestsError
from airunway.kube.tokens import create_token
from airunway.kube.wait import wait_for

RBAC = "rbac.authorization.k8s.io/v1"
#: Tests never reach the internet: a closed loopback port stands for an unreachable Hub.
NO_INTERNET = "http://127.0.0.1:9"


async def backend_kubeconfig(cluster: DevCluster) -> Path:
    """A kubeconfig of the backend's ServiceAccount, once the CRDs' storage is ready."""
    kube = await backend_kube(cluster)
    await kube.close()
    return cluster.dir / "backend-sa.kubeconfig"


async def backend_kube(cluster: DevCluster) -> Kube:
    """A client acting as the backend's ServiceAccount, once the CRDs' storage is ready.

    A freshly started API server answers 429 "storage is (re)initializing" for a custom kind
    for a moment; the tests wait for that instead of racing it.
    """
    rbac_file = cluster.settings.project_crds.parent / "rbac" / "backend.yaml"
    kubeconfig = await service_account_kubeconfig(cluster, rbac_file, "backend-sa")
    kube = Kube.from_kubeconfig(kubeconfig, field_manager="airunway-backend")

    async def listable() -> bool:
        try:
            await kube.list("airunway.ai/v1alpha1", "ModelDeployment")
            await kube.list("airunway.ai/v1alpha1", "InferenceProviderConfig")
        except TooManyRequestsError:
            return False
        return True

    await wait_for(listable, timeout=60, what="the airunway.ai storage to be initialized")
    return kube


@asynccontextmanager
async def api_client(kube: Kube, **settings: Any) -> AsyncIterator[httpx.AsyncClient]:
    """An HTTP client talking to a fresh app (lifespan run) over the ASGI transport."""
    settings.setdefault("hf_endpoint", NO_INTERNET)
    app = create_app(BackendSettings(**settings), kube=kube)
    async with (
        app.router.lifespan_context(app),
        httpx.AsyncClient(
            transport=httpx.ASGITransport(app=app), base_url="http://backend.test"
        ) as client,
    ):
        yield client


async def user_with_role(kube: Kube, namespace: str, name: str, rules: list[dict[str, Any]]) -> str:
    """A ServiceAccount in ``namespace`` granted ``rules`` there only; returns its token."""
    await kube.apply(
        {
            "apiVersion": "v1",
            "kind": "ServiceAccount",
            "metadata": {"name": name, "namespace": namespace},
        }
    )
    await kube.apply(
        {
            "apiVersion": RBAC,
            "kind": "Role",
            "metadata": {"name": name, "namespace": namespace},
            "rules": rules,
        }
    )
    await kube.apply(
        {
            "apiVersion": RBAC,
            "kind": "RoleBinding",
            "metadata": {"name": name, "namespace": namespace},
            "roleRef": {"apiGroup": "rbac.authorization.k8s.io", "kind": "Role", "name": name},
            "subjects": [{"kind": "ServiceAccount", "name": name, "namespace": namespace}],
        }
    )
    token = await create_token(kube, namespace, name)
    user = kube.for_token(token)
    try:

        async def bound() -> bool:
            review = await user.create(
                {
                    "apiVersion": "authorization.k8s.io/v1",
                    "kind": "SelfSubjectAccessReview",
                    "spec": {
                        "resourceAttributes": {
                            "namespace": namespace,
                            "verb": rules[0]["verbs"][0],
                            "group": rules[0]["apiGroups"][0],
                            "resource": rules[0]["resources"][0],
                        }
                    },
                }
            )
            return bool((review.get("status") or {}).get("allowed"))

        await wait_for(bound, timeout=30, what=f"the RoleBinding of {name} to take effect")
    finally:
        await user.close()
    return token


def md_body(name: str, namespace: str, **extra: Any) -> dict[str, Any]:
    """A minimal valid create body."""
    return {
        "name": name,
        "modelId": "Qwen/Qwen3-0.6B",
        "engine": "vllm",
        "namespace": namespace,
    } | extra
