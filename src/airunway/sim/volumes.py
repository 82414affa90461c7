"""A SIMULATED volume provisioner (a CSI driver's external-provisioner stand-in), NOT a real one.

Why: the playground's nodes are kwok's, with no disks and no CSI driver, so a PVC would stay
Pending forever and a pod using it (the model download Job) would never be scheduled.  This
process installs StorageClass ``airunway-sim`` as the cluster default and, like an external
provisioner, answers each Pending claim of that class with a PersistentVolume of the requested
size and access modes, pre-bound to the claim: Kubernetes' own PV controller then binds them
and the scheduler places the pods.  The volumes are ``hostPath`` entries that nothing mounts
(kwok runs no containers).  A released volume of ours is deleted (reclaim policy Delete).
"""

from __future__ import annotations

import asyncio
import logging
from typing import Final

from airunway.kube.client import Kube, Manifest
from airunway.kube.errors import ConflictError, KubeError
from airunway.kube.watch import watch_forever
from airunway.runtime.queue import WorkQueue
from airunway.sim.settings import SimSettings
from airunway.sim.workloads import SIMULATOR_ANNOTATION

log = logging.getLogger(__name__)
CLASS_NAME: Final = "airunway-sim"
PROVISIONER: Final = "sim.airunway.ai/hostpath"
PROVISIONED_BY: Final = "pv.kubernetes.io/provisioned-by"
DEFAULT_CLASS: Final = "storageclass.kubernetes.io/is-default-class"
HOST_ROOT: Final = "/var/lib/airunway-sim"


def storage_class() -> Manifest:
    """The default StorageClass whose claims this simulator provisions."""
    return {
        "apiVersion": "storage.k8s.io/v1",
        "kind": "StorageClass",
        "metadata": {
            "name": CLASS_NAME,
            "annotations": {DEFAULT_CLASS: "true", SIMULATOR_ANNOTATION: "volumes"},
        },
        "provisioner": PROVISIONER,
        "reclaimPolicy": "Delete",
        "volumeBindingMode": "Immediate",
    }


def volume_for(claim: Manifest) -> Manifest | None:
    """The PersistentVolume answering ``claim``, or None when it is not ours to provision."""
    spec = claim.get("spec") or {}
    phase = (claim.get("status") or {}).get("phase")
    if spec.get("storageClassName") != CLASS_NAME or spec.get("volumeName") or phase != "Pending":
        return None
    meta = claim["metadata"]
    size = ((spec.get("resources") or {}).get("requests") or {}).get("storage", "1Gi")
    return {
        "apiVersion": "v1",
        "kind": "PersistentVolume",
        "metadata": {
            "name": f"pvc-{meta['uid']}",
            "annotations": {PROVISIONED_BY: PROVISIONER, SIMULATOR_ANNOTATION: "volumes"},
        },
        "spec": {
            "capacity": {"storage": size},
            "accessModes": list(spec.get("accessModes") or ["ReadWriteOnce"]),
            "storageClassName": CLASS_NAME,
            "persistentVolumeReclaimPolicy": "Delete",
            "hostPath": {"path": f"{HOST_ROOT}/{meta['uid']}", "type": "DirectoryOrCreate"},
            "claimRef": {
                "apiVersion": "v1",
                "kind": "PersistentVolumeClaim",
                "namespace": meta["namespace"],
                "name": meta["name"],
                "uid": meta["uid"],
            },
        },
    }


def released(volume: Manifest) -> bool:
    """A volume we provisioned whose claim is gone (to delete)."""
    annotations = volume["metadata"].get("annotations") or {}
    phase = (volume.get("status") or {}).get("phase")
    return annotations.get(PROVISIONED_BY) == PROVISIONER and phase == "Released"


class VolumeSimulator:
    """Provisions claims of ``airunway-sim`` and deletes its released volumes."""

    def __init__(self, kube: Kube, settings: SimSettings) -> None:
        self._kube = kube
        self._settings = settings
        self._queue: WorkQueue[tuple[str, str]] = WorkQueue(self._handle, workers=2)
        self._objects: dict[tuple[str, str], Manifest] = {}
        self._stop = asyncio.Event()

    def stop(self) -> None:
        """Ask :meth:`run` to return."""
        self._stop.set()

    async def run(self) -> None:
        """Install the StorageClass, then watch claims and volumes until :meth:`stop`."""
        delay = self._settings.reconnect_delay
        while not self._stop.is_set():
            try:
                await self._kube.apply(storage_class(), force=True)
                break
            except KubeError as exc:
                log.warning("installing StorageClass %s failed (retry): %s", CLASS_NAME, exc)
                await asyncio.sleep(delay)
        log.info("volume simulator running (StorageClass %s)", CLASS_NAME)
        async with asyncio.TaskGroup() as group:
            tasks = [group.create_task(self._queue.run())]
            tasks += [
                group.create_task(
                    watch_forever(self._kube, "v1", kind, None, self._on, reconnect_delay=delay)
                )
                for kind in ("PersistentVolumeClaim", "PersistentVolume")
            ]
            await self._stop.wait()
            for task in tasks:
                task.cancel()

    def _on(self, event: str, obj: Manifest) -> None:
        if event == "DELETED":
            return
        key = (obj["kind"], f"{obj['metadata'].get('namespace', '')}/{obj['metadata']['name']}")
        self._objects[key] = obj
        self._queue.add(key)

    async def _handle(self, key: tuple[str, str]) -> None:
        obj = self._objects.pop(key, None)
        if obj is None:
            return
        try:
            if obj["kind"] == "PersistentVolumeClaim" and (volume := volume_for(obj)) is not None:
                log.info("provisioning %s for claim %s", volume["metadata"]["name"], key[1])
                await self._kube.create(volume)
            elif obj["kind"] == "PersistentVolume" and released(obj):
                log.info("deleting released volume %s", obj["metadata"]["name"])
                await self._kube.delete("v1", "PersistentVolume", obj["metadata"]["name"])
        except ConflictError:
            return  # already provisioned
