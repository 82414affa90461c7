"""Base classes of the API bodies: camelCase on the wire, as the reference's clients expect."""

from __future__ import annotations

from typing import Annotated, Final

from pydantic import BaseModel, ConfigDict, Field
from pydantic.alias_generators import to_camel

#: Kubernetes object names (DNS subdomain) and namespaces (DNS label), as the spec's §9.1.
NAME_PATTERN: Final = r"^[a-z0-9]([a-z0-9.-]*[a-z0-9])?$"
NAMESPACE_PATTERN: Final = r"^[a-z0-9]([a-z0-9-]*[a-z0-9])?$"

ResourceName = Annotated[str, Field(min_length=1, max_length=253, pattern=NAME_PATTERN)]
NamespaceName = Annotated[str, Field(min_length=1, max_length=63, pattern=NAMESPACE_PATTERN)]


class Schema(BaseModel):
    """A response body: camelCase JSON names, unset optional fields left out by the routes."""

    model_config = ConfigDict(
        alias_generator=to_camel, populate_by_name=True, serialize_by_alias=True
    )


class Body(Schema):
    """A request body: unknown fields and wrongly typed values are errors, never coerced."""

    model_config = ConfigDict(
        alias_generator=to_camel,
        populate_by_name=True,
        serialize_by_alias=True,
        extra="forbid",
        strict=True,
    )
