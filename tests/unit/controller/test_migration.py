"""Startup migration of legacy InferenceProviderConfigs: the pure rules and the runner.

The transformation is checked case by case against spec §3.2 (and the reference's test list in
§6), then by property over generated legacy shapes.  The runner is driven against an in-memory
API with a real optimistic lock (resourceVersion), so conflicts are produced the way the API
server produces them, and with an injected sleep, so the backoff is asserted, never waited.
"""

from __future__ import annotations

import copy
import logging
from collections.abc import Callable
from types import SimpleNamespace
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from airunway.api import API_VERSION, InferenceProviderConfigSpec
from airunway.controller import operator
from airunway.controller.migration import (
    CRD_ABSENT_MESSAGE,
    LEGACY_FLAT_KEYS,
    LIST_BACKOFF,
    MalformedEngineError,
    MigrationError,
    MigrationReport,
    json_type_name,
    migrate_capabilities,
    run_migration,
)
from airunway.kube.errors import (
    ConflictError,
    ForbiddenError,
    InvalidError,
    KubeError,
    NotFoundError,
    TooManyRequestsError,
    UnauthorizedError,
    UnavailableError,
)

Manifest = dict[str, Any]
KIND = "InferenceProviderConfig"
GATEWAY = {"managesInferencePool": True, "inferencePoolNamePattern": "{name}-pool"}


def caps(**capabilities: Any) -> dict[str, Any]:
    """A spec holding ``capabilities``."""
    return {"capabilities": capabilities}


# -- the transformation ----------------------------------------------------------------------


def test_flat_string_engines_become_objects_with_the_flat_values() -> None:
    spec = caps(
        engines=["vllm", "sglang"],
        servingModes=["aggregated", "disaggregated"],
        gpuSupport=True,
        cpuSupport=False,
    )
    new, action = migrate_capabilities(spec)
    assert action == "migrated"
    engine = {
        "gpuSupport": True,
        "cpuSupport": False,
        "servingModes": ["aggregated", "disaggregated"],
    }
    assert new == caps(engines=[{"name": "vllm", **engine}, {"name": "sglang", **engine}])
    first, second = new["capabilities"]["engines"]
    assert first["servingModes"] is not second["servingModes"]


def test_requires_crd_and_gateway_are_copied_into_every_engine() -> None:
    spec = caps(engines=["vllm", "trtllm"], gpuSupport=True, requiresCRD=False, gateway=GATEWAY)
    new, action = migrate_capabilities(spec)
    assert action == "migrated"
    engines = new["capabilities"]["engines"]
    assert [e["requiresCRD"] for e in engines] == [False, False]
    assert [e["gateway"] for e in engines] == [GATEWAY, GATEWAY]
    assert engines[0]["gateway"] is not engines[1]["gateway"]
    assert engines[0]["gateway"] is not spec["capabilities"]["gateway"]


def test_absent_flat_values_give_false_support_and_no_optional_keys() -> None:
    new, action = migrate_capabilities(caps(engines=["llamacpp"], servingModes=[], gateway={}))
    assert action == "migrated"
    assert new == caps(engines=[{"name": "llamacpp", "gpuSupport": False, "cpuSupport": False}])


def test_string_engines_are_migrated_even_without_flat_keys() -> None:
    new, action = migrate_capabilities(caps(engines=["vllm"]))
    assert action == "migrated"
    assert new == caps(engines=[{"name": "vllm", "gpuSupport": False, "cpuSupport": False}])


@pytest.mark.parametrize(
    ("flat", "expected"),
    [
        ({"gpuSupport": "yes"}, {"gpuSupport": False}),
        ({"cpuSupport": 1}, {"cpuSupport": False}),
        ({"servingModes": "aggregated"}, {}),
        ({"servingModes": ["aggregated", 1]}, {}),
        ({"requiresCRD": "false"}, {}),
        ({"requiresCRD": None}, {}),
        ({"gateway": "istio"}, {}),
        ({"gateway": None}, {}),
    ],
    ids=str,
)
def test_flat_values_of_the_wrong_type_count_as_absent_and_are_still_removed(
    flat: dict[str, Any], expected: dict[str, Any]
) -> None:
    new, action = migrate_capabilities(caps(engines=["vllm"], **flat))
    assert action == "migrated"
    engine = {"name": "vllm", "gpuSupport": False, "cpuSupport": False, **expected}
    assert new == caps(engines=[engine])


