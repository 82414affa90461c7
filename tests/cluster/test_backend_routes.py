"""The remaining read routes on the real cluster: capacity, throughput, GPU table, autoscaler,
models, providers, PVCs and metrics.
"""

from __future__ import annotations

import httpx
import pytest

from airunway.kube.client import Kube
from tests.support.backend import api_client
from tests.support.hf_standin import LLAMA_8B_CONFIG, hf_standin

pytestmark = pytest.mark.cluster


async def test_capacity_pools_and_throughput(api: httpx.AsyncClient) -> None:
    capacity = (await api.get("/api/installation/gpu-capacity")).json()
    nodes = {n["nodeName"]: n for n in capacity["nodes"]}
    assert nodes["gpu-h100-0"]["totalGpus"] == 8
    assert capacity["maxNodeGpuCapacity"] == 8
    assert capacity["totalGpus"] == sum(n["totalGpus"] for n in capacity["nodes"])
    detailed = (await api.get("/api/installation/gpu-capacity/detailed")).json()
    pools = {p["name"]: p for p in detailed["nodePools"]}
    assert pools["gpu-h100"]["gpuModel"] == "NVIDIA-H100-80GB-HBM3"
    assert pools["gpu-h100"]["gpuCount"] == 8
    estimate = (
        await api.get("/api/installation/gpu-throughput", params={"paramCount": 8e9})
    ).json()
    assert estimate["gpuModel"] == "H100-80GB"  # the pool with the most memory per GPU
    assert estimate["perChatTokensPerSec"] > 0
    assert estimate["capacityLabel"] == "8x80 GB"
    on_t4 = await api.get(
        "/api/installation/gpu-throughput", params={"paramCount": 1e9, "gpuModel": "Tesla-T4"}
    )
    assert on_t4.json()["gpuModel"] == "T4"
    bad = await api.get("/api/installation/gpu-throughput", params={"tpSize": 65})
    assert bad.status_code == 400
    unknown_model = await api.get(
        "/api/installation/gpu-throughput", params={"paramCount": 8e9, "modelId": "org/nothing"}
    )
    assert unknown_model.json()["lowConfidence"] is True  # the Hub is unreachable here
    specs = (await api.get("/api/installation/gpu-specs")).json()["gpus"]
    assert {"key": "T4", "memoryGb": 16}.items() <= next(
        g for g in specs if g["key"] == "T4"
    ).items()


async def test_throughput_with_the_model_architecture(backend_sa: Kube) -> None:
    with hf_standin({"org/llama-8b": LLAMA_8B_CONFIG}) as hub:
        async with api_client(backend_sa, hf_endpoint=hub.url) as api:
            response = await api.get(
                "/api/installation/gpu-throughput",
                params={"modelId": "org/llama-8b", "paramCount": 8e9, "gpuModel": "H100"},
                headers={"X-HF-Token": "hf_abc"},
            )
    body = response.json()
    assert response.status_code == 200, body
    assert body["lowConfidence"] is False
    assert body["contextLen"] == 32768  # the model's 131072 positions, capped
    assert body["concurrentSequences"] > 0
    per_chat = 3350e9 / (8e9 * 2) * 0.8  # H100 bandwidth over fp16 weights, one GPU
    assert body["tpSize"] == 1
    assert body["aggregateTokensPerSec"] == round(body["concurrentSequences"] * per_chat)
    assert hub.authorizations == ["Bearer hf_abc"]


async def test_autoscaler_models_and_providers(api: httpx.AsyncClient) -> None:
    detection = (await api.get("/api/autoscaler/detection")).json()
    assert detection == {
        "type": "none",
        "detected": False,
        "healthy": False,
        "message": "No autoscaler detected. Install Kubernetes Cluster Autoscaler to "
        "automatically scale your cluster.",
    }
    status = await api.get("/api/autoscaler/status")
    assert status.status_code == 404
    assert status.json()["error"] == "Autoscaler status not available"
    models = (await api.get("/api/models")).json()["models"]
    assert len(models) >= 10
    one = await api.get("/api/models/Qwen/Qwen3-0.6B")
    assert one.json()["supportedEngines"] == ["vllm", "sglang", "trtllm"]
    assert (await api.get("/api/models/nobody/nothing")).status_code == 404
    providers = (await api.get("/api/providers")).json()["providers"]
    assert isinstance(providers, list)
    missing = await api.get("/api/providers/no-such-provider")
    assert missing.status_code == 404
    assert missing.json()["error"] == "Provider not found: no-such-provider"
    runtimes = await api.get("/api/runtimes/status")
    assert runtimes.status_code == 200


async def test_pvcs_and_metrics(api: httpx.AsyncClient, kube: Kube, namespace: str) -> None:
    await kube.create(
        {
            "apiVersion": "v1",
            "kind": "PersistentVolumeClaim",
            "metadata": {"name": "weights", "namespace": namespace},
            "spec": {
                "accessModes": ["ReadWriteOnce"],
                "storageClassName": "fast",
                "resources": {"requests": {"storage": "100Gi"}},
            },
        }
    )
    pvcs = (await api.get("/api/deployments/-/pvcs", params={"namespace": namespace})).json()
    assert pvcs == {
        "pvcs": [
            {"name": "weights", "status": "Pending", "storageClass": "fast", "capacity": "100Gi"}
        ]
    }
    created = await api.post(
        "/api/deployments",
        json={"name": "m", "modelId": "Qwen/Qwen3-0.6B", "engine": "vllm", "namespace": namespace},
    )
    assert created.status_code == 201
    metrics = (await api.get("/api/deployments/m/metrics", params={"namespace": namespace})).json()
    assert metrics["available"] is False  # no Service serves this model
    assert metrics["metrics"] == []
    assert metrics["error"]
