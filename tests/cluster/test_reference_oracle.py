"""The reference as an oracle against our CRD on a live API server (schema, defaults and CEL).

A side cluster runs only our CRDs and no webhook, so what answers is the CRD alone. Objects are
drawn deterministically from the reference schema (``tests/support/schema_strategies``) and
judged by the oracle: the reference schema after the reference's mutating webhook, then the
reference's validating webhook (reproduced by ``default_model_deployment``/``validate_create``).
Every object the oracle accepts must pass a server-side dry-run apply (our CEL rules never reject
what the reference admits); every object it rejects for a reason one of our CEL rules states must
be rejected with that rule's message; objects the reference schema rejects must be rejected.
Of 1000 draws, the most varied are kept (fields set, switches such as serving mode or volume
purpose, rejection messages), so the few dozen dry-runs reach the rare shapes too. The unit twin
``tests/unit/api/test_api_reference_oracle.py`` checks the same strategies offline, at length.
"""

from __future__ import annotations

import copy
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from typing import Any

import pytest

from airunway.kube.client import Kube
from airunway.kube.errors import InvalidError
from tests.support.cluster_fixtures import crds_only_cluster
from tests.support.schema_strategies import (
    TEMPLATES,
    Verdict,
    airunway_objects,
    cel_covered,
    create_rules,
    examples,
    invalid_variant,
    reference_verdict,
    validator,
)

pytestmark = pytest.mark.cluster
NS = "oracle"
MD = "airunway.ai_modeldeployments.yaml"
IPC = "airunway.ai_inferenceproviderconfigs.yaml"
DRAWS = 1000
ACCEPTED = 60
REJECTED = 25
BROKEN = 20
PROVIDER_CONFIGS = 20


def _schema(crd: dict[str, Any]) -> dict[str, Any]:
    (version,) = crd["spec"]["versions"]
    schema: dict[str, Any] = version["schema"]["openAPIV3Schema"]
    return schema


@dataclass
class Draws:
    """Objects to dry-run, each the defaulted object the API server would see."""

    accepted: list[dict[str, Any]] = field(default_factory=list)
    rejected: list[tuple[dict[str, Any], list[str]]] = field(default_factory=list)
    broken: list[tuple[dict[str, Any], str]] = field(default_factory=list)
    provider_configs: list[dict[str, Any]] = field(default_factory=list)
    crashes: list[str] = field(default_factory=list)


_SHOWN_VALUES = ("mode", "purpose", "source", "readOnly", "dynamo-test-backend")


def _features(obj: Any, path: str = "") -> set[str]:
    """The fields an object sets (list indices dropped), with the values of a few switches."""
    if isinstance(obj, dict):
        return {f for k, v in obj.items() for f in _features(v, f"{path}.{k}")} | {path}
    if isinstance(obj, list):
        return {f for v in obj for f in _features(v, path)} | {path}
    return {f"{path}={obj}" if path.endswith(_SHOWN_VALUES) else path}


def _diverse(candidates: list[tuple[Any, set[str]]], count: int) -> list[Any]:
    """Up to ``count`` candidates, in rounds: each round takes, in order, those that bring a
    feature the round has not seen yet (so rare features are picked once per round)."""
    chosen: list[int] = []
    while len(chosen) < count and len(chosen) < len(candidates):
        seen: set[str] = set()
        for i, (_, features) in enumerate(candidates):
            if i not in chosen and features - seen and len(chosen) < count:
                chosen.append(i)
                seen |= features
    return [candidates[i][0] for i in chosen]


def _judge(reference: Any, raw: Any, out: Draws) -> Verdict | None:
    try:
        return reference_verdict(reference, raw)
    except Exception as exc:  # noqa: BLE001 - reported by test_the_oracle_judges_every_draw
        out.crashes.append(f"{raw}\n  -> {exc!r}")
        return None