def test_already_migrated_objects_are_untouched() -> None:
    spec = {
        "capabilities": {
            "engines": [
                {"name": "vllm", "servingModes": ["aggregated"], "gpuSupport": True},
                {"name": "llamacpp", "cpuSupport": True, "requiresCRD": False},
            ]
        },
        "selectionRules": [{"condition": "true", "priority": 10}],
    }
    new, action = migrate_capabilities(spec)
    assert action is None
    assert new == spec


def test_hoist_keeps_each_engines_own_requires_crd() -> None:
    spec = caps(
        engines=[{"name": "vllm", "requiresCRD": False}, {"name": "sglang"}], requiresCRD=True
    )
    new, action = migrate_capabilities(spec)
    assert action == "hoisted"
    assert [e["requiresCRD"] for e in new["capabilities"]["engines"]] == [False, True]
    assert "requiresCRD" not in new["capabilities"]


def test_hoist_fills_only_absent_keys() -> None:
    own_gateway = {"ignoresServedName": True}
    spec = caps(
        engines=[
            {"name": "vllm", "gpuSupport": False, "servingModes": ["disaggregated"]},
            {"name": "llamacpp", "gateway": own_gateway, "apiFormats": ["openai-responses"]},
            {"name": "sglang", "cpuSupport": None},
        ],
        servingModes=["aggregated"],
        gpuSupport=True,
        cpuSupport=True,
        requiresCRD=True,
        gateway=GATEWAY,
    )
    new, action = migrate_capabilities(spec)
    assert action == "hoisted"
    assert new == caps(
        engines=[
            {
                "name": "vllm",
                "gpuSupport": False,
                "cpuSupport": True,
                "servingModes": ["disaggregated"],
                "requiresCRD": True,
                "gateway": GATEWAY,
            },
            {
                "name": "llamacpp",
                "gpuSupport": True,
                "cpuSupport": True,
                "servingModes": ["aggregated"],
                "requiresCRD": True,
                "gateway": own_gateway,
                "apiFormats": ["openai-responses"],
            },
            {
                "name": "sglang",
                "gpuSupport": True,
                "cpuSupport": None,  # present, even null: the engine's own value wins
                "servingModes": ["aggregated"],
                "requiresCRD": True,
                "gateway": GATEWAY,
            },
        ]
    )


def test_hoist_without_requires_crd_or_gateway_does_not_invent_them() -> None:
    new, action = migrate_capabilities(caps(engines=[{"name": "vllm"}], gpuSupport=True))
    assert action == "hoisted"
    assert new == caps(engines=[{"name": "vllm", "gpuSupport": True, "cpuSupport": False}])


@pytest.mark.parametrize(
    "capabilities",
    [
        {"engines": [], "gpuSupport": True, "servingModes": ["aggregated"]},
        {"gateway": GATEWAY},
        {"requiresCRD": None},
    ],
    ids=["empty-engines", "no-engines", "null-flat-key"],
)
def test_stale_flat_keys_without_engines_are_cleaned(capabilities: dict[str, Any]) -> None:
    new, action = migrate_capabilities({"capabilities": capabilities})
    assert action == "cleaned"
    expected: dict[str, Any] = {"engines": []} if "engines" in capabilities else {}
    assert new == {"capabilities": expected}


