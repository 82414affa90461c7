"""What the simulated KAITO workspace controller creates for a Workspace: pure rendering.

THIS IS A SIMULATOR, NOT KAITO.  It renders the objects KAITO v0.10 creates for an inference
Workspace so that the real scheduler, kwok and garbage collector treat them as they would the
real ones: a StatefulSet named like the Workspace (KAITO 0.8+ runs every inference workload as a
StatefulSet), a Service named like the Workspace (port 80 to the inference server's port 5000,
selecting pod 0) and a headless Service ``<name>-headless``, all controlled by the Workspace.

Simplifications, on purpose:

* GPU sizing of presets comes from :data:`PRESETS` (GPUs per replica and GPU memory the model
  needs), widened when the per-GPU memory of the first ready matching node (its
  ``nvidia.com/gpu.memory`` label) is too small; unknown presets (e.g. Hugging Face ids) get 1
  GPU.  Real KAITO sizes by a memory estimator and requests whole nodes, spreading large models
  over several nodes; the simulator keeps one pod per replica so tests stay small.
* Replicas are ``resource.count`` (recorded once as ``status.targetNodeCount``).
* The container never runs: kwok moves the pods to Running/Ready once they are bound.
"""

from __future__ import annotations

import copy
import hashlib
import json
import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Final

from airunway.kube.client import Manifest
from airunway.sim.workloads import node_ready, owned_metadata

API_VERSION: Final = "kaito.sh/v1beta1"
KIND: Final = "Workspace"
WORKSPACE_LABEL: Final = "kaito.sh/workspace"
HASH_ANNOTATION: Final = "workspace.kaito.io/hash"
REVISION_ANNOTATION: Final = "workspace.kaito.io/revision"
INFERENCE_PORT: Final = 5000
SERVICE_PORT: Final = 80
PRESET_IMAGE: Final = "mcr.microsoft.com/aks/kaito/kaito-base:0.2.8"
GPU_RESOURCE: Final = "nvidia.com/gpu"
GPU_MEMORY_LABEL: Final = "nvidia.com/gpu.memory"
SIMULATOR: Final = "kaito"
_GPU_UTILIZATION: Final = 0.84
_GPU_OVERHEAD_GIB: Final = 2.3
_MAX_MODEL_LEN: Final = 2048


@dataclass(frozen=True)
class Preset:
    """A preset model's needs: minimum GPUs per replica and GPU memory for weights (GiB)."""

    gpus: int
    memory_gib: float


#: Preset models of KAITO v0.10 with approximate sizes (bf16/fp8 weights as served by vLLM).
PRESETS: Final[dict[str, Preset]] = {
    "phi-3-mini-4k-instruct": Preset(1, 8),
    "phi-3-mini-128k-instruct": Preset(1, 8),
    "phi-3.5-mini-instruct": Preset(1, 8),
    "phi-4-mini-instruct": Preset(1, 8),
    "phi-4": Preset(1, 30),
    "llama-3.1-8b-instruct": Preset(1, 16),
    "llama-3.3-70b-instruct": Preset(2, 135),
    "mistral-7b-instruct": Preset(1, 15),
    "ministral-3-8b-instruct": Preset(1, 17),
    "falcon-7b-instruct": Preset(1, 15),
    "falcon-40b-instruct": Preset(2, 84),
    "qwen2.5-coder-7b-instruct": Preset(1, 16),
    "qwen2.5-coder-32b-instruct": Preset(1, 62),
    "deepseek-r1-distill-llama-8b": Preset(1, 16),
    "deepseek-r1-distill-qwen-14b": Preset(1, 30),
    "deepseek-r1-0528": Preset(16, 690),
    "deepseek-v3-0324": Preset(16, 690),
    "gemma-3-4b-instruct": Preset(1, 9),
    "gemma-3-27b-instruct": Preset(1, 55),
    "gpt-oss-20b": Preset(1, 14),
    "gpt-oss-120b": Preset(1, 66),
}
UNKNOWN_PRESET: Final = Preset(1, 0)


