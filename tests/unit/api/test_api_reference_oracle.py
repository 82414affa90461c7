"""The reference AI Runway as an oracle: what it accepts, ours accepts; what it rejects, ours too.

Objects are generated from the reference CRDs' own schemas (``tests/support/schema_strategies``)
with realistic values. "The reference accepts X" means its structural schema accepts X after its
mutating webhook ran, and its validating webhook admits it; ``default_model_deployment`` and
``validate_create`` reproduce that webhook exactly, so they stand in for it. For every such X our
generated schema and our pydantic model must accept X too (``tests/cluster/
test_reference_oracle.py`` adds our CEL rules on a live API server). Objects broken in one place
so that the reference schema rejects them must be rejected by our schema and model as well;
``test_every_field_breaks_alike...`` does that exhaustively, one field at a time.

Hypothesis runs derandomized: the same code gives the same draws, so CI is deterministic. (It
also mixes in literals of the project modules a run has imported, so another selection of test
files may draw differently; the counts asserted in ``test_the_oracle_is_not_vacuous`` have room.)
"""

from __future__ import annotations

from collections import Counter
from typing import Any

import jsonschema
import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st
from pydantic import ValidationError

from airunway.api import InferenceProviderConfig, ModelDeployment
from airunway.controller.admission import default_model_deployment, validate_create
from tests.support.schema_strategies import (
    QUANTITY_PATTERN,
    TEMPLATES,
    airunway_objects,
    cel_covered,
    create_rules,
    examples,
    invalid_variant,
    reference_verdict,
    scalar_breakages,
    validator,
)

MD = "airunway.ai_modeldeployments.yaml"
IPC = "airunway.ai_inferenceproviderconfigs.yaml"
KINDS = {MD: "ModelDeployment", IPC: "InferenceProviderConfig"}
MODELS = {MD: ModelDeployment, IPC: InferenceProviderConfig}
EXAMPLES = 300
PROPERTY = settings(
    max_examples=EXAMPLES,
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)

# Breakages the reference schema rejects but our pydantic models accept, and why. The API server
# still rejects them with our CRD; only Python code that reads unchecked objects sees them.
MODEL_LENIENT = {
    "duplicate map key": (
        "list-map keys are unique by the API server's list-type=map, not by the model: the "
        "webhook must parse duplicate volume names to deny them with the reference's "
        "'duplicate volume name' message"
    ),
}


def _schema(crd: dict[str, Any]) -> dict[str, Any]:
    (version,) = crd["spec"]["versions"]
    schema: dict[str, Any] = version["schema"]["openAPIV3Schema"]
    return schema


class _Side:
    """One CRD file, the reference's and ours: validators and object strategies."""

    def __init__(self, file: str, reference: dict[str, Any], ours: dict[str, Any]) -> None:
        self.file = file
        self.schema = _schema(reference)
        self.reference = validator(self.schema)
        self.our_schema = _schema(ours)
        self.ours = validator(self.our_schema)
        self.objects = airunway_objects(self.schema, KINDS[file])
        self.with_status = airunway_objects(self.schema, KINDS[file], status=True)
        self.invalid = invalid_variant(self.with_status, self.schema, ())


@pytest.fixture(scope="module")
def sides(
    reference_crds: dict[str, dict[str, Any]], committed_crds: dict[str, dict[str, Any]]
) -> dict[str, _Side]:
    return {file: _Side(file, reference_crds[file], committed_crds[file]) for file in KINDS}


def _errors(check: jsonschema.protocols.Validator, obj: Any) -> list[str]:
    return [f"{'.'.join(map(str, e.absolute_path))}: {e.message}" for e in check.iter_errors(obj)]


def _parses(file: str, obj: Any) -> str | None:
    """None when our model parses ``obj``, else pydantic's errors."""
    try:
        MODELS[file].model_validate(obj)
    except ValidationError as exc:
        return str(exc)
    return None


