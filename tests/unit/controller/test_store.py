"""In-memory views fed by the watches: the config predicate and the fan-out index."""

from __future__ import annotations

import copy
from typing import Any, Final

import pytest

from airunway.controller.store import MDRef, Store, md_ref
from tests.unit.controller.selection.builders import SHIPPED_SPECS

DYNAMO_SPEC: Final = SHIPPED_SPECS["dynamo"]


def ipc_body(
    name: str = "dynamo",
    *,
    ready: bool | None = True,
    spec: dict[str, Any] | None = None,
    **status: Any,
) -> dict[str, Any]:
    """A raw InferenceProviderConfig as a watch delivers it."""
    body: dict[str, Any] = {
        "apiVersion": "airunway.ai/v1alpha1",
        "kind": "InferenceProviderConfig",
        "metadata": {"name": name, "generation": 1, "resourceVersion": "1"},
        "spec": copy.deepcopy(DYNAMO_SPEC if spec is None else spec),
    }
    status_body = dict(status)
    if ready is not None:
        status_body["ready"] = ready
    if status_body:
        body["status"] = status_body
    return body


def md_body(spec_provider: str = "", status_provider: str = "") -> dict[str, Any]:
    body: dict[str, Any] = {"metadata": {"name": "m", "namespace": "ns"}, "spec": {"model": {}}}
    if spec_provider:
        body["spec"]["provider"] = {"name": spec_provider}
    if status_provider:
        body["status"] = {"provider": {"name": status_provider, "resourceName": "x"}}
    return body


# --- put_config: the reference's predicate ---------------------------------------------------


def test_put_config_is_true_on_create() -> None:
    store = Store()
    assert store.put_config(ipc_body())
    assert store.configs["dynamo"].metadata.name == "dynamo"
    assert store.raw_configs["dynamo"]["metadata"]["name"] == "dynamo"


def test_put_config_is_false_for_the_same_object_again() -> None:
    store = Store()
    store.put_config(ipc_body())
    assert not store.put_config(ipc_body())


@pytest.mark.parametrize(
    ("before", "after"),
    [(True, False), (False, True), (None, True), (True, None)],
    ids=["ready-lost", "ready-gained", "status-appears", "status-gone"],
)
def test_put_config_is_true_on_readiness_change(*, before: bool | None, after: bool | None) -> None:
    store = Store()
    store.put_config(ipc_body(ready=before))
    assert store.put_config(ipc_body(ready=after))
    assert store.configs["dynamo"].is_ready() is bool(after)


def test_put_config_is_true_on_spec_change() -> None:
    store = Store()
    store.put_config(ipc_body())
    spec = copy.deepcopy(DYNAMO_SPEC)
    spec["selectionRules"] = spec["selectionRules"][:1]
    assert store.put_config(ipc_body(spec=spec))
    rules = store.configs["dynamo"].spec
    assert rules is not None
    assert rules.selection_rules is not None
    assert len(rules.selection_rules) == 1


def test_put_config_is_false_on_status_only_changes() -> None:
    store = Store()
    store.put_config(ipc_body(version="1.0"))
    heartbeat = ipc_body(version="1.1", lastHeartbeat="2025-03-01T12:00:00Z")
    heartbeat["metadata"]["resourceVersion"] = "2"
    assert not store.put_config(heartbeat)
    # ...but the newest body is what the store holds.
    assert store.raw_configs["dynamo"]["status"]["version"] == "1.1"
    status = store.configs["dynamo"].status
    assert status is not None
    assert status.version == "1.1"


def test_an_unparseable_config_is_kept_raw_but_not_offered() -> None:
    store = Store()
    store.put_config(ipc_body())
    broken = ipc_body(spec={"capabilities": {"engines": "nope"}})
    assert store.put_config(broken)
    assert "dynamo" not in store.configs
    assert store.raw_configs["dynamo"] is broken


def test_delete_and_sorted_configs() -> None:
    store = Store()
    for name in ("vllm", "dynamo", "kaito"):
        store.put_config(ipc_body(name))
    assert [c.metadata.name for c in store.sorted_configs()] == ["dynamo", "kaito", "vllm"]
    store.delete_config("kaito")
    store.delete_config("never-there")
    assert [c.metadata.name for c in store.sorted_configs()] == ["dynamo", "vllm"]
    assert "kaito" not in store.raw_configs
    assert store.put_config(ipc_body("kaito"))  # a re-created config is new again


# --- md_ref and dependents -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("body", "ref"),
    [
        (md_body(), MDRef("", "")),
        (md_body("dynamo"), MDRef("dynamo", "")),
        (md_body(status_provider="kaito"), MDRef("", "kaito")),
        (md_body("dynamo", "kaito"), MDRef("dynamo", "kaito")),
        ({"metadata": {"name": "m"}}, MDRef("", "")),
        ({"spec": None, "status": None}, MDRef("", "")),
        ({"spec": {"provider": None}, "status": {"provider": {"name": None}}}, MDRef("", "")),
    ],
)
def test_md_ref(body: dict[str, Any], ref: MDRef) -> None:
    assert md_ref(body) == ref


def test_needs_selection_only_without_any_provider() -> None:
    assert MDRef("", "").needs_selection
    assert not MDRef("dynamo", "").needs_selection
    assert not MDRef("", "dynamo").needs_selection


def test_dependents_are_matched_or_waiting_for_selection() -> None:
    store = Store()
    store.deployments = {
        ("ns", "spec-match"): md_ref(md_body("dynamo")),
        ("ns", "status-match"): md_ref(md_body(status_provider="dynamo")),
        ("ns", "both-match"): md_ref(md_body("dynamo", "dynamo")),
        ("ns", "switch-away"): md_ref(md_body("kaito", "dynamo")),
        ("ns", "needs-selection"): md_ref(md_body()),
        ("ns", "other-spec"): md_ref(md_body("kaito")),
        ("ns", "other-status"): md_ref(md_body(status_provider="kuberay")),
        ("ns", "other-both"): md_ref(md_body("kaito", "kaito")),
    }
    assert sorted(name for _, name in store.dependents("dynamo")) == [
        "both-match",
        "needs-selection",
        "spec-match",
        "status-match",
        "switch-away",
    ]
    assert sorted(name for _, name in store.dependents("llmd")) == ["needs-selection"]


def test_no_dependents_in_an_empty_store() -> None:
    assert Store().dependents("dynamo") == []
