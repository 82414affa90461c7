"""AdmissionReview glue (spec §2.1-§2.7): patches, denials, warnings, uids and V9's prefetch."""

from __future__ import annotations

import base64
import copy
import json
from typing import Any, Final, NoReturn, cast

import pytest

from airunway.api import InferenceProviderConfig
from airunway.controller.admission import LookupOutcome, default_model_deployment
from airunway.controller.store import Store
from airunway.controller.webhook.review import mutate, prefetch_provider, validate
from airunway.kube.client import Kube
from airunway.kube.errors import ForbiddenError, KubeError, NotFoundError, UnauthorizedError
from tests.unit.controller.admission.builders import (
    DYNAMO,
    KAITO,
    lookup_of,
    raw_md,
    storage,
    volume,
)

UID: Final = "705ab4f5-6393-11e8-b7cc-42010a800002"
TRUST_WARNING: Final = "trustRemoteCode=true allows execution of arbitrary code from HuggingFace"
PREFIX: Final = "admission webhook"


def review(
    obj: dict[str, Any] | None,
    *,
    operation: str = "CREATE",
    old: dict[str, Any] | None = None,
    uid: str = UID,
) -> dict[str, Any]:
    """An ``admission.k8s.io/v1`` AdmissionReview request for a ModelDeployment."""
    request: dict[str, Any] = {
        "uid": uid,
        "kind": {"group": "airunway.ai", "version": "v1alpha1", "kind": "ModelDeployment"},
        "resource": {"group": "airunway.ai", "version": "v1alpha1", "resource": "modeldeployments"},
        "operation": operation,
        "namespace": "team-a",
        "name": "qwen",
    }
    if obj is not None:
        request["object"] = copy.deepcopy(obj)
    if old is not None:
        request["oldObject"] = copy.deepcopy(old)
    return {"apiVersion": "admission.k8s.io/v1", "kind": "AdmissionReview", "request": request}


def _unescape(token: str) -> str:
    return token.replace("~1", "/").replace("~0", "~")


def apply_patch(doc: dict[str, Any], patch: list[dict[str, Any]]) -> dict[str, Any]:
    """Apply RFC 6902 ``add`` and ``replace`` operations to a copy of ``doc``."""
    out = copy.deepcopy(doc)
    for op in patch:
        assert op["op"] in {"add", "replace"}, op
        tokens = [_unescape(t) for t in op["path"].split("/")[1:]]
        parent: Any = out
        for token in tokens[:-1]:
            parent = parent[int(token)] if isinstance(parent, list) else parent[token]
        last = tokens[-1]
        if isinstance(parent, list):
            if last == "-":
                parent.append(op["value"])
            elif op["op"] == "add":
                parent.insert(int(last), op["value"])
            else:
                parent[int(last)] = op["value"]
        else:
            if op["op"] == "replace":
                assert last in parent, op
            parent[last] = op["value"]
    return out


def decoded_patch(response: dict[str, Any]) -> list[dict[str, Any]]:
    """The JSONPatch of an AdmissionReview response."""
    assert response["patchType"] == "JSONPatch"
    patch = json.loads(base64.b64decode(response["patch"]))
    assert isinstance(patch, list)
    return cast("list[dict[str, Any]]", patch)


# --- envelope --------------------------------------------------------------------------------


@pytest.mark.parametrize("call", ["mutate", "validate"])
def test_response_envelope_and_uid(call: str) -> None:
    request = review(raw_md(), uid="abc-123")
    out = mutate(request) if call == "mutate" else validate(request, None)
    assert out["apiVersion"] == "admission.k8s.io/v1"
    assert out["kind"] == "AdmissionReview"
    assert out["response"]["uid"] == "abc-123"
    assert out["response"]["allowed"] is True


# --- mutate ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "obj",
    [
        raw_md(),
        raw_md(
            engine={"type": "vllm"}, model=storage(volume("w", purpose="modelCache", size="1Gi"))
        ),
        raw_md(resources={"gpu": {"count": 0}}, engine={"type": "llamacpp"}),
        raw_md(serving={"mode": "disaggregated"}),
    ],
    ids=["bare", "storage", "cpu", "disaggregated"],
)
def test_mutate_patch_yields_the_defaulted_object(obj: dict[str, Any]) -> None:
    out = mutate(review(obj))
    response = out["response"]
    assert response["allowed"] is True
    assert "status" not in response
    patched = apply_patch(obj, decoded_patch(response))
    assert patched == default_model_deployment(obj).obj
    assert patched != obj


