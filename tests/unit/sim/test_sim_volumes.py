"""The simulated volume provisioner's decisions (pure)."""

from __future__ import annotations

from typing import Any

from airunway.sim.volumes import CLASS_NAME, PROVISIONER, released, storage_class, volume_for


def _claim(**spec: Any) -> dict[str, Any]:
    body = {"storageClassName": CLASS_NAME, "accessModes": ["ReadWriteMany"]} | spec
    body.setdefault("resources", {"requests": {"storage": "20Gi"}})
    return {
        "metadata": {"name": "c", "namespace": "ns", "uid": "u-1"},
        "spec": body,
        "status": {"phase": "Pending"},
    }


def test_a_pending_claim_of_our_class_gets_a_pre_bound_volume() -> None:
    volume = volume_for(_claim())
    assert volume is not None
    assert volume["metadata"]["name"] == "pvc-u-1"
    spec = volume["spec"]
    assert spec["capacity"] == {"storage": "20Gi"}
    assert spec["accessModes"] == ["ReadWriteMany"]
    assert spec["claimRef"] == {
        "apiVersion": "v1",
        "kind": "PersistentVolumeClaim",
        "namespace": "ns",
        "name": "c",
        "uid": "u-1",
    }


def test_other_claims_are_left_alone() -> None:
    assert volume_for(_claim(storageClassName="fast")) is None
    assert volume_for(_claim(volumeName="pv-1")) is None
    bound = _claim() | {"status": {"phase": "Bound"}}
    assert volume_for(bound) is None


def test_only_our_released_volumes_are_deleted() -> None:
    ours = {"metadata": {"annotations": {"pv.kubernetes.io/provisioned-by": PROVISIONER}}}
    assert released(ours | {"status": {"phase": "Released"}})
    assert not released(ours | {"status": {"phase": "Bound"}})
    assert not released({"metadata": {}, "status": {"phase": "Released"}})


def test_the_class_is_the_default() -> None:
    annotations = storage_class()["metadata"]["annotations"]
    assert annotations["storageclass.kubernetes.io/is-default-class"] == "true"
