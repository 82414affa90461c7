"""The webhooks' matchCondition: which requests the API server still sends to admission.

Evaluated with celpy (the API server uses cel-go; this expression uses nothing where the two
differ).  That the API server accepts the expression is proven by every cluster test, which
installs the configuration; that spec updates are still refused is in tests/cluster/test_webhook.
"""

from __future__ import annotations

from typing import Any

import celpy
import pytest
from celpy.adapter import json_to_cel

from airunway.controller.webhook.registration import webhook_configurations

SPEC = {"model": {"id": "org/model"}, "engine": {"type": "vllm"}}


def _condition() -> str:
    expressions = {
        condition["expression"]
        for config in webhook_configurations(b"", service_namespace="ns")
        for hook in config["webhooks"]
        for condition in hook["matchConditions"]
    }
    (expression,) = expressions  # both webhooks share it
    return str(expression)


def _sent(operation: str, old: dict[str, Any] | None, new: dict[str, Any]) -> bool:
    env = celpy.Environment()
    program = env.program(env.compile(_condition()))
    activation = {
        "request": json_to_cel({"operation": operation}),
        "object": json_to_cel(new),
        "oldObject": json_to_cel(old),
    }
    return bool(program.evaluate(activation))


def _md(spec: dict[str, Any], **metadata: Any) -> dict[str, Any]:
    return {"metadata": {"name": "m", **metadata}, "spec": spec}


@pytest.mark.parametrize(
    ("operation", "old", "new", "sent"),
    [
        ("CREATE", None, _md(SPEC), True),
        ("UPDATE", _md(SPEC), _md(SPEC | {"engine": {"type": "sglang"}}), True),
        ("UPDATE", _md(SPEC), _md(SPEC, annotations={"a": "b"}), True),
        ("UPDATE", _md(SPEC, annotations={"a": "b"}), _md(SPEC), True),
        ("UPDATE", _md(SPEC), _md(SPEC, finalizers=["airunway.ai/vllm-cleanup"]), False),
        ("UPDATE", _md(SPEC, labels={"x": "1"}), _md(SPEC, labels={"x": "2"}), False),
        ("UPDATE", _md(SPEC, annotations={"a": "b"}), _md(SPEC, annotations={"a": "b"}), False),
    ],
    ids=[
        "create",
        "spec-change",
        "annotation-added",
        "annotation-removed",
        "finalizer-only",
        "label-only",
        "same-annotations",
    ],
)
def test_only_updates_of_spec_or_annotations_reach_admission(
    operation: str, old: dict[str, Any] | None, new: dict[str, Any], *, sent: bool
) -> None:
    assert _sent(operation, old, new) is sent
