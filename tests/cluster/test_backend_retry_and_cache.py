"""The retry policy against the real API server, and the metrics cache per caller (auth on).

A Service without endpoints makes the real API server's service proxy answer a real 503, so the
retry loop is exercised without any stand-in; waits are recorded, not slept.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator

import httpx
import pytest

from airunway.kube.client import Kube
from airunway.kube.errors import ConflictError, NotFoundError, UnavailableError
from airunway.kube.retry import RetryPolicy
from airunway.kube.wait import wait_for
from tests.support.backend import api_client, user_with_role

pytestmark = pytest.mark.cluster

READER_RULES = [
    {"apiGroups": ["airunway.ai"], "resources": ["modeldeployments"], "verbs": ["get", "list"]},
    {"apiGroups": [""], "resources": ["services/proxy"], "verbs": ["get"]},
]


class Sleeps:
    """Records the waits instead of waiting."""

    def __init__(self) -> None:
        self.waits: list[float] = []

    async def __call__(self, seconds: float) -> None:
        self.waits.append(seconds)


def _retrying(kube: Kube, sleeps: Sleeps) -> Kube:
    return kube.with_retry(RetryPolicy(max_retries=2, uniform=lambda _lo, _hi: 1.0, sleep=sleeps))


async def test_a_real_503_is_retried_and_final_answers_are_not(kube: Kube, namespace: str) -> None:
    sleeps = Sleeps()
    retrying = _retrying(kube, sleeps)
    await kube.apply(
        {
            "apiVersion": "v1",
            "kind": "Service",
            "metadata": {"name": "idle", "namespace": namespace},
            "spec": {"selector": {"app": "nothing-runs-this"}, "ports": [{"port": 8000}]},
        }
    )
    proxy = f"/api/v1/namespaces/{namespace}/services/idle:8000/proxy/metrics"

    async def proxied() -> bool:  # the proxy resolves Services from a cache that may lag
        try:
            await kube.raw_get_checked(proxy)
        except NotFoundError:
            return False
        except UnavailableError:
            return True
        return False

    await wait_for(proxied, timeout=30, what="the service proxy to know the Service")
    with pytest.raises(UnavailableError) as unavailable:
        await retrying.raw_get_checked(proxy)
    assert unavailable.value.status == 503
    assert sleeps.waits == [1.0, 2.0]  # two retries, then the error as it was

    sleeps.waits.clear()
    assert [c["metadata"]["name"] for c in await retrying.list("v1", "Service", namespace)] == [
        "idle"
    ]
    with pytest.raises(NotFoundError):
        await retrying.get("v1", "Service", "no-such-service", namespace)
    config_map = {
        "apiVersion": "v1",
        "kind": "ConfigMap",
        "metadata": {"name": "once", "namespace": namespace},
    }
    await retrying.create(config_map)
    with pytest.raises(ConflictError):
        await retrying.create(config_map)
    assert sleeps.waits == []  # successes and 4xx answers are never repeated


@pytest.fixture
async def auth_api(backend_sa: Kube) -> AsyncIterator[httpx.AsyncClient]:
    async with api_client(backend_sa, auth_enabled=True) as client:
        yield client


async def test_metrics_are_shared_per_caller_and_never_across_callers(
    auth_api: httpx.AsyncClient, kube: Kube, namespace: str
) -> None:
    await kube.create(
        {
            "apiVersion": "airunway.ai/v1alpha1",
            "kind": "ModelDeployment",
            "metadata": {"name": "scraped", "namespace": namespace},
            "spec": {"model": {"id": "Qwen/Qwen3-0.6B"}, "engine": {"type": "vllm"}},
        }
    )
    alice = await user_with_role(kube, namespace, "alice", READER_RULES)
    bob = await user_with_role(kube, namespace, "bob", READER_RULES)
    nobody = await user_with_role(
        kube,
        namespace,
        "nobody",
        [{"apiGroups": [""], "resources": ["configmaps"], "verbs": ["get"]}],
    )

    async def scrape(token: str) -> httpx.Response:
        return await auth_api.get(
            "/api/deployments/scraped/metrics",
            params={"namespace": namespace},
            headers={"Authorization": f"Bearer {token}"},
        )

    first = await asyncio.gather(*(scrape(alice) for _ in range(5)))
    bodies = [r.json() for r in first]
    assert all(r.status_code == 200 for r in first)
    assert bodies[0]["available"] is False  # no pod serves this model
    assert {b["timestamp"] for b in bodies} == {bodies[0]["timestamp"]}  # one shared scrape
    assert (await scrape(alice)).json() == bodies[0]  # and reused while fresh
    bobs = (await scrape(bob)).json()
    assert bobs["timestamp"] != bodies[0]["timestamp"]  # bob's rights, bob's own scrape
    denied = await scrape(nobody)
    assert denied.status_code == 403  # the cache is never asked before Kubernetes says yes