@pytest.mark.parametrize(
    "spec",
    [
        {},
        {"selectionRules": [{"condition": "true"}]},
        {"capabilities": None},
        {"capabilities": "vllm"},
        {"capabilities": ["vllm"]},
        {"capabilities": {}},
        {"capabilities": {"engines": []}},
        {"capabilities": {"engines": None, "gpuSupport": True}},
        {"capabilities": {"engines": "vllm", "gpuSupport": True}},
        {"capabilities": {"engines": {"name": "vllm"}, "gpuSupport": True}},
        # no flat key: nothing to hoist, so malformed object engines are not inspected
        {"capabilities": {"engines": [{"name": "vllm"}, "sglang", 3]}},
    ],
    ids=[
        "no-capabilities",
        "rules-only",
        "null-capabilities",
        "string-capabilities",
        "array-capabilities",
        "empty-capabilities",
        "empty-engines",
        "null-engines",
        "string-engines-field",
        "object-engines-field",
        "mixed-object-engines-without-flat-keys",
    ],
)
def test_clean_or_unreadable_specs_need_no_update(spec: dict[str, Any]) -> None:
    new, action = migrate_capabilities(spec)
    assert action is None
    assert new == spec


@pytest.mark.parametrize(
    ("engines", "message"),
    [
        (["vllm", {"name": "sglang"}], "engines[1]: expected string, got object"),
        (["vllm", "sglang", 3], "engines[2]: expected string, got number"),
        (["vllm", 1.5], "engines[1]: expected string, got number"),
        (["vllm", None], "engines[1]: expected string, got null"),
        (["vllm", True], "engines[1]: expected string, got bool"),
        (["vllm", ["sglang"]], "engines[1]: expected string, got array"),
        ([{"name": "vllm"}, "sglang"], "engines[1]: expected object, got string"),
        ([7, {"name": "vllm"}], "engines[0]: expected object, got number"),
        ([{"name": "vllm"}, None], "engines[1]: expected object, got null"),
        ([[{"name": "vllm"}]], "engines[0]: expected object, got array"),
        ([False], "engines[0]: expected object, got bool"),
    ],
)
def test_malformed_engine_entries_fail_loudly(engines: list[Any], message: str) -> None:
    spec = caps(engines=engines, gpuSupport=True)
    before = copy.deepcopy(spec)
    with pytest.raises(MalformedEngineError) as caught:
        migrate_capabilities(spec)
    assert str(caught.value) == f"malformed engine entry at spec.capabilities.{message}"
    assert spec == before


def test_malformed_error_carries_index_and_types() -> None:
    with pytest.raises(MalformedEngineError) as caught:
        migrate_capabilities(caps(engines=["vllm", {"name": "x"}]))
    assert (caught.value.index, caught.value.expected, caught.value.got) == (1, "string", "object")
    assert isinstance(caught.value, ValueError)


def test_other_capability_and_spec_keys_are_preserved() -> None:
    spec = {
        "capabilities": {
            "engines": ["vllm"],
            "gpuSupport": True,
            "futureKey": {"nested": [1, 2]},
        },
        "selectionRules": [{"condition": "has(spec.resources.gpu)", "priority": 50}],
        "somethingElse": "kept",
    }
    new, action = migrate_capabilities(spec)
    assert action == "migrated"
    assert new["capabilities"]["futureKey"] == {"nested": [1, 2]}
    assert new["selectionRules"] == spec["selectionRules"]
    assert new["somethingElse"] == "kept"
    assert set(new["capabilities"]) == {"engines", "futureKey"}


def test_input_is_never_modified_and_output_is_a_copy() -> None:
    spec = caps(engines=[{"name": "vllm"}], gpuSupport=True, gateway=GATEWAY)
    before = copy.deepcopy(spec)
    new, _ = migrate_capabilities(spec)
    assert spec == before
    new["capabilities"]["engines"][0]["gateway"]["managesInferencePool"] = False
    assert spec == before
    clean = caps(engines=[{"name": "vllm", "gateway": dict(GATEWAY)}])
    unchanged, action = migrate_capabilities(clean)
    assert action is None
    assert unchanged == clean
    assert unchanged is not clean
    assert unchanged["capabilities"]["engines"][0] is not clean["capabilities"]["engines"][0]


