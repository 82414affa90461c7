"""Managed storage decisions of the provider SDK (spec providers.md §2.5), without a cluster."""

from __future__ import annotations

from typing import Any

import pytest

from airunway.api import ModelDeployment
from airunway.providers.sdk import storage
from airunway.providers.sdk.render import storage_volumes
from airunway.providers.sdk.storage import Decision, Verdict
from tests.unit.providers.vllm.vllm_builders import UID, vllm_md

CACHE = {"name": "model-cache", "purpose": "modelCache", "size": "10Gi"}
OWNER = [{"uid": UID, "kind": "ModelDeployment", "name": "qwen", "controller": True}]


def _md(*volumes: dict[str, Any], **spec: Any) -> ModelDeployment:
    model = {"id": "Qwen/Qwen3-0.6B", "storage": {"volumes": list(volumes)}} | spec.pop("model", {})
    return vllm_md(model=model, **spec)


def _volume(md: ModelDeployment, index: int = 0) -> Any:
    return storage_volumes(md)[index]


def _pvc(phase: str, *, owned: bool = True, labels: dict[str, str] | None = None) -> dict[str, Any]:
    meta: dict[str, Any] = {"name": "qwen-model-cache", "labels": labels or {}}
    if owned:
        meta["ownerReferences"] = OWNER
    return {"metadata": meta, "status": {"phase": phase}}


def test_pvc_manifest_follows_the_spec() -> None:
    md = _md(CACHE | {"storageClassName": "fast", "accessMode": "ReadWriteOnce"})
    pvc = storage.pvc_manifest(md, _volume(md))
    assert pvc["metadata"]["name"] == "qwen-model-cache"
    assert pvc["metadata"]["labels"] == {
        "airunway.ai/managed-by": "airunway",
        "airunway.ai/model-deployment": "qwen",
    }
    assert pvc["metadata"]["ownerReferences"][0]["uid"] == UID
    assert pvc["spec"] == {
        "accessModes": ["ReadWriteOnce"],
        "resources": {"requests": {"storage": "10Gi"}},
        "storageClassName": "fast",
    }


@pytest.mark.parametrize(
    ("class_name", "expected"), [(None, None), ("", ""), ("standard", "standard")]
)
def test_storage_class_absent_empty_and_named_are_distinct(
    class_name: str | None, expected: str | None
) -> None:
    volume = CACHE | ({} if class_name is None else {"storageClassName": class_name})
    md = _md(volume)
    spec = storage.pvc_manifest(md, _volume(md))["spec"]
    assert spec.get("storageClassName", None) == expected
    assert ("storageClassName" in spec) == (class_name is not None)
    assert spec["accessModes"] == ["ReadWriteMany"]


@pytest.mark.parametrize(
    ("existing", "expected"),
    [
        (None, Verdict.CREATE),
        (_pvc("Bound"), Verdict.READY),
        (_pvc("Pending"), Verdict.READY),
        (_pvc("Released"), Verdict.WAIT),
        (
            _pvc("Bound", owned=False, labels={"airunway.ai/managed-by": "airunway"}),
            Verdict.DELETE_STALE,
        ),
    ],
)
def test_managed_pvc_verdicts(existing: dict[str, Any] | None, expected: Verdict) -> None:
    md = _md(CACHE)
    assert storage.classify_pvc(md, _volume(md), existing).verdict is expected


def test_a_foreign_pvc_is_never_deleted() -> None:
    md = _md(CACHE)
    decision = storage.classify_pvc(md, _volume(md), _pvc("Bound", owned=False))
    assert decision == Decision(
        Verdict.FAILED,
        "PVC qwen-model-cache exists but was not created by airunway (missing "
        "airunway.ai/managed-by label); refusing to delete — remove the PVC manually or change "
        "the volume claimName",
    )


def test_lost_pvcs_fail() -> None:
    md = _md(CACHE)
    assert storage.classify_pvc(md, _volume(md), _pvc("Lost")) == Decision(
        Verdict.FAILED, "PVC qwen-model-cache is in Lost phase"
    )
    pre = _md({"name": "w", "claimName": "mine", "mountPath": "/w"})
    assert storage.classify_pvc(pre, _volume(pre), _pvc("Lost", owned=False)) == Decision(
        Verdict.FAILED, 'pre-existing PVC "mine" is in Lost phase'
    )


@pytest.mark.parametrize(
    ("phase", "verdict"), [("Bound", Verdict.READY), ("Pending", Verdict.WAIT)]
)
def test_pre_existing_claims_must_be_bound(phase: str, verdict: Verdict) -> None:
    md = _md({"name": "w", "claimName": "mine", "mountPath": "/w"})
    assert storage.classify_pvc(md, _volume(md), _pvc(phase, owned=False)).verdict is verdict


