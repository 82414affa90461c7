"""Managed model storage: PVCs and the model download Job (spec providers.md §2.5), pure.

The reference wires this into Dynamo only; here it is a capability of the provider SDK, so any
provider that mounts ``spec.model.storage`` (Direct vLLM today, Dynamo and llm-d later) gets the
same PVCs, the same download Job and the same conditions, and a model is downloaded once into a
shared volume instead of by every pod.  This module decides; :mod:`.storage_reconcile` does the
API calls.  Names, labels, messages and the Job's shape are the reference's; what we add is
a pod failure policy: our downloader exits with :data:`PERMANENT_EXIT_CODE` when retrying cannot
help (unknown or gated repository, a volume too small for the model) and the Job then fails at
once instead of after six back-off retries.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum
from typing import Any

from airunway.api import (
    LABEL_JOB_TYPE,
    ModelDeployment,
    ModelSource,
    StorageVolume,
    VolumeAccessMode,
    VolumePurpose,
)
from airunway.providers.sdk.base import Manifest
from airunway.providers.sdk.render import (
    MANAGED_BY,
    MODEL_DEPLOYMENT_LABEL,
    mount_path,
    owner_reference,
    pod_template_metadata,
    storage_volumes,
)

JOB_TYPE_DOWNLOAD = "model-download"
DOWNLOAD_CONTAINER = "model-download"
DOWNLOAD_VOLUME = "model-cache"
BACKOFF_LIMIT = 6
#: the downloader's exit code for failures a retry cannot fix (see airunway.providers.sdk.download)
PERMANENT_EXIT_CODE = 2
PVC = ("v1", "PersistentVolumeClaim")
JOB = ("batch/v1", "Job")
KINDS = (JOB, PVC)

#: RBAC a provider with managed storage needs (added to its own rules)
RBAC_RULES: tuple[tuple[list[str], list[str], list[str], str], ...] = (
    (
        [""],
        ["persistentvolumeclaims"],
        ["get", "list", "watch", "create", "delete"],
        "managed model storage",
    ),
    (["batch"], ["jobs"], ["get", "list", "watch", "create", "delete"], "the model download Job"),
    ([""], ["pods"], ["list"], "why a download pod failed (its termination message)"),
)

PVCS_PENDING = "Waiting for PVCs to be bound"
PVCS_BOUND = "All managed PVCs are bound"
DOWNLOAD_RUNNING = "Model download in progress"
DOWNLOAD_DONE = "Model download completed"


class Verdict(Enum):
    """What to do about one PVC or the download Job, and whether it is usable yet."""

    READY = "ready"
    WAIT = "wait"
    CREATE = "create"
    DELETE_STALE = "delete-stale"
    FAILED = "failed"


@dataclass(frozen=True)
class Decision:
    """A verdict, with the error text when it is :attr:`Verdict.FAILED`."""

    verdict: Verdict
    message: str = ""


def download_volume(md: ModelDeployment) -> StorageVolume | None:
    """The first modelCache volume, when the model comes from Hugging Face and it is writable."""
    if md.spec.model.source != ModelSource.HUGGINGFACE or not md.spec.model.id:
        return None
    for volume in storage_volumes(md):
        if volume.purpose == VolumePurpose.MODEL_CACHE:
            return None if volume.read_only else volume
    return None


def job_name(md: ModelDeployment) -> str:
    """``<md>-model-download``."""
    return f"{md.metadata.name}-model-download"


def _labels(md: ModelDeployment) -> dict[str, str]:
    return {MANAGED_BY: "airunway", MODEL_DEPLOYMENT_LABEL: md.metadata.name or ""}


def _meta(md: ModelDeployment, name: str, labels: dict[str, str]) -> dict[str, Any]:
    return {
        "name": name,
        "namespace": md.metadata.namespace,
        "labels": labels,
        "ownerReferences": [owner_reference(md)],
    }


def pvc_manifest(md: ModelDeployment, volume: StorageVolume) -> Manifest:
    """The PVC of a managed volume (``size`` set); ``storageClassName`` passed through as is."""
    claim = volume.resolved_claim_name(md.metadata.name or "")
    spec: dict[str, Any] = {
        "accessModes": [str(volume.access_mode or VolumeAccessMode.READ_WRITE_MANY)],
        "resources": {"requests": {"storage": str(volume.size)}},
    }
    if volume.storage_class_name is not None:
        spec["storageClassName"] = volume.storage_class_name
    return {
        "apiVersion": PVC[0],
        "kind": PVC[1],
        "metadata": _meta(md, claim, _labels(md)),
        "spec": spec,
    }


def _owned(obj: Manifest, uid: str | None) -> bool:
    refs = obj.get("metadata", {}).get("ownerReferences") or []
    return uid is not None and any(r.get("uid") == uid for r in refs)


def _pvc_phase(obj: Manifest) -> str:
    return str((obj.get("status") or {}).get("phase") or "")


def _phase_decision(phase: str, lost: str, *, pending_ready: bool) -> Decision:
    if phase == "Bound" or (pending_ready and phase == "Pending"):
        return Decision(Verdict.READY)
    if phase == "Lost":
        return Decision(Verdict.FAILED, lost)
    return Decision(Verdict.WAIT)


def classify_pvc(md: ModelDeployment, volume: StorageVolume, existing: Manifest | None) -> Decision:
    """EnsurePVCs for one volume, given the claim as read (None: not found)."""
    claim = volume.resolved_claim_name(md.metadata.name or "")
    if volume.size is None:
        if existing is None:
            return Decision(
                Verdict.FAILED,
                f'pre-existing PVC "{claim}" not found in namespace "{md.metadata.namespace}" '
                f'(referenced by volume "{volume.name}"); ensure the PVC exists before creating '
                "the ModelDeployment",
            )
        lost = f'pre-existing PVC "{claim}" is in Lost phase'
        return _phase_decision(_pvc_phase(existing), lost, pending_ready=False)
    if existing is None:
        return Decision(Verdict.CREATE)
    if not _owned(existing, md.metadata.uid):
        labels = existing.get("metadata", {}).get("labels") or {}
        if labels.get(MANAGED_BY) != "airunway":
            return Decision(
                Verdict.FAILED,
                f"PVC {claim} exists but was not created by airunway (missing {MANAGED_BY} "
                "label); refusing to delete — remove the PVC manually or change the volume "
                "claimName",
            )
        return Decision(Verdict.DELETE_STALE)
    # Pending counts as ready: a WaitForFirstConsumer class binds only with the first pod
    lost = f"PVC {claim} is in Lost phase"
    return _phase_decision(_pvc_phase(existing), lost, pending_ready=True)


def download_job_manifest(md: ModelDeployment, volume: StorageVolume, image: str) -> Manifest:
    """The Job that downloads ``spec.model.id`` into the modelCache volume (``HF_HOME``).

    The pod carries ``spec.podTemplate.metadata.annotations`` (sidecar opt-outs and the like)
    but not its labels: an InferencePool selects serving pods by label, never a download pod.
    """
    path = mount_path(volume)
    container: dict[str, Any] = {
        "name": DOWNLOAD_CONTAINER,
        "image": image,
        "args": ["model", "download", md.spec.model.id or ""],
        "env": [{"name": "HF_HOME", "value": path}],
        "resources": {
            "requests": {"cpu": "500m", "memory": "2Gi"},
            "limits": {"memory": "16Gi"},
        },
        "volumeMounts": [{"name": DOWNLOAD_VOLUME, "mountPath": path}],
        "terminationMessagePolicy": "FallbackToLogsOnError",
    }
    secret = md.spec.secrets.hugging_face_token if md.spec.secrets is not None else None
    if secret:
        container["envFrom"] = [{"secretRef": {"name": secret}}]
    _, annotations = pod_template_metadata(md)
    template_meta: dict[str, Any] = {"annotations": annotations} if annotations else {}
    claim = volume.resolved_claim_name(md.metadata.name or "")
    return {
        "apiVersion": JOB[0],
        "kind": JOB[1],
        "metadata": _meta(md, job_name(md), _labels(md) | {LABEL_JOB_TYPE: JOB_TYPE_DOWNLOAD}),
        "spec": {
            "backoffLimit": BACKOFF_LIMIT,
            "completions": 1,
            "parallelism": 1,
            "podFailurePolicy": {
                "rules": [
                    {
                        "action": "FailJob",
                        "onExitCodes": {
                            "containerName": DOWNLOAD_CONTAINER,
                            "operator": "In",
                            "values": [PERMANENT_EXIT_CODE],
                        },
                    }
                ]
            },
            "template": {
                "metadata": template_meta,
                "spec": {
                    "restartPolicy": "Never",
                    "containers": [container],
                    "volumes": [
                        {"name": DOWNLOAD_VOLUME, "persistentVolumeClaim": {"claimName": claim}}
                    ],
                },
            },
        },
    }


def _condition(obj: Manifest, ctype: str) -> dict[str, Any] | None:
    for cond in (obj.get("status") or {}).get("conditions") or []:
        if cond.get("type") == ctype and cond.get("status") == "True":
            return dict(cond)
    return None


def classify_job(md: ModelDeployment, existing: Manifest | None, pod_message: str = "") -> Decision:
    """EnsureDownloadJob, given the Job as read; ``pod_message``: a failed pod's own words."""
    if existing is None:
        return Decision(Verdict.CREATE)
    if not _owned(existing, md.metadata.uid):
        return Decision(Verdict.DELETE_STALE)
    name = existing["metadata"]["name"]
    suffix = f": {pod_message}" if pod_message else ""
    status = existing.get("status") or {}
    if _condition(existing, "Complete") is not None or int(status.get("succeeded") or 0) >= 1:
        return Decision(Verdict.READY)
    message = ""
    if (failed := _condition(existing, "Failed")) is not None:
        message = f"model download Job {name} failed permanently: {failed.get('message') or ''}"
    else:
        limit = (existing.get("spec") or {}).get("backoffLimit")
        limit = BACKOFF_LIMIT if limit is None else int(limit)
        failures = int(status.get("failed") or 0)
        if failures >= limit:
            message = (
                f"model download Job {name} failed permanently (failed={failures}, "
                f"backoffLimit={limit})"
            )
    if message:
        return Decision(Verdict.FAILED, message + suffix)
    return Decision(Verdict.WAIT)


def termination_message(pod: Manifest) -> str:
    """What the download container said when it failed (its termination message), or ""."""
    for status in (pod.get("status") or {}).get("containerStatuses") or []:
        if status.get("name") != DOWNLOAD_CONTAINER:
            continue
        terminated = (status.get("state") or {}).get("terminated") or {}
        if terminated.get("exitCode") not in {None, 0} and terminated.get("message"):
            return str(terminated["message"]).strip()
    return ""


def cache_env(md: ModelDeployment) -> list[dict[str, Any]]:
    """``HF_HOME`` pointing serving pods at the downloaded model, unless the user set it."""
    volume = download_volume(md)
    if volume is None or any(var.name == "HF_HOME" for var in md.spec.env or []):
        return []
    return [{"name": "HF_HOME", "value": mount_path(volume)}]