def test_a_migrated_legacy_spec_is_valid_under_our_models() -> None:
    legacy = caps(
        engines=["vllm", "llamacpp"],
        servingModes=["aggregated"],
        gpuSupport=True,
        cpuSupport=True,
        requiresCRD=False,
        gateway={"endpointPicker": {"image": "epp:v1"}, "ignoresServedName": True},
    )
    new, _ = migrate_capabilities(legacy)
    model = InferenceProviderConfigSpec.model_validate(new)
    assert model.capabilities is not None
    assert model.capabilities.engine_names() == ["vllm", "llamacpp"]


@pytest.mark.parametrize(
    ("value", "name"),
    [
        ("x", "string"),
        (0, "number"),
        (2.5, "number"),
        (True, "bool"),
        (False, "bool"),
        ([], "array"),
        ({}, "object"),
        (None, "null"),
        ((1,), "tuple"),
    ],
)
def test_json_type_names(value: object, name: str) -> None:
    assert json_type_name(value) == name


# -- properties ------------------------------------------------------------------------------

ENGINE_NAMES = st.sampled_from(["vllm", "sglang", "trtllm", "llamacpp"])
MODES = st.lists(st.sampled_from(["aggregated", "disaggregated"]), unique=True)
GATEWAYS = st.fixed_dictionaries(
    {}, optional={"managesInferencePool": st.booleans(), "ignoresServedName": st.booleans()}
)
FLAT = st.fixed_dictionaries(
    {},
    optional={
        "servingModes": MODES,
        "gpuSupport": st.booleans(),
        "cpuSupport": st.booleans(),
        "requiresCRD": st.booleans(),
        "gateway": GATEWAYS,
    },
)
OBJECT_ENGINE = st.fixed_dictionaries(
    {"name": ENGINE_NAMES},
    optional={
        "servingModes": MODES,
        "gpuSupport": st.booleans(),
        "cpuSupport": st.booleans(),
        "requiresCRD": st.booleans(),
        "gateway": GATEWAYS,
    },
)
ENGINES = st.one_of(
    st.lists(ENGINE_NAMES, unique=True, max_size=4),
    st.lists(OBJECT_ENGINE, unique_by=lambda e: e["name"], max_size=4),
)


def _names(engines: list[Any]) -> list[str]:
    return [e if isinstance(e, str) else e["name"] for e in engines]


@settings(max_examples=300, deadline=None)
@given(engines=ENGINES, flat=FLAT)
def test_migration_is_idempotent_complete_and_keeps_the_engines(
    engines: list[Any], flat: dict[str, Any]
) -> None:
    spec = caps(engines=engines, **flat)
    new, action = migrate_capabilities(spec)
    capabilities = new["capabilities"]
    assert not set(LEGACY_FLAT_KEYS) & set(capabilities)
    assert _names(capabilities["engines"]) == _names(engines)
    assert all(isinstance(e, dict) for e in capabilities["engines"])
    if not flat and not (engines and isinstance(engines[0], str)):
        assert action is None
    again, second = migrate_capabilities(new)
    assert second is None
    assert again == new
    InferenceProviderConfigSpec.model_validate(new)


@settings(max_examples=200, deadline=None)
@given(engines=st.lists(OBJECT_ENGINE, unique_by=lambda e: e["name"], max_size=4), flat=FLAT)
def test_hoisting_never_overwrites_an_engines_own_value(
    engines: list[dict[str, Any]], flat: dict[str, Any]
) -> None:
    new, _ = migrate_capabilities(caps(engines=engines, **flat))
    for before, after in zip(engines, new["capabilities"]["engines"], strict=True):
        assert {k: after[k] for k in before} == before


# -- the runner ------------------------------------------------------------------------------