@pytest.fixture(scope="module")
def draws(
    reference_crds: dict[str, dict[str, Any]], committed_crds: dict[str, dict[str, Any]]
) -> Draws:
    """Deterministic draws, judged by the oracle; the most varied ones are kept."""
    schema = _schema(reference_crds[MD])
    reference = validator(schema)
    rules = list(create_rules(_schema(committed_crds[MD])))
    out = Draws()
    accepted: list[tuple[Any, set[str]]] = []
    rejected: list[tuple[Any, set[str]]] = []
    for raw in examples(airunway_objects(schema, "ModelDeployment"), DRAWS):
        verdict = _judge(reference, raw, out)
        if verdict is None or verdict.result is None:
            continue
        if verdict.accepted:
            accepted.append((verdict.defaulted, _features(verdict.defaulted)))
        elif covered := cel_covered(verdict.result.errors, rules):
            rejected.append(((verdict.defaulted, covered), set(covered)))
    out.accepted = _diverse(accepted, ACCEPTED)
    out.rejected = _diverse(rejected, REJECTED)
    broken = invalid_variant(airunway_objects(schema, "ModelDeployment"), schema, ("spec",))
    for raw, what in examples(broken, 2 * BROKEN):
        verdict = _judge(reference, raw, out)
        if verdict is not None and verdict.schema:
            out.broken.append((verdict.defaulted, what))
    out.broken = out.broken[:BROKEN]
    ipc_schema = _schema(reference_crds[IPC])
    ipc_reference = validator(ipc_schema)
    ipcs = examples(airunway_objects(ipc_schema, "InferenceProviderConfig"), 3 * PROVIDER_CONFIGS)
    out.provider_configs = [o for o in ipcs if ipc_reference.is_valid(o)][:PROVIDER_CONFIGS]
    assert len(out.accepted) == ACCEPTED
    assert len(out.rejected) == REJECTED
    assert len(out.broken) == BROKEN
    assert len(out.provider_configs) == PROVIDER_CONFIGS
    return out


@pytest.fixture(scope="module")
async def side_cluster() -> AsyncIterator[Kube]:
    """A cluster with only our CRDs and no webhook, and a namespace in it."""
    async with crds_only_cluster("oracle", NS) as kube:
        yield kube


def _namespaced(obj: dict[str, Any]) -> dict[str, Any]:
    obj = copy.deepcopy(obj)
    obj["metadata"]["namespace"] = NS
    return obj


async def _denial(kube: Kube, obj: dict[str, Any]) -> str | None:
    """None when the dry-run apply is admitted, else the API server's message."""
    try:
        await kube.apply(obj, dry_run=True)
    except InvalidError as exc:
        return str(exc)
    return None


def test_the_oracle_judges_every_draw(draws: Draws) -> None:
    """Our reproduction of the reference webhook answers every draw (it must never raise)."""
    assert not draws.crashes, "\n".join(draws.crashes)


async def _denied(kube: Kube, objects: list[dict[str, Any]]) -> list[str]:
    """The objects a dry-run apply does not admit, each with the API server's message."""
    denials = [(obj, await _denial(kube, obj)) for obj in objects]
    return [f"{obj}\n  -> {denial}" for obj, denial in denials if denial is not None]


async def test_what_the_reference_accepts_our_crd_admits(side_cluster: Kube, draws: Draws) -> None:
    problems = await _denied(side_cluster, [_namespaced(o) for o in draws.accepted])
    assert not problems, "\n".join(problems)


async def test_what_the_reference_rejects_by_a_cel_rule_our_crd_rejects_alike(
    side_cluster: Kube, draws: Draws
) -> None:
    problems = []
    for obj, details in draws.rejected:
        assert all(any(t.fullmatch(d) for t in TEMPLATES) for d in details), details
        denial = await _denial(side_cluster, _namespaced(obj))
        missing = [d for d in details if denial is None or d not in denial]
        if missing:
            problems.append(f"{obj}\n  expected {missing}\n  got {denial}")
    assert not problems, "\n".join(problems)


async def test_what_the_reference_schema_rejects_our_crd_rejects(
    side_cluster: Kube, draws: Draws
) -> None:
    admitted = [
        f"{broken}: {obj}"
        for obj, broken in draws.broken
        if await _denial(side_cluster, _namespaced(obj)) is None
    ]
    assert not admitted, "\n".join(admitted)


async def test_provider_configs_the_reference_schema_accepts_are_admitted(
    side_cluster: Kube, draws: Draws
) -> None:
    problems = await _denied(side_cluster, draws.provider_configs)
    assert not problems, "\n".join(problems)
