"""Managed model storage end to end: PVCs, the download Job, and the workload gated on them.

The core controller and the Direct vLLM provider run as real processes under their generated
RBAC, on a cluster of their own (the provider registers a cluster-scoped config that would
change provider selection in the shared cluster).  The Job's pods run on kwok nodes: kwok's own
pod-complete stage completes them, and AI Runway's ``airunway-pod-job-failed`` stage fails the
pods annotated ``sim.airunway.ai/fail`` (how a test makes a download fail).  The dev cluster has
no volume provisioner, so each test pre-creates a PersistentVolume bound to the claim the
provider will create, and the real PV controller binds them.
"""

from __future__ import annotations

import functools
import uuid
from collections.abc import AsyncIterator
from datetime import datetime
from typing import Any

import pytest

from airunway.devcluster.cluster import DevCluster
from airunway.kube.client import Kube
from airunway.kube.errors import NotFoundError
from airunway.kube.wait import wait_for
from tests.support.md import MD_API, MD_KIND, condition, md, wait_status
from tests.support.stack import Stack, cluster_stack, controller_and_vllm, phase

pytestmark = pytest.mark.cluster
IMAGE = "vllm/vllm-openai@sha256:" + "a" * 64  # a digest: no registry lookup needed
NS = "models"


@pytest.fixture(scope="module")
async def stack() -> AsyncIterator[Stack]:
    name = f"stor-{uuid.uuid4().hex[:6]}"
    cluster = DevCluster(name, crd_dirs=[DevCluster(name).settings.project_crds])
    env = {"AIRUNWAY_PROVIDER_DOWNLOAD_JOB_IMAGE": "example.test/airunway:dev"}
    start = functools.partial(controller_and_vllm, provider_env=env)
    async with cluster_stack(cluster, start, "storage-tests", (NS,)) as stack:
        yield stack


def _md(name: str, volume: dict[str, Any], **extra: Any) -> dict[str, Any]:
    return md(
        name,
        NS,
        provider={"name": "vllm"},
        engine={"type": "vllm", "image": IMAGE},
        resources={"gpu": {"count": 1}},
        model={
            "id": "Qwen/Qwen3-0.6B",
            "storage": {"volumes": [volume]},
        },
        **extra,
    )


def _cache_volume() -> dict[str, Any]:
    return {"name": "model-cache", "purpose": "modelCache", "size": "10Gi", "storageClassName": ""}


async def _pv_for(kube: Kube, claim: str) -> None:
    """A PersistentVolume pre-bound to ``claim`` (the dev cluster has no provisioner)."""
    await kube.apply(
        {
            "apiVersion": "v1",
            "kind": "PersistentVolume",
            "metadata": {"name": f"pv-{claim}"},
            "spec": {
                "capacity": {"storage": "10Gi"},
                "accessModes": ["ReadWriteMany"],
                "storageClassName": "",
                "persistentVolumeReclaimPolicy": "Delete",
                "hostPath": {"path": f"/tmp/airunway-test/{claim}"},  # noqa: S108 - never mounted
                "claimRef": {"namespace": NS, "name": claim},
            },
        }
    )


def _ts(value: str) -> datetime:
    return datetime.fromisoformat(value)


