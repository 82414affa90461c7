"""Pure rules of the backend: status derivation, pending reasons, capacity and GPU maths,
provider normalisation, metrics parsing, and the one error mapping.
"""

from __future__ import annotations

import asyncio
from typing import Any

import httpx
import pytest

from airunway.backend import errors
from airunway.backend.app import cors_options, create_app
from airunway.backend.services import capacity, gpus, pending, providers, throughput
from airunway.backend.services.md_status import deployment_status, pod_status
from airunway.backend.services.workloads import parse_metrics, pick_container
from airunway.backend.settings import BackendSettings
from airunway.kube.errors import ConflictError, ForbiddenError, InvalidError, UnavailableError


def _node(name: str, gpus_: int, **labels: str) -> dict[str, Any]:
    return {
        "metadata": {"name": name, "labels": labels},
        "status": {"allocatable": {"nvidia.com/gpu": str(gpus_)} if gpus_ else {}},
    }


def _pod(name: str, node: str | None, gpu: int, phase: str = "Running") -> dict[str, Any]:
    return {
        "metadata": {
            "name": name,
            "namespace": "ns",
            "labels": {"airunway.ai/model-deployment": "m"},
        },
        "spec": {
            "nodeName": node,
            "containers": [{"name": "main", "resources": {"limits": {"nvidia.com/gpu": str(gpu)}}}],
        },
        "status": {"phase": phase},
    }


def test_capacity_counts_running_and_pending_pods_on_gpu_nodes() -> None:
    nodes = [
        _node("h100-0", 8, **{"nvidia.com/gpu.memory": "81559"}),
        _node("a100-0", 8),
        _node("cpu-0", 0),
    ]
    pods = [
        _pod("a", "h100-0", 4),
        _pod("b", "h100-0", 2, "Pending"),
        _pod("c", "h100-0", 8, "Succeeded"),
        _pod("d", None, 16, "Pending"),
    ]
    cap = capacity.capacity(nodes, pods)
    assert (cap.total_gpus, cap.allocated_gpus, cap.available_gpus) == (16, 6, 10)
    assert cap.max_contiguous_available == 8
    assert cap.max_node_gpu_capacity == 8
    assert cap.gpu_node_count == 2
    assert cap.total_memory_gb == 80


def test_pending_reasons_explain_a_gpu_shortage_in_plain_words() -> None:
    events = [
        {"type": "Normal", "reason": "Scheduled", "message": "ok"},
        {
            "type": "Warning",
            "reason": "FailedScheduling",
            "message": "0/4 nodes are available: 4 Insufficient nvidia.com/gpu. preemption: ...",
        },
        {
            "type": "Warning",
            "reason": "FailedScheduling",
            "message": "0/4 nodes are available: 4 node(s) had untolerated taint {x: y}.",
        },
    ]
    found = pending.reasons(events, requested_gpus=8, largest_free_gpus=4)
    assert len(found) == 2
    gpu, taint = found
    assert gpu.resource_type == "gpu"
    assert gpu.can_autoscaler_help is True
    assert (
        gpu.explanation
        == "needs 8 \N{MULTIPLICATION SIGN} nvidia.com/gpu; the largest free node has 4"
    )
    assert taint.resource_type is None
    assert taint.can_autoscaler_help is False
    none_free = pending.reasons(events[1:2], requested_gpus=2, largest_free_gpus=0)
    assert none_free[0].explanation == (
        "needs 2 \N{MULTIPLICATION SIGN} nvidia.com/gpu; no node has a free GPU"
    )
    assert pending.pod_gpu_request(_pod("x", None, 3)) == 3


def test_gpu_normalisation_and_instance_types() -> None:
    assert gpus.normalize("NVIDIA-H100-80GB-HBM3") == "H100-80GB"
    assert gpus.normalize("NVIDIA-A100-SXM4-40GB") == "A100-40GB"
    assert gpus.normalize("Tesla-T4") == "T4"
    assert gpus.normalize("NVIDIA L40S") == "L40S"
    assert gpus.normalize("some-new-chip") is None
    assert gpus.model_from_instance_type("Standard_NC24ads_A100_v4") == "A10"  # as the reference
    assert gpus.model_from_instance_type("p5.48xlarge") == "H100"
    assert gpus.model_from_instance_type("g6.xlarge") == "L4"
    assert gpus.memory_from_labels({"nvidia.com/gpu.product": "NVIDIA-A100-SXM4-80GB"}) == 80


def test_throughput_estimate() -> None:
    pools = capacity.node_pools(
        [
            _node("h-0", 8, **{"nvidia.com/gpu.product": "NVIDIA-H100-80GB-HBM3"}),
            _node("t-0", 1, **{"nvidia.com/gpu.product": "Tesla-T4", "agentpool": "t4"}),
        ],
        capacity.capacity([_node("h-0", 8), _node("t-0", 1)], []),
    )
    est = throughput.estimate(
        pools,
        param_count=70e9,
        context_len=None,
        quantization=None,
        kv_cache_dtype="fp8",
        gpu_model=None,
        tp_size=None,
    )
    assert est.gpu_model == "H100-80GB"
    assert est.tp_size == 2  # 140 GB of weights need two 80 GB GPUs
    assert est.kv_cache_dtype == "fp8"
    assert est.capacity_label == "8x80 GB"
    assert est.per_chat_tokens_per_sec == round(3350e9 * 2 * 0.85 / (70e9 * 2) * 0.8)
    on_t4 = throughput.estimate(
        pools,
        param_count=1e9,
        context_len=99999,
        quantization="int8",
        kv_cache_dtype="fp8",
        gpu_model="T4",
        tp_size=None,
    )
    assert (on_t4.gpu_model, on_t4.kv_cache_dtype, on_t4.context_len) == ("T4", "fp16", 32768)


