"""Drift via the last-applied annotation (§1.5): what counts as drift, and the fixing patch."""

from __future__ import annotations

import copy
import json
from typing import Any

import pytest

from airunway.providers.kaito import LAST_APPLIED_ANNOTATION, merge_patch, needs_update
from airunway.providers.kaito.drift import (
    json_equal,
    json_merge_patch,
    last_applied,
    read_last_applied,
    updated,
    with_last_applied,
)

KEY = LAST_APPLIED_ANNOTATION


def _desired(
    *,
    count: int = 1,
    match_labels: dict[str, str] | None = None,
    preset: dict[str, Any] | None = None,
    labels: dict[str, str] | None = None,
    annotations: dict[str, str] | None = None,
) -> dict[str, Any]:
    metadata: dict[str, Any] = {"name": "ws", "namespace": "ns", "labels": labels or {"a": "1"}}
    if annotations:
        metadata["annotations"] = annotations
    return with_last_applied(
        {
            "apiVersion": "kaito.sh/v1beta1",
            "kind": "Workspace",
            "metadata": metadata,
            "resource": {
                "count": count,
                "labelSelector": {"matchLabels": match_labels or {"kubernetes.io/os": "linux"}},
            },
            "inference": {"preset": preset or {"name": "m"}},
        }
    )


def _live(obj: dict[str, Any], **server: Any) -> dict[str, Any]:
    """``obj`` as read back: server metadata added, operator defaults merged in."""
    live = copy.deepcopy(obj)
    live["metadata"].update(uid="u", resourceVersion="7", generation=1)
    live["status"] = {"state": "Ready"}
    for path, value in server.items():
        node = live
        *parents, leaf = path.split("__")
        for part in parents:
            node = node.setdefault(part, {})
        node[leaf] = value
    return live


def _apply(patch: dict[str, Any], target: dict[str, Any]) -> dict[str, Any]:
    """RFC 7386 merge-patch application, as the API server does it."""
    out = copy.deepcopy(target)
    for key, value in patch.items():
        if value is None:
            out.pop(key, None)
        elif isinstance(value, dict):
            base = out.get(key)
            out[key] = _apply(value, base if isinstance(base, dict) else {})
        else:
            out[key] = value
    return out


def _converges(existing: dict[str, Any], desired: dict[str, Any]) -> dict[str, Any]:
    patch = merge_patch(existing, desired)
    after = _apply(patch, existing)
    assert after == updated(existing, desired)
    assert not needs_update(after, desired)
    return patch


def test_unchanged_workspace_needs_no_update() -> None:
    desired = _desired()
    assert not needs_update(_live(desired), desired)
    assert merge_patch(_live(desired), desired) == {}


def test_operator_defaults_are_tolerated() -> None:
    desired = _desired()
    live = _live(
        desired,
        inference__preset__accessMode="public",
        resource__preferredNodes=["n1"],
        metadata__labels={"a": "1", "kaito.sh/workspace": "ws"},
        metadata__annotations={KEY: last_applied(desired), "kaito.sh/revision": "1"},
    )
    assert not needs_update(live, desired)


def test_changed_scalar_is_drift() -> None:
    previous, desired = _desired(count=1), _desired(count=2)
    live = _live(previous, inference__preset__accessMode="public")
    assert needs_update(live, desired)
    patch = _converges(live, desired)
    assert patch == {
        "resource": {"count": 2},
        "metadata": {"annotations": {KEY: last_applied(desired)}},
    }


def test_key_removed_from_desired_is_deleted_when_last_applied_had_it() -> None:
    previous = _desired(preset={"name": "m", "accessMode": "private"}, match_labels={"x": "1"})
    desired = _desired(match_labels={"kubernetes.io/os": "linux"})
    live = _live(previous)
    assert needs_update(live, desired)
    patch = _converges(live, desired)
    assert patch["inference"] == {"preset": {"accessMode": None}}
    assert patch["resource"] == {
        "labelSelector": {"matchLabels": {"x": None, "kubernetes.io/os": "linux"}}
    }


def test_legacy_workspace_without_last_applied() -> None:
    """Selector extras go, operator defaults elsewhere stay, and the record is backfilled."""
    desired = _desired()
    live = _live(desired, inference__preset__accessMode="public")
    live["resource"]["labelSelector"]["matchLabels"]["airunway.ai/old"] = "true"
    live["resource"]["labelSelector"]["matchExpressions"] = []
    del live["metadata"]["annotations"]
    live["metadata"]["labels"]["stale"] = "kept"  # no record: not ours to delete
    assert needs_update(live, desired)
    patch = _converges(live, desired)
    assert patch == {
        "resource": {
            "labelSelector": {"matchLabels": {"airunway.ai/old": None}, "matchExpressions": None}
        },
        "metadata": {"annotations": {KEY: last_applied(desired)}},
    }


def test_unparseable_record_is_rewritten() -> None:
    desired = _desired()
    live = _live(desired)
    live["metadata"]["annotations"][KEY] = "not json"
    assert read_last_applied(live).resource is None
    assert needs_update(live, desired)  # the record differs, so it is rewritten


@pytest.mark.parametrize(
    "record",
    [
        "",
        "not json",
        "null",
        "[]",
        '"x"',
        '{"resource": NaN}',
    ],
)
def test_unusable_records_read_as_none(record: str) -> None:
    live = _live(_desired())
    live["metadata"]["annotations"][KEY] = record
    got = read_last_applied(live)
    assert (got.resource, got.inference, got.labels, got.annotations) == (None, None, None, None)