async def test_pvc_and_job_are_created_and_job_completion_starts_the_workload(
    stack: Stack,
) -> None:
    kube = stack.kube
    await _pv_for(kube, "qwen-model-cache")
    await kube.apply(_md("qwen", _cache_volume()))

    obj = await wait_status(kube, "qwen", NS, "Running", lambda o: phase(o) == "Running", 120)
    stored = condition(obj, "StorageReady")
    downloaded = condition(obj, "ModelDownloaded")
    assert stored is not None
    assert (stored["status"], stored["reason"]) == ("True", "PVCsBound")
    assert stored["message"] == "All managed PVCs are bound"
    assert downloaded is not None
    assert (downloaded["status"], downloaded["reason"]) == ("True", "DownloadComplete")
    assert downloaded["message"] == "Model download completed"

    uid = obj["metadata"]["uid"]
    pvc = await kube.get("v1", "PersistentVolumeClaim", "qwen-model-cache", NS)
    assert pvc["metadata"]["labels"] == {
        "airunway.ai/managed-by": "airunway",
        "airunway.ai/model-deployment": "qwen",
    }
    assert pvc["metadata"]["ownerReferences"][0]["uid"] == uid
    assert pvc["spec"]["accessModes"] == ["ReadWriteMany"]
    assert pvc["spec"]["resources"]["requests"]["storage"] == "10Gi"
    assert pvc["status"]["phase"] == "Bound"

    job = await kube.get("batch/v1", "Job", "qwen-model-download", NS)
    assert job["metadata"]["labels"]["airunway.ai/job-type"] == "model-download"
    assert job["metadata"]["ownerReferences"][0]["uid"] == uid
    container = job["spec"]["template"]["spec"]["containers"][0]
    assert container["image"] == "example.test/airunway:dev"
    assert container["args"] == ["model", "download", "Qwen/Qwen3-0.6B"]
    assert {"name": "HF_HOME", "value": "/model-cache"} in container["env"]

    deployment = await kube.get("apps/v1", "Deployment", "qwen", NS)
    # the workload was applied only after the download had completed
    assert _ts(deployment["metadata"]["creationTimestamp"]) >= _ts(job["status"]["completionTime"])
    pod_spec = deployment["spec"]["template"]["spec"]
    assert {"name": "model-cache", "persistentVolumeClaim": {"claimName": "qwen-model-cache"}} in (
        pod_spec["volumes"]
    )
    serving = pod_spec["containers"][0]
    assert {"name": "model-cache", "mountPath": "/model-cache"} in serving["volumeMounts"]
    assert {"name": "HF_HOME", "value": "/model-cache"} in serving["env"]


async def test_a_failing_download_fails_the_deployment_with_the_reason(stack: Stack) -> None:
    kube = stack.kube
    await _pv_for(kube, "broken-model-cache")
    reason = "model Qwen/Qwen3-0.6B needs 1.4 GiB but the model cache volume has only 1.0 GiB free"
    await kube.apply(
        _md(
            "broken",
            _cache_volume(),
            podTemplate={
                "metadata": {
                    "annotations": {
                        "sim.airunway.ai/fail": "true",
                        "sim.airunway.ai/fail-message": reason,
                    }
                }
            },
        )
    )
    obj = await wait_status(kube, "broken", NS, "Failed", lambda o: phase(o) == "Failed", 120)
    downloaded = condition(obj, "ModelDownloaded")
    assert downloaded is not None
    assert (downloaded["status"], downloaded["reason"]) == ("False", "DownloadFailed")
    assert downloaded["message"].startswith(
        "model download Job broken-model-download failed permanently: "
    )
    assert downloaded["message"].endswith(f": {reason}")
    assert obj["status"]["message"] == f"Model download failed: {downloaded['message']}"
    with pytest.raises(NotFoundError):
        await kube.get("apps/v1", "Deployment", "broken", NS)


async def test_a_missing_pre_existing_claim_is_reported(stack: Stack) -> None:
    kube = stack.kube
    volume = {"name": "weights", "purpose": "custom", "claimName": "nowhere", "mountPath": "/w"}
    await kube.apply(_md("orphan", volume))
    obj = await wait_status(kube, "orphan", NS, "Failed", lambda o: phase(o) == "Failed", 60)
    stored = condition(obj, "StorageReady")
    assert stored is not None
    assert (stored["status"], stored["reason"]) == ("False", "PVCFailed")
    expected = (
        'pre-existing PVC "nowhere" not found in namespace "models" (referenced by volume '
        '"weights"); ensure the PVC exists before creating the ModelDeployment'
    )
    assert stored["message"] == expected
    assert obj["status"]["message"] == f"Failed to ensure PVCs: {expected}"


async def test_deleting_the_deployment_removes_its_pvc_and_job(stack: Stack) -> None:
    kube = stack.kube
    await wait_status(kube, "qwen", NS, "Running", lambda o: phase(o) == "Running", 120)
    await kube.delete(MD_API, MD_KIND, "qwen", NS)

    async def gone() -> bool:
        for api, kind, name in (
            (MD_API, MD_KIND, "qwen"),
            ("batch/v1", "Job", "qwen-model-download"),
            ("v1", "PersistentVolumeClaim", "qwen-model-cache"),
        ):
            try:
                await kube.get(api, kind, name, NS)
            except NotFoundError:
                continue
            return False
        return True

    await wait_for(gone, timeout=90, what="the ModelDeployment, its Job and its PVC to be deleted")