def test_status_and_phase() -> None:
    md = {
        "metadata": {"name": "m", "namespace": "ns", "creationTimestamp": "2026-01-01T00:00:00Z"},
        "spec": {"model": {"id": "x"}, "scaling": {"replicas": 1}},
        "status": {"endpoint": {"service": "m-svc", "port": 8000}},
    }
    waiting = _pod("p", "n", 1)
    waiting["status"]["containerStatuses"] = [
        {
            "name": "main",
            "ready": False,
            "restartCount": 3,
            "state": {"waiting": {"reason": "CrashLoopBackOff"}},
        }
    ]
    status = deployment_status(md, [pod_status(waiting)])
    assert status.phase == "Failed"
    assert status.pods[0].restarts == 3
    assert status.frontend_service == "m-svc:8000"
    ready = _pod("p", "n", 1)
    ready["status"]["containerStatuses"] = [
        {"name": "main", "ready": True, "state": {"running": {}}}
    ]
    assert deployment_status(md, [pod_status(ready)]).phase == "Running"
    assert deployment_status(md, [pod_status(_pod("p", None, 1, "Pending"))]).phase == "Pending"
    assert (
        pick_container({"spec": {"containers": [{"name": "sidecar"}, {"name": "vllm"}]}}, None)
        == "vllm"
    )


def test_provider_normalisation_keeps_going_on_bad_annotations() -> None:
    ipc = {
        "apiVersion": "airunway.ai/v1alpha1",
        "metadata": {
            "name": "kaito",
            "annotations": {
                "airunway.ai/capabilities": '{"engines": ["vllm", {"name": "llamacpp", "cpuSupport": true}]}',  # noqa: E501
                "airunway.ai/installation": '{"helmCharts": [{"name": "x"}], "steps": [{"title": "t", "description": "d"}]}',  # noqa: E501
                "airunway.ai/health": "{not json",
            },
        },
    }
    info = providers.details(ipc)
    assert info.name == "KAITO"
    assert info.capabilities.engines == ["vllm", "llamacpp"]
    assert info.capabilities.features == {"cpu": True}
    assert info.requires_crd is True
    assert info.installable is True
    assert "Ignoring malformed Helm chart in airunway.ai/installation" in info.warnings
    assert any(w.startswith("Invalid JSON in airunway.ai/health") for w in info.warnings)
    assert providers.details({"metadata": {"name": "vllm"}}).requires_crd is False


def test_metrics_parsing() -> None:
    text = (
        '# HELP x\nvllm:num_requests_running{model_name="q"} 2\nbad line\nx_total NaN\ny 1.5e3 17\n'
    )
    assert [(m.name, m.value, m.labels) for m in parse_metrics(text)] == [
        ("vllm:num_requests_running", 2.0, {"model_name": "q"}),
        ("y", 1500.0, {}),
    ]


@pytest.mark.parametrize(
    ("exc", "status", "code"),
    [
        (ForbiddenError("pods is forbidden", reason="Forbidden"), 403, "FORBIDDEN"),
        (ConflictError("exists", reason="AlreadyExists"), 409, "CONFLICT"),
        (InvalidError("bad", reason="Invalid"), 422, "VALIDATION_ERROR"),
        (UnavailableError("down"), 503, "CLUSTER_UNAVAILABLE"),
    ],
)
def test_kube_errors_map_to_their_status(exc: Exception, status: int, code: str) -> None:
    assert errors.kube_status(exc) == (status, code)  # type: ignore[arg-type]


def test_unexpected_exception_is_a_generic_500_with_a_request_id(
    caplog: pytest.LogCaptureFixture,
) -> None:
    app = create_app(BackendSettings(), kube=object())  # type: ignore[arg-type]

    @app.get("/api/boom")
    async def boom() -> None:
        raise RuntimeError("secret internal detail")

    app.router.routes.insert(0, app.router.routes.pop())  # before the web UI's catch-all

    async def call() -> httpx.Response:
        transport = httpx.ASGITransport(app=app, raise_app_exceptions=False)
        async with httpx.AsyncClient(transport=transport, base_url="http://t") as client:
            return await client.get("/api/boom")

    response = asyncio.run(call())
    assert response.status_code == 500
    body = response.json()
    assert body["code"] == "INTERNAL_ERROR"
    assert "secret" not in body["error"]
    request_id = body["details"]["requestId"]
    assert request_id in body["error"]
    assert any(request_id in r.getMessage() for r in caplog.records)


def test_cors_policy() -> None:
    assert cors_options(None)["allow_origin_regex"]
    assert cors_options("*")["allow_origins"] == ["*"]
    assert cors_options(" https://a.example , ,https://b.example")["allow_origins"] == [
        "https://a.example",
        "https://b.example",
    ]
    assert "allow_origin_regex" in cors_options(" , ")  # lists nothing: fail closed to loopback