def test_mutate_defaults_the_serving_mode_and_gpu() -> None:
    obj = raw_md(engine={"type": "vllm"})
    patched = apply_patch(obj, decoded_patch(mutate(review(obj))["response"]))
    assert patched["spec"]["serving"] == {"mode": "aggregated"}
    assert patched["spec"]["resources"]["gpu"]["count"] == 1
    assert patched["spec"]["model"]["source"] == "huggingface"


def test_mutate_of_a_defaulted_object_sends_no_patch() -> None:
    settled = default_model_deployment(raw_md()).obj
    response = mutate(review(settled))["response"]
    assert response["allowed"] is True
    assert "patch" not in response
    assert "patchType" not in response


@pytest.mark.parametrize("obj", [None, "not an object", ["a"]])
def test_mutate_without_an_object_is_denied(obj: Any) -> None:
    request = review(None)
    if obj is not None:
        request["request"]["object"] = obj
    response = mutate(request)["response"]
    assert response["allowed"] is False
    assert response["uid"] == UID
    assert response["status"]["code"] == 403
    assert "object" in response["status"]["message"]
    assert "patch" not in response


# --- validate --------------------------------------------------------------------------------


def _defaulted(obj: dict[str, Any]) -> dict[str, Any]:
    return default_model_deployment(obj).obj


def test_validate_create_denial_has_no_api_server_prefix() -> None:
    obj = _defaulted(
        raw_md(engine={"type": "vllm", "trustRemoteCode": True}, provider={"name": "nope"})
    )
    response = validate(review(obj), lookup_of(DYNAMO))["response"]
    assert response["allowed"] is False
    assert response["uid"] == UID
    assert response["status"]["code"] == 403
    assert response["status"]["reason"] == "Forbidden"
    message = response["status"]["message"]
    assert (
        message
        == 'spec.provider.name: Invalid value: "nope": InferenceProviderConfig "nope" not found'
    )
    assert PREFIX not in message
    assert response["warnings"] == [TRUST_WARNING]


def test_validate_create_allows_with_warnings() -> None:
    obj = _defaulted(
        raw_md(engine={"type": "vllm", "trustRemoteCode": True}, provider={"name": "dynamo"})
    )
    response = validate(review(obj), lookup_of(DYNAMO))["response"]
    assert response["allowed"] is True
    assert "status" not in response
    assert response["warnings"] == [TRUST_WARNING]


def test_validate_allowed_without_warnings_has_no_warnings_key() -> None:
    response = validate(review(_defaulted(raw_md())), None)["response"]
    assert response == {"uid": UID, "allowed": True}


def test_validate_several_errors_are_aggregated() -> None:
    obj = _defaulted(raw_md(provider={"name": "kaito"}, engine={"type": "sglang"}))
    obj["spec"]["model"]["id"] = ""
    response = validate(review(obj), lookup_of(KAITO))["response"]
    message = response["status"]["message"]
    assert message.startswith("[")
    assert message.endswith("]")
    assert "provider kaito does not support engine sglang" in message
    assert PREFIX not in message


def test_validate_update_uses_the_old_object() -> None:
    old = _defaulted(raw_md(engine={"type": "vllm"}))
    new = _defaulted(raw_md(engine={"type": "sglang"}))
    response = validate(review(new, operation="UPDATE", old=old), None)["response"]
    assert response["allowed"] is False
    assert response["status"]["message"] == (
        'spec.engine.type: Invalid value: "sglang": engine.type is immutable '
        "(changing it requires delete and recreate)"
    )
    # The same object is fine as a CREATE (oldObject ignored) and as an unchanged UPDATE.
    assert validate(review(new, old=old), None)["response"]["allowed"] is True
    same = validate(review(old, operation="UPDATE", old=old), None)["response"]
    assert same["allowed"] is True


def test_validate_update_allows_a_mutable_change() -> None:
    old = _defaulted(raw_md(engine={"type": "vllm"}))
    new = copy.deepcopy(old)
    new["spec"]["scaling"] = {"replicas": 3}
    response = validate(review(new, operation="UPDATE", old=old), None)["response"]
    assert response["allowed"] is True


@pytest.mark.parametrize("operation", ["DELETE", "CONNECT", ""])
def test_other_operations_are_allowed(operation: str) -> None:
    broken = raw_md(engine={"type": "sglang", "image": "a"}, image="b")
    response = validate(review(broken, operation=operation), None)["response"]
    assert response == {"uid": UID, "allowed": True}


def test_validate_without_an_object_is_denied() -> None:
    response = validate(review(None), None)["response"]
    assert response["allowed"] is False
    assert response["uid"] == UID
    assert response["status"]["code"] == 403


def test_validate_of_an_unparseable_object_is_denied_not_raised() -> None:
    obj = _defaulted(raw_md())
    obj["spec"]["resources"] = {"gpu": {"count": "many"}}
    response = validate(review(obj), None)["response"]
    assert response["allowed"] is False
    assert response["status"]["message"]


