"""Admission cases for the CRD's CEL rules, shared with the cluster tests.

``CEL_CASES`` lists objects (and, for updates, the stored old object) with the error the API
server must report, or ``None`` when it must admit them. The table was checked against the
real Kubernetes 1.35 apiextensions validator (defaulting, schema, list-map keys and CEL);
``tests/cluster/test_crds.py`` replays it against the live API server and
``tests/unit/api/test_api_cel_cases.py`` checks it offline.
"""

import copy
from dataclasses import dataclass
from typing import Any

from airunway.api import cel


@dataclass(frozen=True)
class CelCase:
    """One admission request: ``obj`` (created, or updated from ``old``) and the expected error."""

    name: str
    obj: dict[str, Any]
    old: dict[str, Any] | None = None
    error: str | None = None


def md(spec: dict[str, Any], name: str = "m", **extra: Any) -> dict[str, Any]:
    obj = {
        "apiVersion": "airunway.ai/v1alpha1",
        "kind": "ModelDeployment",
        "metadata": {"name": name, "namespace": "default"},
        "spec": spec,
    }
    return obj | extra


def sp(**fields: Any) -> dict[str, Any]:
    return {"model": {"id": "Qwen/Qwen3-0.6B"}} | copy.deepcopy(fields)


def vol(**volume: Any) -> dict[str, Any]:
    return {"model": {"id": "x", "storage": {"volumes": [volume]}}}


def managed(**volume: Any) -> dict[str, Any]:
    return md(vol(name="w", mountPath="/m", size="2Gi", **volume))


DISAGG = {"serving": {"mode": "disaggregated"}}
BOTH = {"prefill": {"gpu": {"count": 1}}, "decode": {"gpu": {"count": 1}}}
MAX_GPU = cel.MSG_EXCEEDS_MAXIMUM.format(limit=64)
MAX_REPLICAS = cel.MSG_EXCEEDS_MAXIMUM.format(limit=32)
MANAGED_CHANGED = cel.MSG_MANAGED_VOLUME_IMMUTABLE
REMOVED = cel.MSG_MANAGED_VOLUME_REMOVED.format(name="w")

CREATE = [
    CelCase("dots", md(sp(), name="a.b"), error=cel.MSG_NAME_HAS_DOTS),
    CelCase(
        "image-conflict",
        md(sp(image="a", engine={"image": "b"})),
        error=cel.MSG_IMAGE_CONFLICT.format(image='"a"', engine_image='"b"'),
    ),
    CelCase("image-same", md(sp(image="a", engine={"image": "a"}))),
    CelCase("id-missing", md({"model": {}}), error=cel.MSG_MODEL_ID_REQUIRED),
    CelCase("id-empty", md({"model": {"id": ""}}), error=cel.MSG_MODEL_ID_REQUIRED),
    CelCase("id-custom", md({"model": {"source": "custom"}})),
    CelCase(
        "disagg-gpu",
        md(sp(**DISAGG, resources={"gpu": {"count": 1}}, scaling=BOTH)),
        error=cel.MSG_DISAGG_GPU_IN_RESOURCES,
    ),
    CelCase("disagg-gpu0", md(sp(**DISAGG, resources={"gpu": {"count": 0}}, scaling=BOTH))),
    CelCase("disagg-no-scaling", md(sp(**DISAGG)), error=cel.MSG_DISAGG_REQUIRES_SCALING),
    CelCase(
        "disagg-no-prefill",
        md(sp(**DISAGG, scaling={"decode": {}})),
        error=cel.MSG_DISAGG_REQUIRES_PREFILL,
    ),
    CelCase(
        "disagg-no-decode",
        md(sp(**DISAGG, scaling={"prefill": {}})),
        error=cel.MSG_DISAGG_REQUIRES_DECODE,
    ),
    # V13/V15 (GPU count > 0 per component) have a mocker exception: webhook-only.
    CelCase("disagg-no-gpus", md(sp(**DISAGG, scaling={"prefill": {}, "decode": {}}))),
    CelCase("gpu-65", md(sp(resources={"gpu": {"count": 65}})), error=MAX_GPU),
    CelCase("gpu-64", md(sp(resources={"gpu": {"count": 64}}))),
    CelCase("prefill-gpu-65", md(sp(scaling={"prefill": {"gpu": {"count": 65}}})), error=MAX_GPU),
    CelCase("replicas-33", md(sp(scaling={"replicas": 33})), error=MAX_REPLICAS),
    CelCase("decode-replicas-33", md(sp(scaling={"decode": {"replicas": 33}})), error=MAX_REPLICAS),
    CelCase("cpu-bad", md(sp(resources={"cpu": "abc"})), error=cel.MSG_INVALID_QUANTITY),
    CelCase(
        "cpu-513",
        md(sp(resources={"cpu": "513"})),
        error=cel.MSG_EXCEEDS_MAXIMUM.format(limit="512"),
    ),
    CelCase("cpu-512", md(sp(resources={"cpu": "512000m"}))),
    CelCase("cpu-empty", md(sp(resources={"cpu": ""}))),
    CelCase(
        "mem-5Ti",
        md(sp(resources={"memory": "5Ti"})),
        error=cel.MSG_EXCEEDS_MAXIMUM.format(limit="4Ti"),
    ),
    CelCase("mem-4Ti", md(sp(resources={"memory": "4Ti"}))),
    CelCase(
        "decode-mem-bad",
        md(sp(scaling={"decode": {"memory": "lots"}})),
        error=cel.MSG_INVALID_QUANTITY,
    ),
    CelCase("vol-no-claim", md(vol(name="v", mountPath="/m")), error=cel.MSG_CLAIM_NAME_REQUIRED),
    CelCase(
        "vol-ro-size",
        md(vol(name="v", mountPath="/m", size="1Gi", readOnly=True)),
        error=cel.MSG_READ_ONLY_WITH_SIZE,
    ),
    CelCase(
        "vol-access-no-size",
        md(vol(name="v", mountPath="/m", claimName="c", accessMode="ReadWriteOnce")),
        error=cel.MSG_ACCESS_MODE_WITHOUT_SIZE,
    ),
    CelCase(
        "vol-class-no-size",
        md(vol(name="v", mountPath="/m", claimName="c", storageClassName="")),
        error=cel.MSG_STORAGE_CLASS_WITHOUT_SIZE,
    ),
    CelCase(
        "vol-relative",
        md(vol(name="v", mountPath="m", claimName="c")),
        error=cel.MSG_MOUNT_PATH_NOT_ABSOLUTE,
    ),
    CelCase(
        "vol-custom-no-mount",
        md(vol(name="v", claimName="c")),
        error=cel.MSG_MOUNT_PATH_REQUIRED,
    ),
    CelCase("vol-model-cache-no-mount", md(vol(name="v", claimName="c", purpose="modelCache"))),
    CelCase(
        "vol-etc",
        md(vol(name="v", claimName="c", mountPath="/etc/x")),
        error=cel.MSG_MOUNT_PATH_SYSTEM.format(path="/etc"),
    ),
    CelCase(
        "vol-var-run",
        md(vol(name="v", claimName="c", mountPath="/var/run")),
        error=cel.MSG_MOUNT_PATH_SYSTEM.format(path="/var/run"),
    ),
    CelCase("vol-etcetera", md(vol(name="v", claimName="c", mountPath="/etcetera"))),
    CelCase("vol-size-int", md(vol(name="v", mountPath="/m", size=1073741824))),
    CelCase(
        "two-model-caches",
        md(
            {
                "model": {
                    "id": "x",
                    "storage": {
                        "volumes": [
                            {"name": "a", "purpose": "modelCache", "claimName": "a"},
                            {"name": "b", "purpose": "modelCache", "claimName": "b"},
                        ]
                    },
                }
            }
        ),
        error=cel.MSG_AT_MOST_ONE_PURPOSE.format(purpose="modelCache"),
    ),
]