def gpus_per_replica(preset_name: str, gpu_memory_mib: int | None) -> int:
    """GPUs one replica of a preset requests, on nodes with ``gpu_memory_mib`` per GPU."""
    preset = PRESETS.get(preset_name, UNKNOWN_PRESET)
    if gpu_memory_mib is None or preset.memory_gib <= 0:
        return preset.gpus
    usable_gib = gpu_memory_mib / 1024 * _GPU_UTILIZATION - _GPU_OVERHEAD_GIB
    if usable_gib <= 0:
        return preset.gpus
    return max(preset.gpus, math.ceil(preset.memory_gib / usable_gib))


def gpu_memory_mib(nodes: Sequence[Manifest]) -> int | None:
    """Per-GPU memory (MiB) of the first Ready node among ``nodes`` that has GPU labels.

    That is how KAITO sizes on bring-your-own nodes (``nodes``: those matching the selector, in
    name order).
    """
    for node in nodes:
        value = ((node.get("metadata") or {}).get("labels") or {}).get(GPU_MEMORY_LABEL)
        if node_ready(node) and isinstance(value, str) and value.isdigit():
            return int(value)
    return None


def resource_count(workspace: Manifest) -> int:
    """``resource.count`` (the CRD defaults it to 1)."""
    count = (workspace.get("resource") or {}).get("count")
    return count if isinstance(count, int) and count >= 0 else 1


def match_labels(workspace: Manifest) -> dict[str, str]:
    """``resource.labelSelector.matchLabels``: where the inference pods must run."""
    selector = (workspace.get("resource") or {}).get("labelSelector") or {}
    return {str(k): str(v) for k, v in (selector.get("matchLabels") or {}).items()}


def target_node_count(workspace: Manifest) -> int:
    """``status.targetNodeCount`` once recorded (it never changes after), else the count."""
    recorded = (workspace.get("status") or {}).get("targetNodeCount")
    return recorded if isinstance(recorded, int) and recorded > 0 else resource_count(workspace)


def workspace_hash(workspace: Manifest) -> str:
    """A digest of the fields that define the workload (resource, inference, tuning)."""
    digest = hashlib.sha256()
    for field in ("resource", "inference", "tuning"):
        encoded = json.dumps(workspace.get(field), sort_keys=True, separators=(",", ":"))
        digest.update(encoded.encode() + b"\n")
    return digest.hexdigest()


def revision_annotations(workspace: Manifest) -> dict[str, str]:
    """The hash and revision annotations for the Workspace's current spec.

    The revision counts spec changes: it goes up by one whenever the hash changes.
    """
    annotations = (workspace.get("metadata") or {}).get("annotations") or {}
    current = workspace_hash(workspace)
    try:
        revision = int(annotations.get(REVISION_ANNOTATION, "0"))
    except ValueError:
        revision = 0
    if annotations.get(HASH_ANNOTATION) != current:
        revision += 1
    return {HASH_ANNOTATION: current, REVISION_ANNOTATION: str(revision)}


def render_services(workspace: Manifest) -> list[Manifest]:
    """The inference Service (port 80 → 5000 on pod 0) and the headless Service."""
    name = workspace["metadata"]["name"]
    selector = {WORKSPACE_LABEL: name}
    ports = [
        ("http", SERVICE_PORT, INFERENCE_PORT),
        ("ray", 6379, 6379),
        ("dashboard", 8265, 8265),
    ]
    service = {
        "apiVersion": "v1",
        "kind": "Service",
        "metadata": owned_metadata(workspace, name, SIMULATOR),
        "spec": {
            "type": "ClusterIP",
            "selector": {**selector, "statefulset.kubernetes.io/pod-name": f"{name}-0"},
            "ports": [
                {"name": n, "protocol": "TCP", "port": p, "targetPort": t} for n, p, t in ports
            ],
            "publishNotReadyAddresses": True,
        },
    }
    headless = {
        "apiVersion": "v1",
        "kind": "Service",
        "metadata": owned_metadata(workspace, f"{name}-headless", SIMULATOR),
        "spec": {"clusterIP": "None", "selector": selector, "publishNotReadyAddresses": True},
    }
    return [service, headless]


def _affinity(labels: dict[str, str]) -> dict[str, Any]:
    expressions = [{"key": k, "operator": "In", "values": [v]} for k, v in sorted(labels.items())]
    terms = [{"matchExpressions": expressions}]
    return {
        "nodeAffinity": {
            "requiredDuringSchedulingIgnoredDuringExecution": {"nodeSelectorTerms": terms}
        }
    }