@PROPERTY
@given(data=st.data())
def test_md_the_reference_accepts_ours_accepts(
    data: st.DataObject, sides: dict[str, _Side]
) -> None:
    side = sides[MD]
    raw = data.draw(side.objects, label="raw")
    if side.reference.is_valid(raw):
        assert _errors(side.ours, raw) == []
    verdict = reference_verdict(side.reference, raw)
    if verdict.schema:
        return
    # property A: the structure (our schema with the reference's schema's verdict)
    assert _errors(side.ours, verdict.defaulted) == []
    # property B: our model reads whatever the reference schema lets through, so the webhook's
    # verdict comes from its rules, never from a parse failure, and every object the reference
    # admits (``verdict.accepted``) is a valid ModelDeployment
    assert _parses(MD, verdict.defaulted) is None


@pytest.mark.parametrize("file", KINDS)
@PROPERTY
@given(data=st.data())
def test_whole_objects_the_reference_schema_accepts_are_ours(
    data: st.DataObject, file: str, sides: dict[str, _Side]
) -> None:
    side = sides[file]
    obj = data.draw(side.with_status, label="object")
    if side.reference.is_valid(obj):
        assert _errors(side.ours, obj) == []
        assert _parses(file, obj) is None


@pytest.mark.parametrize("file", KINDS)
@PROPERTY
@given(data=st.data())
def test_what_the_reference_schema_rejects_our_schema_rejects(
    data: st.DataObject, file: str, sides: dict[str, _Side]
) -> None:
    side = sides[file]
    obj, broken = data.draw(side.invalid, label="broken")
    assert not side.reference.is_valid(obj), f"not broken: {broken}"
    assert not side.ours.is_valid(obj), broken


@pytest.mark.parametrize("file", KINDS)
@PROPERTY
@given(data=st.data())
def test_what_the_reference_schema_rejects_our_model_rejects(
    data: st.DataObject, file: str, sides: dict[str, _Side]
) -> None:
    side = sides[file]
    obj, broken = data.draw(side.invalid, label="broken")
    if _parses(file, obj) is None:
        assert any(reason in broken for reason in MODEL_LENIENT), f"model accepts: {broken}"


@PROPERTY
@given(
    quantity=st.from_regex(QUANTITY_PATTERN, fullmatch=True),
    field=st.sampled_from(("resources.cpu", "resources.memory", "scaling.prefill.memory")),
)
@example(quantity="-1e1000000", field="resources.memory")
def test_the_webhook_judges_every_quantity_the_schema_lets_through(
    quantity: str, field: str
) -> None:
    """Any pattern-valid quantity (the reference parses them all, with exponents wrapped to int32
    and huge values kept exactly) gets a verdict from our webhook logic, never an exception."""
    spec: dict[str, Any] = {"model": {"id": "org/model"}}
    where, leaf = spec, field.split(".")
    for part in leaf[:-1]:
        where = where.setdefault(part, {})
    where[leaf[-1]] = quantity
    raw = {"apiVersion": "airunway.ai/v1alpha1", "kind": "ModelDeployment", "spec": spec}
    result = validate_create(default_model_deployment(raw).obj, None)
    assert all(e.path == f"spec.{field}" for e in result.errors), result.errors


def _minimal(node: dict[str, Any]) -> Any:
    """The smallest value the structural ``node`` accepts (required properties only)."""
    if "enum" in node:
        return node["enum"][0]
    if node.get("x-kubernetes-int-or-string"):
        return 1
    if node.get("type") == "object":
        return {k: _minimal(node["properties"][k]) for k in node.get("required", ())}
    if node.get("format") == "date-time":
        return "2024-01-01T00:00:00Z"
    scalars = {"array": [], "string": "a", "integer": node.get("minimum", 0), "boolean": False}
    return scalars[node["type"]]