class FakeKube:
    """An in-memory API for one cluster-scoped kind, with the API server's optimistic lock."""

    def __init__(self, *objects: Manifest) -> None:
        self.objects: dict[str, Manifest] = {}
        self.list_errors: list[KubeError] = []
        self.get_errors: dict[str, list[KubeError]] = {}
        self.replace_errors: dict[str, list[KubeError]] = {}
        #: writes by "someone else" that land between our GET and our PUT, one per PUT
        self.concurrent: dict[str, list[Callable[[Manifest], None]]] = {}
        self.calls: list[tuple[str, str]] = []
        self.sent: list[Manifest] = []
        self._version = 100
        for obj in objects:
            self._store(copy.deepcopy(obj))

    def _store(self, obj: Manifest) -> None:
        self._version += 1
        obj["metadata"]["resourceVersion"] = str(self._version)
        obj["metadata"]["managedFields"] = [{"manager": "kubectl-client-side-apply"}]
        self.objects[obj["metadata"]["name"]] = obj

    async def list(
        self,
        api_version: str,
        kind: str,
        namespace: str | None = None,
        labels: Any = None,
    ) -> list[Manifest]:
        assert (api_version, kind, namespace, labels) == (API_VERSION, KIND, None, None)
        self.calls.append(("list", ""))
        if self.list_errors:
            raise self.list_errors.pop(0)
        return [copy.deepcopy(o) for o in self.objects.values()]

    async def get(
        self, api_version: str, kind: str, name: str, namespace: str | None = None
    ) -> Manifest:
        assert (api_version, kind, namespace) == (API_VERSION, KIND, None)
        self.calls.append(("get", name))
        if self.get_errors.get(name):
            raise self.get_errors[name].pop(0)
        if name not in self.objects:
            raise NotFoundError(f'inferenceproviderconfigs "{name}" not found')
        return copy.deepcopy(self.objects[name])

    async def replace(self, manifest: Any) -> Manifest:
        name = manifest["metadata"]["name"]
        self.calls.append(("replace", name))
        self.sent.append(copy.deepcopy(manifest))
        if self.concurrent.get(name):
            other = copy.deepcopy(self.objects[name])
            self.concurrent[name].pop(0)(other)
            self._store(other)
        if self.replace_errors.get(name):
            raise self.replace_errors[name].pop(0)
        current = self.objects.get(name)
        if current is None:
            raise NotFoundError(f'inferenceproviderconfigs "{name}" not found')
        if manifest["metadata"].get("resourceVersion") != current["metadata"]["resourceVersion"]:
            raise ConflictError(
                f'Operation cannot be fulfilled on inferenceproviderconfigs "{name}": the '
                "object has been modified; please apply your changes to the latest version",
                reason="Conflict",
            )
        self._store(copy.deepcopy(dict(manifest)))
        return copy.deepcopy(self.objects[name])

    def writes(self, name: str) -> int:
        return self.calls.count(("replace", name))


class Clock:
    """An injected sleep that only records."""

    def __init__(self) -> None:
        self.sleeps: list[float] = []

    async def sleep(self, seconds: float) -> None:
        self.sleeps.append(seconds)


def ipc(name: str, spec: dict[str, Any] | None = None, **meta: Any) -> Manifest:
    obj: Manifest = {"apiVersion": API_VERSION, "kind": KIND, "metadata": {"name": name, **meta}}
    if spec is not None:
        obj["spec"] = spec
    return obj


LEGACY = caps(engines=["vllm"], gpuSupport=True, servingModes=["aggregated"])
MIGRATED = caps(
    engines=[
        {"name": "vllm", "gpuSupport": True, "cpuSupport": False, "servingModes": ["aggregated"]}
    ]
)


@pytest.fixture
def clock() -> Clock:
    return Clock()


async def migrate(kube: FakeKube, clock: Clock, **kwargs: Any) -> MigrationReport:
    return await run_migration(kube, sleep=clock.sleep, rand=lambda: 0.0, **kwargs)


async def test_no_objects_is_a_clean_pass(clock: Clock) -> None:
    report = await migrate(FakeKube(), clock)
    assert report == MigrationReport(crd_present=True, total=0)
    assert report.ok
    assert clock.sleeps == []