def test_partial_record() -> None:
    live = _live(_desired())
    live["metadata"]["annotations"][KEY] = json.dumps(
        {"resource": [], "inference": {"preset": {}}, "labels": {"a": 1}, "annotations": {}}
    )
    got = read_last_applied(live)
    assert got.resource is None
    assert got.inference == {"preset": {}}
    assert got.labels is None
    assert got.annotations == {}


def test_metadata_stale_managed_keys_go_foreign_keys_stay() -> None:
    previous = _desired(labels={"a": "1", "old": "x"}, annotations={"note": "n", "gone": "g"})
    desired = _desired(labels={"a": "2"}, annotations={"note": "n"})
    live = _live(previous)
    live["metadata"]["labels"]["foreign"] = "f"
    live["metadata"]["annotations"]["foreign"] = "f"
    assert needs_update(live, desired)
    patch = _converges(live, desired)
    assert patch["metadata"] == {
        "labels": {"a": "2", "old": None},
        "annotations": {"gone": None, KEY: last_applied(desired)},
    }


def test_only_the_record_differs() -> None:
    desired = _desired()
    live = _live(desired)
    live["metadata"]["annotations"][KEY] = last_applied(desired).replace(":1,", ": 1,")
    assert needs_update(live, desired)


def test_all_labels_removed_drops_the_map() -> None:
    previous = _desired(labels={"a": "1"})
    desired = copy.deepcopy(previous)
    desired["metadata"]["labels"] = {}
    desired = with_last_applied(desired)
    live = _live(previous)
    patch = _converges(live, desired)
    assert patch["metadata"]["labels"] is None


def test_top_level_map_absent_from_desired() -> None:
    previous = _desired()
    desired = copy.deepcopy(previous)
    del desired["inference"]
    desired = with_last_applied(desired)
    live = _live(previous)
    assert needs_update(live, desired)
    assert merge_patch(live, desired)["inference"] is None
    # without a record of inference it stays
    live["metadata"]["annotations"][KEY] = "{}"
    assert "inference" not in merge_patch(live, desired)


def test_desired_map_replaces_a_non_map() -> None:
    desired = _desired()
    live = _live(desired)
    live["inference"]["preset"] = "scalar"
    live["resource"] = "broken"
    assert needs_update(live, desired)
    after = _apply(_converges(live, desired), live)
    assert after["inference"]["preset"] == {"name": "m"}
    assert after["resource"] == desired["resource"]


def test_missing_desired_key_and_lists_compared_whole() -> None:
    desired = _desired()
    desired["resource"]["preferredNodes"] = ["a", "b"]
    desired = with_last_applied(desired)
    live = _live(desired)
    live["resource"]["preferredNodes"] = ["b", "a"]
    assert needs_update(live, desired)
    live["resource"]["preferredNodes"] = ["a", "b"]
    assert not needs_update(live, desired)
    del live["resource"]["preferredNodes"]
    assert needs_update(live, desired)


def test_desired_without_record_gets_one() -> None:
    desired = _desired()
    bare = copy.deepcopy(desired)
    del bare["metadata"]["annotations"]
    assert not needs_update(_live(desired), bare)
    assert merge_patch(_live(desired), bare) == {}


def test_inputs_are_not_mutated() -> None:
    previous, desired = _desired(count=1), _desired(count=3)
    live = _live(previous)
    snapshot = (copy.deepcopy(live), copy.deepcopy(desired))
    merge_patch(live, desired)
    needs_update(live, desired)
    assert (live, desired) == snapshot


def test_last_applied_shape() -> None:
    desired = _desired(annotations={"n": "<&>"})
    text = desired["metadata"]["annotations"][KEY]
    assert text == last_applied(desired)
    assert text == (
        '{"annotations":{"n":"\\u003c\\u0026\\u003e"},"inference":{"preset":{"name":"m"}},'
        '"labels":{"a":"1"},"resource":{"count":1,"labelSelector":{"matchLabels":'
        '{"kubernetes.io/os":"linux"}}}}'
    )
    bare = {"metadata": {"name": "x"}}
    assert last_applied(bare) == '{"annotations":{},"labels":{}}'


@pytest.mark.parametrize(
    ("left", "right", "equal"),
    [
        (1, 1.0, True),
        (True, 1, False),
        (False, 0, False),
        (True, True, True),
        ("1", 1, False),
        (None, None, True),
        ([1, {"a": True}], [1.0, {"a": True}], True),
        ({"a": 1}, {"a": 1, "b": None}, False),
        ([1], [1, 2], False),
    ],
)
def test_json_equal(left: Any, right: Any, equal: bool) -> None:  # noqa: FBT001
    assert json_equal(left, right) is equal
    assert json_equal(right, left) is equal


def test_json_merge_patch() -> None:
    original = {"a": 1, "b": {"c": 1, "d": [1]}, "e": {"f": 1}, "g": "x"}
    modified = {"a": 1, "b": {"c": 2, "d": [1]}, "e": "flat", "h": {"i": None}}
    patch = json_merge_patch(original, modified)
    assert patch == {"b": {"c": 2}, "e": "flat", "g": None, "h": {"i": None}}
