"""Hypothesis strategies over an OpenAPI v3 structural schema (a CRD's ``openAPIV3Schema``).

``from_schema`` generates bounded objects the schema describes, with realistic values where the
caller names them (``names`` by property name, ``at``/``mix`` by dotted path). ``json_schema``
turns the structural schema into a JSON Schema that ``validator`` checks the way the API server
does for a server-side apply: int-or-string as ``anyOf``, closed objects unless unknown fields
are preserved (SSA rejects fields not in the schema), Go's end-of-text ``$`` and unique list-map
keys. ``invalid_variant`` breaks one node of a valid object (wrong type, enum, bounds, pattern,
extra or missing field, duplicate map key). Integer ``format`` ranges are kept when generating,
since Go decodes into sized integers, but not checked (the API server does not check them
either). Text has no control characters: SSA bodies are YAML, which cannot carry them raw.

The last section is AI Runway's: realistic values, the reference oracle (``reference_verdict``)
and which webhook rejections our CRD's CEL rules restate (``cel_covered``).
"""

from __future__ import annotations

import copy
import json
import re
from collections.abc import Callable, Collection, Iterator, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import jsonschema
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st

from airunway.api import cel
from airunway.controller.admission import (
    AdmissionResult,
    FieldError,
    default_model_deployment,
    validate_create,
)

Schema = Mapping[str, Any]
NodePath = tuple[str | int, ...]
_Hints = Mapping[str, st.SearchStrategy[Any]]

