"""UPDATE-only rules (spec §2.7) and the UPDATE path of the webhook."""

from __future__ import annotations

from typing import Any

import pytest

from airunway.api import StorageVolume
from airunway.controller.admission import validate_update
from airunway.controller.admission.update import sizes_equal, volumes_equal
from tests.unit.controller.admission.builders import (
    DYNAMO,
    MODEL_ID,
    lookup_of,
    messages,
    raw_md,
    storage,
    update,
    volume,
)

VOLUMES = "spec.model.storage.volumes"
MANAGED = volume("weights", purpose="modelCache", size="40Gi")
IMMUTABLE_VOLUME = (
    "managed storage volume is immutable once created (delete the ModelDeployment to change "
    "managed storage configuration)"
)


def _removed(name: str) -> str:
    return (
        f'{VOLUMES}: Forbidden: managed storage volume "{name}" cannot be removed (it has an '
        "associated PVC; delete the ModelDeployment to clean up managed storage)"
    )


def _immutable(path: str, value: str, field: str) -> str:
    return (
        f'{path}: Invalid value: "{value}": {field} is immutable (changing it requires delete '
        "and recreate)"
    )


def test_unchanged_object_is_admitted() -> None:
    raw = raw_md(provider={"name": "dynamo"}, engine={"type": "vllm"}, model=storage(MANAGED))
    assert update(raw, raw, lookup_of(DYNAMO)).errors == []


def test_model_id_is_immutable() -> None:
    result = update(raw_md(), raw_md(model={"id": "other/model"}))
    assert messages(result) == [_immutable("spec.model.id", "other/model", "model.id")]


def test_model_source_is_immutable() -> None:
    result = update(raw_md(), raw_md(model={"id": MODEL_ID, "source": "custom"}))
    assert messages(result) == [_immutable("spec.model.source", "custom", "model.source")]


@pytest.mark.parametrize(
    ("old", "new", "rejected"),
    [
        ("vllm", "sglang", True),
        (None, "sglang", False),
        ("vllm", None, False),
        ("vllm", "vllm", False),
    ],
    ids=["changed", "set from empty", "cleared", "unchanged"],
)
def test_engine_type_is_immutable_once_set(
    old: str | None, new: str | None, *, rejected: bool
) -> None:
    def md(engine: str | None) -> dict[str, Any]:
        return raw_md(engine={"type": engine} if engine else {}, resources={"gpu": {"count": 1}})

    expected = [_immutable("spec.engine.type", "sglang", "engine.type")] if rejected else []
    assert messages(update(md(old), md(new))) == expected


@pytest.mark.parametrize(
    ("old", "new", "rejected"),
    [
        (raw_md(provider={"name": "dynamo"}), raw_md(provider={"name": "kaito"}), True),
        (
            raw_md(status={"provider": {"name": "dynamo"}}),
            raw_md(provider={"name": "kaito"}),
            True,
        ),
        (
            raw_md(status={"provider": {"name": "kaito"}}),
            raw_md(provider={"name": "kaito"}),
            False,
        ),
        (raw_md(provider={"name": "dynamo"}), raw_md(provider={"name": "dynamo"}), False),
        (raw_md(provider={"name": "dynamo"}), raw_md(), False),
        (raw_md(), raw_md(provider={"name": "kaito"}), False),
        (
            raw_md(provider={"name": "dynamo"}, status={"provider": {"name": "kaito"}}),
            raw_md(provider={"name": "dynamo"}),
            False,
        ),
    ],
    ids=[
        "explicit change",
        "change from auto-selected",
        "pin the auto-selected",
        "unchanged",
        "cleared",
        "set from empty",
        "spec wins over status",
    ],
)
def test_provider_name_is_immutable_once_set_or_selected(
    old: dict[str, Any], new: dict[str, Any], *, rejected: bool
) -> None:
    expected = [_immutable("spec.provider.name", "kaito", "provider.name")] if rejected else []
    assert messages(update(old, new)) == expected


def test_serving_mode_is_compared_after_resolution() -> None:
    disagg = raw_md(
        serving={"mode": "disaggregated"},
        scaling={"prefill": {"gpu": {"count": 1}}, "decode": {"gpu": {"count": 1}}},
    )
    assert messages(update(raw_md(), disagg)) == [
        _immutable("spec.serving.mode", "disaggregated", "serving.mode")
    ]
    explicit = raw_md(serving={"mode": "aggregated"})
    assert validate_update(raw_md(), explicit, None).errors == []


def test_dotted_names_can_still_be_updated() -> None:
    raw = raw_md("legacy.name")
    assert update(raw, raw).errors == []


def test_spec_rules_run_on_the_new_object() -> None:
    new = raw_md(image="a:1", engine={"type": "vllm", "image": "b:2"})
    assert [e.path for e in update(raw_md(), new).errors] == ["spec.engine.image"]
    args = raw_md(engine={"type": "vllm", "args": {"k": "1"}, "extraArgs": ["--k", "2"]})
    assert [e.path for e in update(raw_md(), args).errors] == ["spec.engine.extraArgs"]


def test_spec_errors_come_before_update_errors() -> None:
    new = raw_md(model={"id": "x"}, resources={"gpu": {"count": 99}})
    assert [e.path for e in update(raw_md(), new).errors] == [
        "spec.resources.gpu.count",
        "spec.model.id",
    ]


