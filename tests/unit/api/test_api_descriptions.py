"""Every model field documents itself, and the documentation reaches the generated CRDs."""

import typing
from collections.abc import Iterator
from typing import Any

from pydantic import BaseModel

from airunway.api import (
    InferenceProviderConfig,
    InferenceProviderConfigList,
    ModelDeployment,
    ModelDeploymentList,
)

ROOTS: tuple[type[BaseModel], ...] = (
    ModelDeployment,
    ModelDeploymentList,
    InferenceProviderConfig,
    InferenceProviderConfigList,
)


def _models_in(annotation: Any) -> Iterator[type[BaseModel]]:
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        yield annotation
    for arg in typing.get_args(annotation):
        yield from _models_in(arg)


def all_models() -> list[type[BaseModel]]:
    seen: dict[type[BaseModel], None] = {}
    pending = list(ROOTS)
    while pending:
        model = pending.pop()
        if model in seen:
            continue
        seen[model] = None
        for field in model.model_fields.values():
            pending.extend(_models_in(field.annotation))
    return list(seen)


def test_walk_reaches_nested_models() -> None:
    names = {m.__name__ for m in all_models()}
    assert {"StorageVolume", "Condition", "EnvVarSource", "GatewayCapabilities"} <= names


def test_every_field_of_every_model_has_a_description() -> None:
    missing = [
        f"{model.__name__}.{name}"
        for model in all_models()
        for name, field in model.model_fields.items()
        if not (field.description and field.description.strip())
    ]
    assert missing == []


def test_every_model_has_a_docstring() -> None:
    assert [m.__name__ for m in all_models() if not (m.__doc__ and m.__doc__.strip())] == []


def _undocumented(node: dict[str, Any], path: str) -> Iterator[str]:
    for name, sub in node.get("properties", {}).items():
        if path == "" and name == "metadata":
            continue  # Kubernetes' own, declared as a bare object like controller-gen does
        if not sub.get("description"):
            yield f"{path}.{name}"
        yield from _undocumented(sub, f"{path}.{name}")
    if "items" in node:
        yield from _undocumented(node["items"], f"{path}[]")


def test_every_crd_property_has_a_description(
    committed_crds: dict[str, dict[str, Any]],
) -> None:
    for name, crd in committed_crds.items():
        schema = crd["spec"]["versions"][0]["schema"]["openAPIV3Schema"]
        assert schema.get("description"), name
        assert list(_undocumented(schema, "")) == [], name
