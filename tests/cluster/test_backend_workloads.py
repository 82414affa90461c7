"""Pods, logs and pending reasons of a deployment through the API, on kwok's simulated nodes."""

from __future__ import annotations

import re
from typing import Any

import httpx
import pytest

from airunway.kube.client import Kube
from airunway.kube.wait import wait_for

pytestmark = pytest.mark.cluster


async def _md(kube: Kube, name: str, namespace: str) -> None:
    await kube.create(
        {
            "apiVersion": "airunway.ai/v1alpha1",
            "kind": "ModelDeployment",
            "metadata": {"name": name, "namespace": namespace},
            "spec": {"model": {"id": "Qwen/Qwen3-0.6B"}, "engine": {"type": "vllm"}},
        }
    )


def _pod(name: str, md: str, namespace: str, gpus: int, node: str | None = None) -> dict[str, Any]:
    resources = {"limits": {"nvidia.com/gpu": str(gpus)}} if gpus else {}
    spec: dict[str, Any] = {
        "containers": [{"name": "main", "image": "vllm/vllm-openai", "resources": resources}],
        "tolerations": [{"operator": "Exists"}],
    }
    if node is not None:
        spec["nodeName"] = node
    return {
        "apiVersion": "v1",
        "kind": "Pod",
        "metadata": {
            "name": name,
            "namespace": namespace,
            "labels": {"airunway.ai/model-deployment": md},
        },
        "spec": spec,
    }


async def test_pods_and_logs_of_a_kwok_pod(
    api: httpx.AsyncClient, kube: Kube, namespace: str
) -> None:
    await _md(kube, "served", namespace)
    await kube.create(_pod("served-0", "served", namespace, 0, node="cpu-0"))

    async def running() -> bool:
        pods = (
            await api.get("/api/deployments/served/pods", params={"namespace": namespace})
        ).json()
        return [p["phase"] for p in pods["pods"]] == ["Running"]

    await wait_for(running, timeout=60, what="the kwok pod to run")
    logs = await api.get(
        "/api/deployments/served/logs", params={"namespace": namespace, "tailLines": 5}
    )
    assert logs.status_code == 200, logs.text
    body = logs.json()
    assert body["podName"] == "served-0"
    assert "simulated node (kwok)" in body["logs"]
    other = await api.get(
        "/api/deployments/served/logs", params={"namespace": namespace, "podName": "not-mine"}
    )
    assert other.status_code == 400
    assert other.json()["error"] == "Pod 'not-mine' is not part of deployment 'served'"
    status = (await api.get("/api/deployments/served", params={"namespace": namespace})).json()
    assert status["pods"][0]["name"] == "served-0"


async def test_pending_reasons_explain_the_gpu_shortage(
    api: httpx.AsyncClient, kube: Kube, namespace: str
) -> None:
    await _md(kube, "huge", namespace)
    await kube.create(_pod("huge-0", "huge", namespace, 16))

    async def explained() -> list[dict[str, Any]] | None:
        response = await api.get(
            "/api/deployments/huge/pending-reasons", params={"namespace": namespace}
        )
        reasons = response.json()["reasons"]
        return reasons if any(r.get("explanation") for r in reasons) else None

    async def ready() -> bool:
        return await explained() is not None

    await wait_for(ready, timeout=60, what="the scheduler's FailedScheduling event")
    reasons = await explained()
    assert reasons is not None
    reason = next(r for r in reasons if r.get("explanation"))
    assert reason["reason"] == "FailedScheduling"
    assert reason["isResourceConstraint"] is True
    assert reason["resourceType"] == "gpu"
    assert reason["canAutoscalerHelp"] is True
    # other tests may hold GPUs meanwhile: the figure is whatever is free, at most a node's 8
    pattern = (
        r"needs 16 \N{MULTIPLICATION SIGN} nvidia\.com/gpu; "
        r"(the largest free node has [0-8]|no node has a free GPU)"
    )
    assert re.fullmatch(pattern, reason["explanation"]), reason["explanation"]
    status = (await api.get("/api/deployments/huge", params={"namespace": namespace})).json()
    assert status["phase"] == "Pending"
