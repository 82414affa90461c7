"""The API side of managed model storage: ensure PVCs, ensure the download Job (§2.5).

Runs as a step of the shared provider reconcile, after compatibility and before rendering: the
workload is only applied once every PVC is usable and the model is in the cache, so no serving
pod starts downloading on its own.  The decisions are :mod:`.storage`'s; PVCs and Jobs are
owned by the ModelDeployment, watched by the provider process (a Job finishing reconciles its
ModelDeployment at once) and deleted with it.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field

from airunway.api import ConditionType, ModelDeployment, StorageVolume
from airunway.kube.client import Kube, Manifest
from airunway.kube.errors import ConflictError, KubeError, NotFoundError
from airunway.providers.sdk import storage
from airunway.providers.sdk.render import storage_volumes
from airunway.providers.sdk.status import Phase
from airunway.providers.sdk.storage import Verdict

log = logging.getLogger(__name__)
Condition = tuple[str, str, str, str]
#: a pre-existing PVC that is not ours is not watched: look again after this long
PVC_RECHECK_SECONDS = 10.0
JOB_UID_LABEL = "batch.kubernetes.io/controller-uid"


@dataclass
class StorageReport:
    """Conditions to record and, unless storage is ready, why the workload must wait."""

    conditions: list[Condition] = field(default_factory=list)
    halt: str | None = None
    phase: Phase | None = None
    retry_after: float | None = None


class StorageReconciler:
    """EnsurePVCs and EnsureDownloadJob for one ModelDeployment at a time."""

    def __init__(self, kube: Kube, download_image: str) -> None:
        self._kube = kube
        self._image = download_image

    async def ensure(self, md: ModelDeployment) -> StorageReport:
        """PVCs, then the download; the report says whether the workload may be applied."""
        report = StorageReport()
        if storage_volumes(md) and await self._pvcs_step(md, report):
            volume = storage.download_volume(md)
            if volume is not None:
                await self._download_step(md, volume, report)
        return report

    async def _pvcs_step(self, md: ModelDeployment, report: StorageReport) -> bool:
        """StorageReady; True when every PVC is usable."""
        ctype = ConditionType.STORAGE_READY
        try:
            ready = await self._ensure_pvcs(md)
        except _StorageError as exc:
            report.conditions.append((ctype, "False", "PVCFailed", str(exc)))
            report.halt, report.phase = f"Failed to ensure PVCs: {exc}", Phase.FAILED
            return False
        if not ready:
            report.conditions.append((ctype, "False", "PVCsPending", storage.PVCS_PENDING))
            report.halt, report.phase = storage.PVCS_PENDING, Phase.PENDING
            report.retry_after = PVC_RECHECK_SECONDS
            return False
        report.conditions.append((ctype, "True", "PVCsBound", storage.PVCS_BOUND))
        return True

    async def _download_step(
        self, md: ModelDeployment, volume: StorageVolume, report: StorageReport
    ) -> None:
        """ModelDownloaded; halts the report until the Job has completed."""
        ctype = ConditionType.MODEL_DOWNLOADED
        try:
            done = await self._ensure_job(md, volume)
        except _StorageError as exc:
            report.conditions.append((ctype, "False", "DownloadFailed", str(exc)))
            report.halt, report.phase = f"Model download failed: {exc}", Phase.FAILED
            return
        if not done:
            running = storage.DOWNLOAD_RUNNING
            report.conditions.append((ctype, "False", "DownloadInProgress", running))
            report.halt, report.phase = running, Phase.PENDING
            return
        report.conditions.append((ctype, "True", "DownloadComplete", storage.DOWNLOAD_DONE))

    async def _get(self, kind: tuple[str, str], name: str, namespace: str) -> Manifest | None:
        try:
            return await self._kube.get(kind[0], kind[1], name, namespace)
        except NotFoundError:
            return None
        except KubeError as exc:
            raise _StorageError(str(exc)) from exc

    async def _ensure_pvcs(self, md: ModelDeployment) -> bool:
        namespace = md.metadata.namespace or ""
        ready = True
        for volume in storage_volumes(md):
            claim = volume.resolved_claim_name(md.metadata.name or "")
            existing = await self._get(storage.PVC, claim, namespace)
            decision = storage.classify_pvc(md, volume, existing)
            if decision.verdict is Verdict.FAILED:
                raise _StorageError(decision.message)
            if decision.verdict is Verdict.READY:
                continue
            ready = False
            try:
                if decision.verdict is Verdict.CREATE:
                    log.info("creating PVC %s/%s", namespace, claim)
                    await self._kube.create(storage.pvc_manifest(md, volume))
                elif decision.verdict is Verdict.DELETE_STALE:
                    log.info("deleting stale PVC %s/%s", namespace, claim)
                    await self._kube.delete(*storage.PVC, claim, namespace)
            except ConflictError:
                continue  # created meanwhile (AlreadyExists): looked at on the next pass
            except KubeError as exc:
                raise _StorageError(str(exc)) from exc
        return ready

    async def _ensure_job(self, md: ModelDeployment, volume: StorageVolume) -> bool:
        namespace = md.metadata.namespace or ""
        name = storage.job_name(md)
        existing = await self._get(storage.JOB, name, namespace)
        decision = storage.classify_job(md, existing)
        if decision.verdict is Verdict.FAILED and existing is not None:
            # the container's own words (e.g. "volume too small") say more than the Job's
            decision = storage.classify_job(md, existing, await self._pod_message(existing))
        try:
            if decision.verdict is Verdict.CREATE:
                log.info("creating model download Job %s/%s", namespace, name)
                await self._kube.create(storage.download_job_manifest(md, volume, self._image))
            elif decision.verdict is Verdict.DELETE_STALE:
                log.info("deleting stale model download Job %s/%s", namespace, name)
                await self._kube.delete(*storage.JOB, name, namespace, background=True)
        except ConflictError:
            return False
        except KubeError as exc:
            raise _StorageError(str(exc)) from exc
        if decision.verdict is Verdict.FAILED:
            raise _StorageError(decision.message)
        return decision.verdict is Verdict.READY

    async def _pod_message(self, job: Manifest) -> str:
        uid = job["metadata"].get("uid")
        try:
            pods = await self._kube.list(
                "v1", "Pod", job["metadata"]["namespace"], labels={JOB_UID_LABEL: str(uid)}
            )
        except KubeError as exc:
            log.info("could not read the pods of Job %s: %s", job["metadata"]["name"], exc)
            return ""
        for pod in pods:
            if message := storage.termination_message(pod):
                return message
        return ""


class _StorageError(Exception):
    """A storage step failed; its text goes into the condition."""