def test_removing_a_managed_volume_is_forbidden() -> None:
    old = raw_md(model=storage(MANAGED, volume("scratch", mountPath="/s", claimName="pvc")))
    new = raw_md(model=storage(volume("scratch", mountPath="/s", claimName="pvc")))
    assert messages(update(old, new)) == [_removed("weights")]


@pytest.mark.parametrize(
    "model",
    [{"id": MODEL_ID}, {"id": MODEL_ID, "storage": {}}, {"id": MODEL_ID, "storage": None}],
    ids=["storage removed", "volumes removed", "storage null"],
)
def test_dropping_all_storage_is_a_removal(model: dict[str, Any]) -> None:
    old = raw_md(model=storage(MANAGED, volume("cache", purpose="compilationCache", size="1Gi")))
    assert messages(update(old, raw_md(model=model))) == [_removed("weights"), _removed("cache")]


def test_renaming_a_managed_volume_is_a_removal() -> None:
    old = raw_md(model=storage(MANAGED))
    new = raw_md(model=storage(volume("weights2", purpose="modelCache", size="40Gi")))
    assert messages(update(old, new)) == [_removed("weights")]


@pytest.mark.parametrize(
    "change",
    [
        {"claimName": "qwen-weights2"},
        {"mountPath": "/models"},
        {"purpose": "custom", "mountPath": "/model-cache"},
        {"readOnly": True},
        {"accessMode": "ReadWriteOnce"},
        {"storageClassName": "fast"},
        {"storageClassName": ""},
        {"size": "41Gi"},
        {"size": None},
    ],
    ids=[
        "claimName",
        "mountPath",
        "purpose",
        "readOnly",
        "accessMode",
        "storageClassName added",
        "storageClassName empty",
        "size",
        "size removed",
    ],
)
def test_changing_a_managed_volume_is_rejected(change: dict[str, Any]) -> None:
    old = raw_md(model=storage(volume("scratch", mountPath="/s", claimName="pvc"), MANAGED))
    changed = {**MANAGED, **change}
    if change.get("size", "") is None:
        changed = {**changed, "claimName": "qwen-weights", "accessMode": "ReadWriteMany"}
    new = raw_md(model=storage(volume("scratch", mountPath="/s", claimName="pvc"), changed))
    errors = update(old, new).errors
    assert (errors[-1].path, errors[-1].value, errors[-1].detail) == (
        f"{VOLUMES}[1]",
        "weights",
        IMMUTABLE_VOLUME,
    )


def test_equivalent_size_spelling_is_not_a_change() -> None:
    old = raw_md(model=storage(volume("w", purpose="modelCache", size="1Gi")))
    new = raw_md(model=storage(volume("w", purpose="modelCache", size="1024Mi")))
    assert update(old, new).errors == []
    as_int = raw_md(model=storage(volume("w", purpose="modelCache", size=1073741824)))
    assert update(old, as_int).errors == []


def test_reordering_volumes_is_not_a_change() -> None:
    other = volume("scratch", mountPath="/s", claimName="pvc")
    old = raw_md(model=storage(MANAGED, other))
    new = raw_md(model=storage(other, MANAGED))
    assert update(old, new).errors == []


def test_unmanaged_volumes_change_freely_and_managed_ones_can_be_added() -> None:
    old = raw_md(model=storage(volume("scratch", mountPath="/s", claimName="pvc")))
    new = raw_md(
        model=storage(
            volume("scratch", mountPath="/other", claimName="pvc2", readOnly=True),
            MANAGED,
        )
    )
    assert update(old, new).errors == []
    assert update(old, raw_md()).errors == []


def test_turning_an_unmanaged_volume_into_a_managed_one_is_allowed() -> None:
    old = raw_md(model=storage(volume("w", mountPath="/s", claimName="qwen-w")))
    new = raw_md(model=storage(volume("w", mountPath="/s", size="1Gi")))
    assert update(old, new).errors == []


def _vol(**fields: Any) -> StorageVolume:
    return StorageVolume.model_validate({"name": "w", **fields})


@pytest.mark.parametrize(
    ("a", "b", "equal"),
    [
        ({"size": "1Gi"}, {"size": "1024Mi"}, True),
        ({"size": "1Gi"}, {"size": "1G"}, False),
        ({"size": "1Gi"}, {}, False),
        ({}, {}, True),
        ({"claimName": ""}, {}, True),
        ({"mountPath": ""}, {}, True),
        ({"storageClassName": ""}, {}, False),
        ({"storageClassName": "a"}, {"storageClassName": "b"}, False),
        ({"storageClassName": "a"}, {"storageClassName": "a"}, True),
        ({"purpose": "custom"}, {}, True),
        ({"readOnly": False}, {}, True),
        ({"readOnly": True}, {}, False),
        ({"accessMode": "ReadWriteMany"}, {}, False),
    ],
)
def test_semantic_volume_equality(a: dict[str, Any], b: dict[str, Any], *, equal: bool) -> None:
    assert volumes_equal(_vol(**a), _vol(**b)) is equal
    assert volumes_equal(_vol(**b), _vol(**a)) is equal


def test_sizes_equal_handles_absence_and_unparsable_values() -> None:
    assert sizes_equal(None, None)
    assert not sizes_equal("1", None)
    assert not sizes_equal(None, 1)
    assert sizes_equal("1e3", 1000)
    assert sizes_equal("1e99999999999999999999", "1e99999999999999999999")
    assert not sizes_equal("1e99999999999999999999", "2e99999999999999999999")