UPDATE = [
    CelCase("dots-update", md(sp(), name="a.b"), md(sp(), name="a.b")),
    CelCase(
        "id-change",
        md(sp(model={"id": "b"})),
        md(sp(model={"id": "a"})),
        cel.MSG_IMMUTABLE.format(field="model.id"),
    ),
    CelCase(
        "source-change",
        md({"model": {"id": "a", "source": "custom"}}),
        md({"model": {"id": "a"}}),
        cel.MSG_IMMUTABLE.format(field="model.source"),
    ),
    CelCase(
        "engine-change",
        md(sp(engine={"type": "sglang"})),
        md(sp(engine={"type": "vllm"})),
        cel.MSG_IMMUTABLE.format(field="engine.type"),
    ),
    CelCase("engine-set", md(sp(engine={"type": "sglang"})), md(sp(engine={}))),
    CelCase("engine-cleared", md(sp(engine={})), md(sp(engine={"type": "vllm"}))),
    CelCase(
        "mode-change",
        md(sp(**DISAGG, scaling={"prefill": {}, "decode": {}})),
        md(sp()),
        cel.MSG_IMMUTABLE.format(field="serving.mode"),
    ),
    CelCase("mode-made-explicit", md(sp(serving={"mode": "aggregated"})), md(sp())),
    CelCase(
        "provider-change",
        md(sp(provider={"name": "b"})),
        md(sp(provider={"name": "a"})),
        cel.MSG_IMMUTABLE.format(field="provider.name"),
    ),
    CelCase(
        "provider-vs-selected",
        md(sp(provider={"name": "b"})),
        md(sp(), status={"provider": {"name": "a"}}),
        cel.MSG_IMMUTABLE.format(field="provider.name"),
    ),
    CelCase(
        "provider-pins-selected",
        md(sp(provider={"name": "a"}), status={"provider": {"name": "a"}}),
        md(sp(), status={"provider": {"name": "a"}}),
    ),
    CelCase("provider-cleared", md(sp()), md(sp(provider={"name": "a"}))),
    CelCase(
        "managed-removed",
        md({"model": {"id": "x", "storage": {"volumes": []}}}),
        managed(),
        REMOVED,
    ),
    CelCase("managed-storage-dropped", md({"model": {"id": "x"}}), managed(), REMOVED),
    CelCase(
        "managed-mount-change",
        md(vol(name="w", mountPath="/n", size="2Gi")),
        managed(),
        MANAGED_CHANGED,
    ),
    CelCase(
        "managed-size-dropped",
        md(vol(name="w", mountPath="/m", claimName="m-w")),
        managed(),
        MANAGED_CHANGED,
    ),
    CelCase("managed-class-added", managed(storageClassName="x"), managed(), MANAGED_CHANGED),
    CelCase(
        "managed-access-added", managed(accessMode="ReadWriteOnce"), managed(), MANAGED_CHANGED
    ),
    CelCase("managed-same", managed(), managed()),
    # Same quantity, new spelling: admitted (the size value is compared by the webhook only).
    CelCase("managed-size-respelled", md(vol(name="w", mountPath="/m", size="2048Mi")), managed()),
    CelCase(
        "unmanaged-removed",
        md({"model": {"id": "x"}}),
        md(vol(name="u", mountPath="/u", claimName="c")),
    ),
    CelCase("managed-added", managed(), md({"model": {"id": "x"}})),
]

CEL_CASES = CREATE + UPDATE