async def test_every_shape_is_migrated_and_only_changed_objects_are_written(clock: Clock) -> None:
    kube = FakeKube(
        ipc("legacy", LEGACY),
        ipc("partial", caps(engines=[{"name": "sglang"}], cpuSupport=True)),
        ipc("stale", caps(engines=[], gateway=GATEWAY)),
        ipc("current", MIGRATED),
        ipc("no-spec"),
        ipc("odd-spec", None, labels={"a": "b"}) | {"spec": "not-an-object"},
    )
    report = await migrate(kube, clock)
    assert report.written == {"legacy": "migrated", "partial": "hoisted", "stale": "cleaned"}
    assert sorted(report.unchanged) == ["current", "no-spec", "odd-spec"]
    assert (report.total, report.succeeded, report.failed) == (6, 6, {})
    assert kube.objects["legacy"]["spec"] == MIGRATED
    assert kube.objects["partial"]["spec"] == caps(
        engines=[{"name": "sglang", "gpuSupport": False, "cpuSupport": True}]
    )
    assert kube.objects["stale"]["spec"] == caps(engines=[])
    for name in ("current", "no-spec", "odd-spec"):
        assert kube.writes(name) == 0
    assert clock.sleeps == []


async def test_the_write_is_the_full_object_under_an_optimistic_lock(clock: Clock) -> None:
    obj = ipc("kaito", LEGACY, labels={"app": "kaito"}, annotations={"airunway.ai/x": "y"})
    obj["status"] = {"ready": True, "version": "kaito:v1"}
    kube = FakeKube(obj)
    read_version = kube.objects["kaito"]["metadata"]["resourceVersion"]
    await migrate(kube, clock)
    [sent] = kube.sent
    assert sent["metadata"]["resourceVersion"] == read_version
    assert sent["metadata"]["labels"] == {"app": "kaito"}
    assert sent["metadata"]["annotations"] == {"airunway.ai/x": "y"}
    assert "managedFields" not in sent["metadata"]
    assert sent["status"] == {"ready": True, "version": "kaito:v1"}
    assert sent["spec"] == MIGRATED


async def test_a_second_pass_writes_nothing(clock: Clock) -> None:
    kube = FakeKube(ipc("a", LEGACY), ipc("b", caps(engines=[{"name": "vllm"}], gpuSupport=True)))
    await migrate(kube, clock)
    writes = len(kube.sent)
    report = await migrate(kube, clock)
    assert len(kube.sent) == writes
    assert sorted(report.unchanged) == ["a", "b"]


async def test_crd_absent_is_logged_and_skipped(
    clock: Clock, caplog: pytest.LogCaptureFixture
) -> None:
    kube = FakeKube(ipc("a", LEGACY))
    kube.list_errors = [NotFoundError("the API airunway.ai/v1alpha1 is not served")]
    with caplog.at_level(logging.INFO, logger="airunway.controller.migration"):
        report = await migrate(kube, clock)
    assert not report.crd_present
    assert report.total == 0
    assert CRD_ABSENT_MESSAGE in caplog.messages
    assert kube.calls == [("list", "")]
    assert clock.sleeps == []


async def test_crd_disappearing_during_retries_is_also_a_skip(clock: Clock) -> None:
    kube = FakeKube()
    kube.list_errors = [UnavailableError("503"), NotFoundError("gone")]
    report = await migrate(kube, clock)
    assert not report.crd_present
    assert clock.sleeps == [1.0]


@pytest.mark.parametrize(
    "error",
    [
        ForbiddenError("cannot list inferenceproviderconfigs", reason="Forbidden"),
        UnauthorizedError("Unauthorized", reason="Unauthorized"),
    ],
    ids=["forbidden", "unauthorized"],
)
async def test_forbidden_and_unauthorized_fail_at_once(clock: Clock, error: KubeError) -> None:
    kube = FakeKube(ipc("a", LEGACY))
    kube.list_errors = [error]
    with pytest.raises(type(error)) as caught:
        await migrate(kube, clock)
    assert caught.value is error
    assert kube.calls == [("list", "")]
    assert clock.sleeps == []