_INT_RANGE = {"int32": (-(2**31), 2**31 - 1), "int64": (-(2**63), 2**63 - 1)}
SMALL_INTS = (0, 1, 2, 3, 4, 8, 16, 32, 33, 64, 65, 100, 8192)
WORDS = ("a", "x", "test", "default", "value", "vllm", "gpu", "")
_TEXT = st.text(
    st.characters(min_codepoint=0x20, max_codepoint=0x2FF, exclude_categories=["Cc"]), max_size=10
)
_JSON_KEYS = st.sampled_from(("a", "spec", "nodeCount", "image")) | _TEXT
JSON_VALUES: st.SearchStrategy[Any] = st.recursive(
    st.none() | st.booleans() | st.integers(-5, 5000) | st.sampled_from(WORDS),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(_JSON_KEYS, inner, max_size=3),
    max_leaves=6,
)
QUANTITY_PATTERN = r"^(\+|-)?(([0-9]+(\.[0-9]*)?)|(\.[0-9]+))(([KMGTPE]i)|[numkMGTPE]|([eE](\+|-)?(([0-9]+(\.[0-9]*)?)|(\.[0-9]+))))?$"  # noqa: E501
_DATE_TIME = st.integers(0, 4_102_444_800).map(
    lambda s: datetime.fromtimestamp(s, UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
)


def _go_pattern(pattern: str) -> str:
    """Return ``pattern`` with Go's meaning of a final ``$`` (end of text, not before ``\\n``)."""
    return (
        pattern[:-1] + r"\Z" if pattern.endswith("$") and not pattern.endswith(r"\$") else pattern
    )


class _Gen:
    def __init__(self, names: _Hints, at: _Hints, mix: _Hints, omit: Collection[str]) -> None:
        self.names, self.at, self.mix, self.omit = names, at, mix, omit

    def node(self, node: Schema, path: str, name: str) -> st.SearchStrategy[Any]:
        if path in self.at:
            return self.at[path]
        generic = self._generic(node, path, name)
        return generic | self.mix[path] if path in self.mix else generic

    def _generic(self, node: Schema, path: str, name: str) -> st.SearchStrategy[Any]:
        if "enum" in node:
            return st.sampled_from(node["enum"])
        if "pattern" in node and node.get("type") == "string":
            limit = node.get("maxLength", 10**9)
            regex = st.from_regex(_go_pattern(node["pattern"]), fullmatch=True)
            return regex.filter(lambda s: len(s) <= limit)
        if name in self.names:
            return self.names[name]
        if node.get("x-kubernetes-int-or-string"):
            return st.integers(0, 10**4) | st.from_regex(_go_pattern(node.get("pattern", ".*")))
        if node.get("type") in {"object", "array"}:
            build = self.obj if node["type"] == "object" else self.array
            return build(node, path, name)
        return _scalar(node)

    def array(self, node: Schema, path: str, name: str) -> st.SearchStrategy[Any]:
        keys = node.get("x-kubernetes-list-map-keys")
        unique: Callable[[Any], str] | None = None
        if keys:
            unique = lambda v: json.dumps([v.get(k) for k in keys])  # noqa: E731
        elif node.get("x-kubernetes-list-type") == "set":
            unique = lambda v: json.dumps(v, sort_keys=True)  # noqa: E731
        inner = self.node(node.get("items", {}), f"{path}[]", f"{name}[]")
        return st.lists(inner, max_size=min(node.get("maxItems", 3), 3), unique_by=unique)

    def obj(self, node: Schema, path: str, name: str) -> st.SearchStrategy[Any]:
        extra = node.get("additionalProperties")
        if isinstance(extra, Mapping):
            keys = self.names.get(f"{name}{{}}", st.sampled_from(WORDS[:-1]) | _TEXT)
            return st.dictionaries(keys, self.node(extra, f"{path}{{}}", f"{name}{{}}"), max_size=3)
        paths = {k: f"{path}.{k}".lstrip(".") for k in node.get("properties", {})}
        props = {
            k: self.node(v, paths[k], k)
            for k, v in node.get("properties", {}).items()
            if paths[k] not in self.omit
        }
        if not props and node.get("x-kubernetes-preserve-unknown-fields"):
            return st.dictionaries(_JSON_KEYS, JSON_VALUES, max_size=3)
        required = set(node.get("required", ())) | {k for k in props if paths[k] in self.at}
        return st.fixed_dictionaries(
            {k: v for k, v in props.items() if k in required},
            optional={k: v for k, v in props.items() if k not in required},
        )


def _scalar(node: Schema) -> st.SearchStrategy[Any]:
    kind = node.get("type")
    if kind == "string":
        return _DATE_TIME if node.get("format") == "date-time" else st.sampled_from(WORDS) | _TEXT
    if kind == "integer":
        low, high = _INT_RANGE.get(node.get("format", "int64"), _INT_RANGE["int64"])
        low, high = max(low, node.get("minimum", low)), min(high, node.get("maximum", high))
        small = [v for v in SMALL_INTS if low <= v <= high]
        return st.sampled_from(small) | st.integers(low, high)
    scalars = {"number": st.floats(-1e6, 1e6, allow_nan=False), "boolean": st.booleans()}
    return scalars.get(str(kind), JSON_VALUES)


def from_schema(
    schema: Schema,
    *,
    names: _Hints | None = None,
    at: _Hints | None = None,
    mix: _Hints | None = None,
    omit: Collection[str] = (),
) -> st.SearchStrategy[Any]:
    """Return a strategy for objects of ``schema`` (lists of at most three items).

    ``names`` gives realistic values by property name (``id``), for a map's keys (``args{}``)
    or a list's items (``extraArgs[]``); enums and patterns win over it. ``at`` replaces the
    node at a dotted path (``metadata``, ``spec.model.id``) and always generates it, ``mix``
    adds alternatives to the generated ones at a dotted path (``spec.scaling``; list items are
    ``path[]``) and ``omit`` leaves optional properties out (``status``).
    """
    return _Gen(names or {}, at or {}, mix or {}, omit).node(schema, "", "")


_KEPT = ("type", "enum", "required", "minimum", "maximum", "minLength", "maxLength", "minItems")
_KEPT_TOO = ("maxItems", "x-kubernetes-list-map-keys")


def json_schema(node: Schema) -> dict[str, Any]:
    """Return the JSON Schema (Draft 4) that checks what the structural ``node`` checks."""
    out: dict[str, Any] = {k: node[k] for k in (*_KEPT, *_KEPT_TOO) if k in node}
    if "pattern" in node:
        out["pattern"] = _go_pattern(node["pattern"])
    if "properties" in node:
        out["properties"] = {k: json_schema(v) for k, v in node["properties"].items()}
        if not node.get("x-kubernetes-preserve-unknown-fields"):
            out["additionalProperties"] = False
    for key in ("items", "additionalProperties"):
        if isinstance(node.get(key), Mapping):
            out[key] = json_schema(node[key])
    if node.get("x-kubernetes-int-or-string"):
        out.pop("type", None)
        out["anyOf"] = [{"type": "integer"}, {"type": "string"}]
    if node.get("nullable") and "type" in out:
        out["type"] = [out["type"], "null"]
    return out


def _unique_map_keys(
    validator: Any, keys: list[str], instance: Any, _schema: Any
) -> Iterator[jsonschema.ValidationError]:
    seen: set[str] = set()
    for item in instance if isinstance(instance, list) else ():
        key = json.dumps([item.get(k) for k in keys] if isinstance(item, dict) else item)
        if key in seen:
            yield jsonschema.ValidationError(f"Duplicate value: {key}")
        seen.add(key)
    del validator


_Validator = jsonschema.validators.extend(  # type: ignore[no-untyped-call]
    jsonschema.Draft4Validator, {"x-kubernetes-list-map-keys": _unique_map_keys}
)


def validator(schema: Schema) -> jsonschema.protocols.Validator:
    """Return a validator of the structural ``schema`` (see the module docstring)."""
    checker: jsonschema.protocols.Validator = _Validator(json_schema(schema))
    return checker


def _sites(node: Schema, value: Any, path: NodePath) -> Iterator[tuple[NodePath, Schema, Any]]:
    yield path, node, value
    if isinstance(value, dict):
        props, extra = node.get("properties", {}), node.get("additionalProperties")
        for k, v in value.items():
            sub = props.get(k, extra if isinstance(extra, Mapping) else None)
            if sub is not None:
                yield from _sites(sub, v, (*path, k))
    elif isinstance(value, list) and isinstance(node.get("items"), Mapping):
        for i, v in enumerate(value):
            yield from _sites(node["items"], v, (*path, i))


_WRONG = {"string": 7, "integer": "7", "boolean": "true", "number": "1.5", "object": ["x"]}


def scalar_breakages(node: Schema, value: Any) -> Iterator[tuple[str, Any]]:
    """The ways to make ``value`` at ``node`` invalid by itself: kind of breakage, bad value."""
    if node.get("x-kubernetes-int-or-string"):
        yield "wrong type", True
    else:
        yield "wrong type", _WRONG.get(str(node.get("type")), {"x": 1})
    for bad in ("bogus", str(value).upper()):
        if "enum" in node and bad not in node["enum"]:
            yield "not in enum", bad
    if "minimum" in node:
        yield "below minimum", node["minimum"] - 1
    if "maximum" in node:
        yield "above maximum", node["maximum"] + 1
    if "maxLength" in node:
        yield "too long", "a" * (node["maxLength"] + 1)
    if "pattern" in node:
        yield "pattern", "Not_A_Match!"


def _breakages(node: Schema, value: Any) -> Iterator[tuple[str, Any]]:
    yield from scalar_breakages(node, value)
    if isinstance(value, dict) and "properties" in node:
        if not node.get("x-kubernetes-preserve-unknown-fields"):
            yield "unknown field", {**value, "bogusField": "x"}
        for key in node.get("required", ()):
            yield "missing required", {k: v for k, v in value.items() if k != key}
    if isinstance(value, list) and value and "x-kubernetes-list-map-keys" in node:
        yield "duplicate map key", [*value, value[0]]
    if isinstance(value, list) and value and "maxItems" in node:
        yield "too many items", [value[0]] * (node["maxItems"] + 1)


@st.composite
def invalid_variant(
    draw: st.DrawFn, valid: st.SearchStrategy[Any], schema: Schema, under: NodePath = ()
) -> tuple[Any, str]:
    """Return a valid object with one node under ``under`` broken, and what was broken.

    The kind of breakage is drawn first, so rare kinds (enum, bounds) are not drowned by the
    "wrong type" every node offers.
    """
    obj = draw(valid)
    options = [
        (what, path, new)
        for path, node, value in _sites(schema, obj, ())
        if path[: len(under)] == under and path
        for what, new in _breakages(node, value)
    ]
    kind = draw(st.sampled_from(sorted({o[0] for o in options})))
    what, path, new = draw(st.sampled_from([o for o in options if o[0] == kind]))
    broken = copy.deepcopy(obj)
    parent = broken
    for part in path[:-1]:
        parent = parent[part]
    parent[path[-1]] = new
    return broken, f"{what} at {'.'.join(map(str, path))}"


def examples(strategy: st.SearchStrategy[Any], count: int) -> list[Any]:
    """Return ``count`` deterministic draws of ``strategy`` (for tests that cannot use @given)."""
    found: list[Any] = []

    @settings(
        max_examples=count,
        derandomize=True,
        database=None,
        phases=[Phase.generate],
        deadline=None,
        suppress_health_check=list(HealthCheck),
    )
    @given(strategy)
    def collect(value: Any) -> None:
        found.append(value)

    collect()
    return found


# --- AI Runway: realistic values, the reference oracle and which rejections our CEL covers ------
def _words(*values: str) -> st.SearchStrategy[str]:
    return st.sampled_from(values)


def _mostly(usual: st.SearchStrategy[Any], rare: st.SearchStrategy[Any]) -> st.SearchStrategy[Any]:
    """``usual`` five times in six, else ``rare`` (the values admission rejects)."""
    return st.sampled_from((usual,) * 5 + (rare,)).flatmap(lambda s: s)


DNS_LABEL = st.from_regex(r"[a-z0-9]([-a-z0-9]{0,14}[a-z0-9])?", fullmatch=True)
QUANTITIES = _mostly(
    _words("1", "4", "500m", "512Mi", "1Gi", "24Gi", "100Gi", "512", "4Ti", "4096Gi"),
    _words("513", "4097Gi", "1e3", "-1", "abc", "1GB", " 1Gi", "")
    | st.from_regex(QUANTITY_PATTERN, fullmatch=True),
)
AIRUNWAY_NAMES: dict[str, st.SearchStrategy[Any]] = {
    "id": _mostly(_words("Qwen/Qwen3-0.6B", "meta-llama/Llama-3.1-8B", "org/model"), st.just("")),
    "servedName": _words("qwen3-small", "llama", ""),
    "modelName": _words("qwen3-small", "llama", ""),
    "image": _words("vllm/vllm-openai:v0.9.2", "ghcr.io/ggml-org/llama.cpp:server", "x", ""),
    "name": _words("dynamo", "kaito", "kuberay", "llmd", "vllm", "HF_HOME", "") | DNS_LABEL,
    "memory": QUANTITIES,
    "cpu": QUANTITIES,
    "size": QUANTITIES | st.sampled_from(SMALL_INTS),
    "divisor": QUANTITIES | st.sampled_from(SMALL_INTS),
    "replicas": _mostly(st.integers(0, 4), st.sampled_from((32, 33, 2**31 - 1))),
    "count": _mostly(st.integers(0, 8), st.sampled_from((64, 65, 2**31 - 1))),
    "mountPath": _mostly(
        _words("/model-cache", "/data", "/compilation-cache", "/models/a", "/var/runner", "/sys2"),
        _words("data", "", "/dev", "/dev/shm", "/proc/x", "/etc", "/var/run/x"),  # noqa: S108
    ),
    "claimName": _words("weights", "cache", "") | DNS_LABEL,
    "storageClassName": _words("standard", "fast-ssd", ""),
    "type": _words("nvidia.com/gpu", "amd.com/gpu", ""),
    "args{}": _words("max-num-seqs", "gpu-memory-utilization", "tensor-parallel-size"),
    "extraArgs[]": _words("--max-num-seqs=4", "--enforce-eager", "--tensor-parallel-size", "2"),
    "condition": _words("spec.engine.type == 'llamacpp'", "has(spec.resources.gpu)", "true"),
    "operator": _words("Exists", "Equal"),
    "effect": _words("NoSchedule", "NoExecute", ""),
}
_METADATA = st.fixed_dictionaries(
    {
        "name": _mostly(DNS_LABEL, st.tuples(DNS_LABEL, DNS_LABEL).map(".".join))
        | _mostly(DNS_LABEL, st.just("x" * 240))
    },
    optional={
        "annotations": st.dictionaries(
            _words("airunway.ai/dynamo-test-backend", "team"), _words("mocker", "a"), max_size=2
        )
    },
)


_GOOD_QUANTITY = _words("4", "500m", "16Gi", "24Gi", "100Gi")
_MOUNT = _words("/model-cache", "/data", "/compilation-cache")
_PURPOSE = _words("modelCache", "compilationCache", "custom")
_COMPONENT = st.fixed_dictionaries(
    {"gpu": st.fixed_dictionaries({"count": st.integers(1, 4)})},
    optional={"replicas": st.integers(1, 2), "memory": _GOOD_QUANTITY},
)
_VOLUME = st.fixed_dictionaries(
    {"name": DNS_LABEL, "size": _words("10Gi", "100Gi")},
    optional={"purpose": _PURPOSE, "mountPath": _MOUNT, "storageClassName": _words("standard")},
) | st.fixed_dictionaries(
    {"name": DNS_LABEL, "claimName": DNS_LABEL},
    optional={"purpose": _PURPOSE, "mountPath": _MOUNT, "readOnly": st.booleans()},
)
#: Realistic shapes of the parts of a ModelDeployment whose fields only make sense together.
AIRUNWAY_MIX: dict[str, st.SearchStrategy[Any]] = {
    "spec.model.storage": st.fixed_dictionaries(
        {"volumes": st.lists(_VOLUME, min_size=1, max_size=2, unique_by=lambda v: v["name"])}
    ),
    "spec.scaling": st.fixed_dictionaries(
        {"prefill": _COMPONENT, "decode": _COMPONENT}, optional={"replicas": st.integers(0, 3)}
    ),
    "spec.resources": st.fixed_dictionaries(
        {}, optional={"gpu": st.just({"count": 1}), "cpu": _GOOD_QUANTITY, "memory": _GOOD_QUANTITY}
    ),
    "spec.provider.overrides": st.sampled_from(
        (
            {"spec": {"services": {"VllmWorker": {"multinode": {"nodeCount": 2}}}}},
            {"spec": {"template": {"spec": {"securityContext": {"runAsUser": 0}}}}},
            {"workers": [{"resources": {"limits": {"cpu": "64"}}}]},
            {"metadata": {"labels": {"team": "a"}}},
        )
    ),
}


def airunway_objects(schema: Schema, kind: str, *, status: bool = False) -> st.SearchStrategy[Any]:
    """Realistic objects of ``kind`` from its CRD ``schema`` (with ``status`` when asked)."""
    at = {
        "apiVersion": st.just("airunway.ai/v1alpha1"),
        "kind": st.just(kind),
        "metadata": _METADATA,
        "spec.model.id": AIRUNWAY_NAMES["id"],
    }
    omit = () if status else ("status",)
    return from_schema(schema, names=AIRUNWAY_NAMES, at=at, mix=AIRUNWAY_MIX, omit=omit)


@dataclass(frozen=True)
class Verdict:
    """What the reference does with a raw ModelDeployment create (``schema``: its errors)."""

    defaulted: dict[str, Any]
    schema: list[str]
    result: AdmissionResult | None

    @property
    def accepted(self) -> bool:
        """Admitted by the reference schema and the reference webhook."""
        return not self.schema and self.result is not None and self.result.allowed


def reference_verdict(reference: jsonschema.protocols.Validator, raw: Any) -> Verdict:
    """The reference pipeline: mutating webhook, then the schema, then the validating webhook.

    Our ``default_model_deployment``/``validate_create`` reproduce the reference webhook; the
    provider lookup (V9, needs another object) is left out.
    """
    defaulted = default_model_deployment(raw).obj
    errors = [e.message for e in reference.iter_errors(defaulted)]
    return Verdict(defaulted, errors, None if errors else validate_create(defaulted, None))


def _template(message: str) -> re.Pattern[str]:
    """A pattern for a message template; a placeholder after a space may be left out (CEL)."""
    parts = re.split(r"( ?)\{\w+\}", message)
    pattern = re.escape(parts[0])
    for space, text in zip(parts[1::2], parts[2::2], strict=True):
        pattern += ("(?: .+)?" if space else ".+") + re.escape(text)
    return re.compile(pattern)


TEMPLATES = [_template(v) for k, v in vars(cel).items() if k.startswith("MSG_")]


def create_rules(node: Schema, path: str = "") -> Iterator[tuple[str, Mapping[str, Any]]]:
    """Our CRD's CEL rules that run on CREATE, with the dotted path of their node."""
    for rule in node.get("x-kubernetes-validations", ()):
        if "oldSelf" not in rule["rule"] or rule.get("optionalOldSelf"):
            yield path, rule
    for key, sub in node.get("properties", {}).items():
        yield from create_rules(sub, f"{path}.{key}".lstrip("."))
    if isinstance(node.get("items"), Mapping):
        yield from create_rules(node["items"], path)


def _states(rule: Mapping[str, Any], detail: str) -> bool:
    if rule["message"] == detail:
        return True
    return "messageExpression" in rule and any(
        t.fullmatch(rule["message"]) and t.fullmatch(detail) for t in TEMPLATES
    )


def cel_covered(errors: list[FieldError], rules: list[tuple[str, Mapping[str, Any]]]) -> list[str]:
    """Details of the webhook ``errors`` that one of our CRD's CEL ``rules`` reports too.

    A rule covers an error when it sits at or above the error's field and states its message
    (exactly, or through a ``messageExpression`` over the same ``airunway.api.cel`` template).
    """
    covered = []
    for error in errors:
        where = re.sub(r"\[\d+\]", "", error.path)
        if any(
            (not node or where == node or where.startswith(node + "."))
            and _states(rule, error.detail)
            for node, rule in rules
        ):
            covered.append(error.detail)
    return covered