def _tolerations() -> list[dict[str, str]]:
    return [
        {"effect": "NoSchedule", "operator": "Exists", "key": GPU_RESOURCE},
        {"effect": "NoSchedule", "operator": "Equal", "key": "sku", "value": "gpu"},
    ]


def _template_pod(workspace: Manifest) -> dict[str, Any]:
    """``inference.template`` with the workspace label, node affinity and GPU tolerations."""
    template = copy.deepcopy(workspace["inference"]["template"])
    metadata = template.setdefault("metadata", {})
    metadata.setdefault("labels", {})[WORKSPACE_LABEL] = workspace["metadata"]["name"]
    spec = template.setdefault("spec", {})
    labels = match_labels(workspace)
    if labels:
        spec["affinity"] = _affinity(labels)
    spec["tolerations"] = [*(spec.get("tolerations") or []), *_tolerations()]
    return dict(template)


def _preset_pod(workspace: Manifest, gpus: int) -> dict[str, Any]:
    """A vLLM-like inference pod for ``inference.preset``."""
    name = workspace["metadata"]["name"]
    preset = workspace["inference"]["preset"]
    model = str(preset["name"])
    probe = {"httpGet": {"path": "/health", "port": INFERENCE_PORT}, "periodSeconds": 10}
    container: dict[str, Any] = {
        "name": name,
        "image": PRESET_IMAGE,
        "command": ["/bin/sh", "-c"],
        "args": [
            (
                f"vllm serve {model} --served-model-name {model} --host 0.0.0.0 "
                f"--port {INFERENCE_PORT} --tensor-parallel-size {gpus} "
                f"--max-model-len {_MAX_MODEL_LEN}"
            )
        ],
        "ports": [{"containerPort": INFERENCE_PORT}],
        "resources": {"requests": {GPU_RESOURCE: str(gpus)}, "limits": {GPU_RESOURCE: str(gpus)}},
        "readinessProbe": {**probe, "initialDelaySeconds": 30},
        "livenessProbe": {**probe, "failureThreshold": 3},
        "volumeMounts": [{"name": "dshm", "mountPath": "/dev/shm"}],  # noqa: S108 - shared memory,
    }
    secret = (preset.get("presetOptions") or {}).get("modelAccessSecret")
    if secret:
        ref = {"secretKeyRef": {"name": secret, "key": "HF_TOKEN"}}
        container["env"] = [{"name": "HF_TOKEN", "valueFrom": ref}]
    spec: dict[str, Any] = {
        "containers": [container],
        "tolerations": _tolerations(),
        "volumes": [{"name": "dshm", "emptyDir": {"medium": "Memory"}}],
    }
    labels = match_labels(workspace)
    if labels:
        spec["affinity"] = _affinity(labels)
    return {"metadata": {"labels": {WORKSPACE_LABEL: name}}, "spec": spec}


def render_workload(
    workspace: Manifest, replicas: int, gpu_memory_mib: int | None
) -> Manifest | None:
    """The inference StatefulSet of a Workspace; None when it has no inference to run."""
    inference = workspace.get("inference") or {}
    name = workspace["metadata"]["name"]
    meta = owned_metadata(workspace, name, SIMULATOR)
    spec: dict[str, Any] = {
        "replicas": replicas,
        "selector": {"matchLabels": {WORKSPACE_LABEL: name}},
    }
    if inference.get("template"):
        spec["template"] = _template_pod(workspace)
    elif (inference.get("preset") or {}).get("name"):
        gpus = gpus_per_replica(str(inference["preset"]["name"]), gpu_memory_mib)
        annotations = workspace["metadata"].get("annotations") or {}
        revision = annotations.get(REVISION_ANNOTATION)
        if revision:
            meta["annotations"][REVISION_ANNOTATION] = revision
        spec |= {
            "podManagementPolicy": "Parallel",
            "serviceName": f"{name}-headless",
            "persistentVolumeClaimRetentionPolicy": {
                "whenScaled": "Retain",
                "whenDeleted": "Delete",
            },
            "template": _preset_pod(workspace, gpus),
        }
    else:
        return None
    return {"apiVersion": "apps/v1", "kind": "StatefulSet", "metadata": meta, "spec": spec}