def _leaves(node: dict[str, Any], path: tuple[str | int, ...] = ()) -> Any:
    """Every scalar node of a schema with its path (a list's first item, a map's key ``k``)."""
    children = [(k, sub) for k, sub in node.get("properties", {}).items()]
    if isinstance(node.get("items"), dict):
        children.append((0, node["items"]))
    if isinstance(node.get("additionalProperties"), dict):
        children.append(("k", node["additionalProperties"]))
    if not children and path and path[0] in {"spec", "status"}:
        yield path, node
    for key, sub in children:
        yield from _leaves(sub, (*path, key))


def _holding(schema: dict[str, Any], file: str, path: tuple[str | int, ...], value: Any) -> Any:
    """The minimal object of ``schema`` with ``value`` at ``path`` (and what that needs)."""
    obj = _minimal(schema) | {"apiVersion": "airunway.ai/v1alpha1", "kind": KINDS[file]}
    obj["metadata"] = {"name": "m"}
    node, parent = schema, obj
    for key, last in zip(path, [*[False] * (len(path) - 1), True], strict=True):
        if isinstance(key, int):
            node = node["items"]
        else:
            node = node.get("properties", {}).get(key) or node["additionalProperties"]
        child = value if last else _minimal(node)
        if isinstance(key, int):
            parent[:] = [child]
        elif last or key not in parent:
            parent[key] = child
        parent = parent[key]
    return obj


@pytest.mark.parametrize("file", KINDS)
def test_every_field_breaks_alike_in_the_reference_our_schema_and_our_model(
    file: str, sides: dict[str, _Side]
) -> None:
    """Exhaustive twin of the two properties above, one field at a time: a minimal object with
    each field set is accepted by all three; each way to break that field alone (wrong type,
    enum, bounds, length, pattern) is rejected by all three."""
    side = sides[file]
    problems = []
    for path, node in _leaves(side.schema):
        where = ".".join(map(str, path))
        good = _holding(side.schema, file, path, _minimal(node))
        if errors := _errors(side.reference, good) + _errors(side.ours, good):
            problems.append(f"{where}: minimal object rejected: {errors}")
        if (parse := _parses(file, good)) is not None:
            problems.append(f"{where}: our model rejects the minimal object: {parse}")
        for what, bad in scalar_breakages(node, _minimal(node)):
            obj = _holding(side.schema, file, path, bad)
            verdicts = (side.reference.is_valid(obj), side.ours.is_valid(obj))
            if verdicts != (False, False):
                problems.append(f"{where}: {what} {bad!r}: reference, ours valid = {verdicts}")
            elif _parses(file, obj) is None:
                problems.append(f"{where}: {what} {bad!r}: our model accepts it")
    assert not problems, "\n".join(problems)


def _verdicts(side: _Side, count: int) -> Counter[str]:
    outcomes: Counter[str] = Counter()
    rules = list(create_rules(side.our_schema))
    for raw in examples(side.objects, count):
        verdict = reference_verdict(side.reference, raw)
        if verdict.accepted:
            outcomes["accepted"] += 1
        elif verdict.result is not None:
            covered = cel_covered(verdict.result.errors, rules)
            outcomes["rejected, CEL covers" if covered else "rejected by the webhook only"] += 1
            outcomes.update(
                f"covered: {next(t.pattern for t in TEMPLATES if t.fullmatch(d))}" for d in covered
            )
        else:
            outcomes["rejected by the schema"] += 1
    return outcomes


def test_the_oracle_is_not_vacuous(sides: dict[str, _Side]) -> None:
    """The generated objects exercise both outcomes and most of our CEL rules."""
    outcomes = _verdicts(sides[MD], EXAMPLES)
    assert outcomes["accepted"] >= EXAMPLES // 3, outcomes
    assert outcomes["rejected, CEL covers"] >= EXAMPLES // 6, outcomes
    assert outcomes["rejected by the schema"] <= EXAMPLES // 20, outcomes
    assert len([k for k in outcomes if k.startswith("covered: ")]) >= 10, outcomes  # of 17