@pytest.mark.parametrize(
    "error",
    [
        UnavailableError(
            "the server was unable to return a response in the time allotted",
            reason="Timeout",
            status=504,
        ),
        KubeError("something odd", reason="", status=418),
        TooManyRequestsError("storage is (re)initializing", reason="TooManyRequests"),
        InvalidError("bad list options", reason="BadRequest"),
    ],
    ids=["timeout", "generic", "throttled", "bad-request"],
)
async def test_other_list_errors_are_retried_then_propagated(
    clock: Clock, error: KubeError
) -> None:
    kube = FakeKube(ipc("a", LEGACY))
    kube.list_errors = [error] * 5
    with pytest.raises(MigrationError) as caught:
        await migrate(kube, clock)
    assert str(caught.value) == (
        f"failed to list InferenceProviderConfig for migration after retries: {error}"
    )
    assert caught.value.__cause__ is error
    assert kube.calls == [("list", "")] * 5
    assert clock.sleeps == [1.0, 2.0, 4.0, 8.0]
    assert kube.writes("a") == 0


async def test_a_transient_list_error_is_retried_and_the_pass_goes_on(clock: Clock) -> None:
    kube = FakeKube(ipc("a", LEGACY))
    kube.list_errors = [UnavailableError("503"), UnavailableError("503")]
    report = await migrate(kube, clock)
    assert report.written == {"a": "migrated"}
    assert clock.sleeps == [1.0, 2.0]


async def test_list_backoff_has_jitter_and_a_cap(clock: Clock) -> None:
    kube = FakeKube()
    kube.list_errors = [UnavailableError("503")] * 7
    with pytest.raises(MigrationError):
        await run_migration(kube, attempts=7, sleep=clock.sleep, rand=lambda: 1.0)
    assert clock.sleeps == pytest.approx([1.1, 2.2, 4.4, 8.8, 17.6, 17.6])
    assert LIST_BACKOFF.cap == 16.0


async def test_attempts_must_be_positive(clock: Clock) -> None:
    with pytest.raises(ValueError, match="attempts must be at least 1"):
        await migrate(FakeKube(), clock, attempts=0)


async def test_a_non_api_error_is_a_bug_and_is_not_retried(clock: Clock) -> None:
    kube = FakeKube()

    async def broken(*_: Any, **__: Any) -> list[Manifest]:
        raise RuntimeError("bug")

    kube.list = broken  # type: ignore[method-assign]
    with pytest.raises(RuntimeError, match="bug"):
        await migrate(kube, clock)
    assert clock.sleeps == []


async def test_an_update_error_is_counted_and_the_pass_continues(
    clock: Clock, caplog: pytest.LogCaptureFixture
) -> None:
    kube = FakeKube(ipc("a-bad", LEGACY), ipc("b-good", LEGACY))
    kube.replace_errors["a-bad"] = [
        InvalidError('spec.capabilities.engines[0].name: Unsupported value: "mocker"')
    ]
    with caplog.at_level(logging.INFO, logger="airunway.controller.migration"):
        report = await migrate(kube, clock)
    assert report.failed == {
        "a-bad": 'spec.capabilities.engines[0].name: Unsupported value: "mocker"'
    }
    assert not report.ok
    assert report.written == {"b-good": "migrated"}
    assert kube.objects["a-bad"]["spec"] == LEGACY
    assert kube.objects["b-good"]["spec"] == MIGRATED
    errors = [r for r in caplog.records if r.levelno == logging.ERROR]
    assert len(errors) == 1
    assert "a-bad" in errors[0].getMessage()
    assert "total=2 succeeded=1 failed=1" in caplog.messages[-1]


async def test_a_malformed_object_is_counted_left_untouched_and_the_pass_continues(
    clock: Clock,
) -> None:
    bad = caps(engines=["vllm", {"name": "sglang"}], gpuSupport=True)
    kube = FakeKube(ipc("a", bad), ipc("b", LEGACY))
    report = await migrate(kube, clock)
    assert report.failed == {
        "a": "malformed engine entry at spec.capabilities.engines[1]: expected string, got object"
    }
    assert report.written == {"b": "migrated"}
    assert kube.objects["a"]["spec"] == bad
    assert kube.writes("a") == 0