def test_download_only_for_a_writable_model_cache_of_a_hub_model() -> None:
    assert storage.download_volume(_md(CACHE)) is not None
    assert storage.download_volume(_md(CACHE | {"readOnly": True})) is None
    assert (
        storage.download_volume(_md({"name": "c", "purpose": "compilationCache", "size": "1Gi"}))
        is None
    )
    custom = _md(CACHE, model={"source": "custom"})
    assert storage.download_volume(custom) is None


def test_download_job_manifest() -> None:
    md = _md(
        CACHE | {"mountPath": "/models"},
        secrets={"huggingFaceToken": "hf"},
        podTemplate={"metadata": {"labels": {"team": "a"}, "annotations": {"x": "y"}}},
    )
    job = storage.download_job_manifest(md, _volume(md), "img:1")
    assert job["metadata"]["name"] == "qwen-model-download"
    assert job["metadata"]["labels"]["airunway.ai/job-type"] == "model-download"
    spec = job["spec"]
    assert (spec["backoffLimit"], spec["completions"], spec["parallelism"]) == (6, 1, 1)
    assert spec["podFailurePolicy"]["rules"][0]["onExitCodes"]["values"] == [2]
    pod = spec["template"]
    assert pod["metadata"] == {"annotations": {"x": "y"}}  # never the labels a pool selects by
    container = pod["spec"]["containers"][0]
    assert container["args"] == ["model", "download", "Qwen/Qwen3-0.6B"]
    assert container["env"] == [{"name": "HF_HOME", "value": "/models"}]
    assert container["envFrom"] == [{"secretRef": {"name": "hf"}}]
    assert container["resources"] == {
        "requests": {"cpu": "500m", "memory": "2Gi"},
        "limits": {"memory": "16Gi"},
    }
    assert pod["spec"]["restartPolicy"] == "Never"
    assert pod["spec"]["volumes"] == [
        {"name": "model-cache", "persistentVolumeClaim": {"claimName": "qwen-model-cache"}}
    ]


def _job(status: dict[str, Any], *, owned: bool = True, backoff: int | None = 6) -> dict[str, Any]:
    meta: dict[str, Any] = {"name": "qwen-model-download"}
    if owned:
        meta["ownerReferences"] = OWNER
    spec = {} if backoff is None else {"backoffLimit": backoff}
    return {"metadata": meta, "spec": spec, "status": status}


def _cond(ctype: str, message: str = "") -> dict[str, Any]:
    return {"conditions": [{"type": ctype, "status": "True", "message": message}]}


def test_job_verdicts() -> None:
    md = _md(CACHE)
    assert storage.classify_job(md, None).verdict is Verdict.CREATE
    assert storage.classify_job(md, _job({}, owned=False)).verdict is Verdict.DELETE_STALE
    assert storage.classify_job(md, _job(_cond("Complete"))).verdict is Verdict.READY
    assert storage.classify_job(md, _job({"succeeded": 1})).verdict is Verdict.READY
    assert storage.classify_job(md, _job({"failed": 5})).verdict is Verdict.WAIT
    assert storage.classify_job(md, _job({"active": 1})).verdict is Verdict.WAIT


def test_job_failures_name_the_job_and_the_reason() -> None:
    md = _md(CACHE)
    failed = storage.classify_job(md, _job(_cond("Failed", "BackoffLimitExceeded")), "disk full")
    assert failed == Decision(
        Verdict.FAILED,
        "model download Job qwen-model-download failed permanently: BackoffLimitExceeded: "
        "disk full",
    )
    counted = storage.classify_job(md, _job({"failed": 3}, backoff=3))
    assert counted.message == (
        "model download Job qwen-model-download failed permanently (failed=3, backoffLimit=3)"
    )
    default_limit = storage.classify_job(md, _job({"failed": 6}, backoff=None))
    assert default_limit.verdict is Verdict.FAILED


def test_termination_message_only_of_a_failed_download_container() -> None:
    def pod(code: int, name: str = "model-download") -> dict[str, Any]:
        state = {"terminated": {"exitCode": code, "message": "  too small \n"}}
        return {"status": {"containerStatuses": [{"name": name, "state": state}]}}

    assert storage.termination_message(pod(2)) == "too small"
    assert storage.termination_message(pod(0)) == ""
    assert storage.termination_message(pod(2, "sidecar")) == ""


def test_serving_pods_get_hf_home_unless_the_user_set_it() -> None:
    assert storage.cache_env(_md(CACHE)) == [{"name": "HF_HOME", "value": "/model-cache"}]
    assert storage.cache_env(_md(CACHE, env=[{"name": "HF_HOME", "value": "/x"}])) == []
    assert storage.cache_env(_md({"name": "w", "claimName": "mine", "mountPath": "/w"})) == []