# --- prefetch_provider -----------------------------------------------------------------------


class Untouchable:
    """A stand-in for Kube whose every attribute access fails the test."""

    def __getattr__(self, name: str) -> NoReturn:
        raise AssertionError(f"kube.{name} must not be used")


class FakeKube:
    """A Kube whose ``get`` answers ``body`` or raises ``error`` and records what it was asked."""

    def __init__(
        self, *, body: dict[str, Any] | None = None, error: Exception | None = None
    ) -> None:
        self.body = body
        self.error = error
        self.calls: list[tuple[str, str, str]] = []

    async def get(self, api_version: str, kind: str, name: str) -> dict[str, Any]:
        self.calls.append((api_version, kind, name))
        if self.error is not None:
            raise self.error
        assert self.body is not None
        return self.body


def _kube(fake: object) -> Kube:
    return cast("Kube", fake)


def _store(*configs: InferenceProviderConfig) -> Store:
    store = Store()
    for config in configs:
        store.put_config(config.to_kube())
    return store


def _named(provider: str = "dynamo", engine: str = "vllm") -> dict[str, Any]:
    return review(_defaulted(raw_md(provider={"name": provider}, engine={"type": engine})))


async def test_prefetch_finds_a_cached_config_without_kube() -> None:
    lookup = await prefetch_provider(_named(), _store(DYNAMO), _kube(Untouchable()))
    result = lookup("dynamo")
    assert result.outcome is LookupOutcome.FOUND
    assert result.config is not None
    assert result.config.metadata.name == "dynamo"


async def test_prefetched_config_feeds_v9() -> None:
    request = _named("dynamo", "llamacpp")
    lookup = await prefetch_provider(request, _store(DYNAMO), _kube(Untouchable()))
    response = validate(request, lookup)["response"]
    assert response["allowed"] is False
    assert "provider dynamo does not support engine llamacpp" in response["status"]["message"]


@pytest.mark.parametrize(
    "obj",
    [
        raw_md(provider={"name": "dynamo"}),  # no engine: V9 does not run
        raw_md(engine={"type": "vllm"}),  # no provider
        raw_md(
            provider={"name": "dynamo"},
            engine={"type": "sglang"},
            annotations={"airunway.ai/dynamo-test-backend": "mocker"},
        ),
        {"spec": "not a spec"},  # unparseable: denied anyway
    ],
    ids=["no-engine", "no-provider", "mocker", "unparseable"],
)
async def test_prefetch_for_a_spec_that_needs_no_lookup(obj: dict[str, Any]) -> None:
    lookup = await prefetch_provider(review(obj), Store(), _kube(Untouchable()))
    assert lookup("anything").outcome is LookupOutcome.NOT_FOUND


async def test_prefetch_reads_an_uncached_config_from_the_api_server() -> None:
    kube = FakeKube(body=DYNAMO.to_kube())
    lookup = await prefetch_provider(_named(), _store(KAITO), _kube(kube))
    assert kube.calls == [("airunway.ai/v1alpha1", "InferenceProviderConfig", "dynamo")]
    result = lookup("dynamo")
    assert result.outcome is LookupOutcome.FOUND
    assert result.config == DYNAMO


@pytest.mark.parametrize(
    ("error", "outcome"),
    [
        (NotFoundError("not found", reason="NotFound"), LookupOutcome.NOT_FOUND),
        (
            NotFoundError("the server could not find the requested resource"),
            LookupOutcome.CRD_ABSENT,
        ),
        (ForbiddenError("forbidden", reason="Forbidden"), LookupOutcome.FORBIDDEN),
        (UnauthorizedError("who are you", reason="Unauthorized"), LookupOutcome.FORBIDDEN),
        (KubeError("connection reset"), LookupOutcome.ERROR),
    ],
    ids=["not-found", "crd-absent", "forbidden", "unauthorized", "other"],
)
async def test_prefetch_maps_api_errors(error: KubeError, outcome: LookupOutcome) -> None:
    lookup = await prefetch_provider(_named(), Store(), _kube(FakeKube(error=error)))
    result = lookup("dynamo")
    assert result.outcome is outcome
    if outcome in {LookupOutcome.FORBIDDEN, LookupOutcome.ERROR}:
        assert str(error) in result.message


async def test_prefetch_of_a_config_that_does_not_parse_is_an_error() -> None:
    body = {"metadata": {"name": "dynamo"}, "spec": {"capabilities": {"engines": "nope"}}}
    lookup = await prefetch_provider(_named(), Store(), _kube(FakeKube(body=body)))
    result = lookup("dynamo")
    assert result.outcome is LookupOutcome.ERROR
    assert "does not parse" in result.message