async def test_a_get_error_is_counted(clock: Clock) -> None:
    kube = FakeKube(ipc("a", LEGACY), ipc("b", LEGACY))
    kube.get_errors["a"] = [ForbiddenError("cannot get", reason="Forbidden")]
    report = await migrate(kube, clock)
    assert report.failed == {"a": "cannot get"}
    assert report.written == {"b": "migrated"}


async def test_an_object_deleted_after_the_list_is_skipped(clock: Clock) -> None:
    kube = FakeKube(ipc("a", LEGACY))
    kube.get_errors["a"] = [NotFoundError("gone")]
    report = await migrate(kube, clock)
    assert report.vanished == ["a"]
    assert report.ok
    assert kube.writes("a") == 0


async def test_a_conflict_is_retried_on_a_fresh_read(clock: Clock) -> None:
    kube = FakeKube(ipc("a", LEGACY))

    def provider_relabels(obj: Manifest) -> None:
        obj["metadata"]["labels"] = {"touched": "by-provider"}

    kube.concurrent["a"] = [provider_relabels]
    report = await migrate(kube, clock)
    assert report.written == {"a": "migrated"}
    assert kube.calls == [
        ("list", ""),
        ("get", "a"),
        ("replace", "a"),
        ("get", "a"),
        ("replace", "a"),
    ]
    # the retry carries the other writer's change and its resourceVersion
    assert kube.objects["a"]["metadata"]["labels"] == {"touched": "by-provider"}
    assert kube.objects["a"]["spec"] == MIGRATED
    assert clock.sleeps == [0.01]


async def test_a_conflict_resolved_by_the_other_writer_needs_no_write(clock: Clock) -> None:
    kube = FakeKube(ipc("a", LEGACY))

    def other_leader_migrates(obj: Manifest) -> None:
        obj["spec"] = copy.deepcopy(MIGRATED)

    kube.concurrent["a"] = [other_leader_migrates]
    report = await migrate(kube, clock)
    assert report.unchanged == ["a"]
    assert kube.writes("a") == 1


async def test_a_persisting_conflict_counts_as_success(clock: Clock) -> None:
    kube = FakeKube(ipc("a", LEGACY), ipc("b", LEGACY))
    kube.replace_errors["a"] = [ConflictError("conflict", reason="Conflict")] * 5
    report = await run_migration(kube, sleep=clock.sleep, rand=lambda: 1.0)
    assert report.conflicted == ["a"]
    assert report.ok
    assert report.written == {"b": "migrated"}
    assert kube.writes("a") == 5
    assert kube.calls.count(("get", "a")) == 5
    assert clock.sleeps == pytest.approx([0.011] * 4)


# -- wiring: the leader migrates before it primes the store --------------------------------


class _HaltError(Exception):
    """Stops ``Controller._lead`` right after priming, before kopf would start."""


async def _lead_with(monkeypatch: pytest.MonkeyPatch, migration: Any) -> list[str]:
    order: list[str] = []

    async def prime() -> None:
        order.append("prime")
        raise _HaltError

    async def recorded(kube: Any) -> MigrationReport:
        order.append("migrate")
        result: MigrationReport = await migration(kube)
        return result

    controller = object.__new__(operator.Controller)
    settings = SimpleNamespace(register_webhooks_url="", webhook_port=0)
    monkeypatch.setattr(controller, "settings", settings, raising=False)
    monkeypatch.setattr(controller, "kube", FakeKube(), raising=False)
    monkeypatch.setattr(controller, "_prime", prime)
    monkeypatch.setattr(operator, "run_migration", recorded)
    with pytest.raises((_HaltError, MigrationError)):
        await controller._lead()
    return order


async def test_the_leader_migrates_before_priming(monkeypatch: pytest.MonkeyPatch) -> None:
    async def partial(_: Any) -> MigrationReport:
        return MigrationReport(total=1, failed={"a": "boom"})

    assert await _lead_with(monkeypatch, partial) == ["migrate", "prime"]


async def test_a_list_failure_stops_the_leader_before_priming(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    async def failing(_: Any) -> MigrationReport:
        raise MigrationError("failed to list InferenceProviderConfig for migration after retries")

    assert await _lead_with(monkeypatch, failing) == ["migrate"]
