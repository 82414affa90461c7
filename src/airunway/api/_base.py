"""Base model, Kubernetes scalar types and the object envelope shared by every airunway.ai kind.

Why this shape:

* ``StrictModel`` forbids unknown fields, so a misspelt field fails in Python exactly where
  ``kubectl apply --validate=strict`` fails against the generated CRD. Python names are snake_case
  and the camelCase aliases are the Kubernetes JSON names; the few names ``to_camel`` cannot derive
  (``requiresCRD``, ``upstreamCRDVersion``) carry an explicit alias at the field.
* Scalars are strict (``StrictStr``, ``StrictBool``, ``Int32``…) because the API server does not
  coerce ``"1"`` to ``1``; a lax model would accept manifests the CRD rejects.
* ``Int32``/``Int64``/``Quantity``/``Timestamp`` carry their OpenAPI ``format`` and Kubernetes
  extensions in their JSON schema, so ``crdgen`` derives the CRD from the models alone, with no
  side table that could drift.
* ``metadata`` is Kubernetes' own: ``ObjectMeta`` types the handful of fields we read and keeps
  everything else (``extra="allow"``), and the CRD declares it as a bare ``type: object``.
"""

import re
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Annotated, Any, Final

from pydantic import (
    AfterValidator,
    AwareDatetime,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    GetJsonSchemaHandler,
    PlainSerializer,
    Strict,
    StrictInt,
    StrictStr,
    WithJsonSchema,
)
from pydantic.alias_generators import to_camel
from pydantic.json_schema import JsonSchemaValue
from pydantic_core import CoreSchema

#: Kubernetes resource.Quantity grammar, as the API server's OpenAPI schema spells it.
QUANTITY_PATTERN: Final = (
    r"^(\+|-)?(([0-9]+(\.[0-9]*)?)|(\.[0-9]+))(([KMGTPE]i)|[numkMGTPE]|"
    r"([eE](\+|-)?(([0-9]+(\.[0-9]*)?)|(\.[0-9]+))))?$"
)
_QUANTITY_RE: Final = re.compile(QUANTITY_PATTERN)

_INT32_MIN: Final = -(2**31)
_INT32_MAX: Final = 2**31 - 1
_INT64_MIN: Final = -(2**63)
_INT64_MAX: Final = 2**63 - 1


class StrictModel(BaseModel):
    """Base of every airunway.ai API model: unknown fields are errors, JSON names are camelCase."""

    model_config = ConfigDict(
        extra="forbid",
        alias_generator=to_camel,
        populate_by_name=True,
        serialize_by_alias=True,
    )


@dataclass(frozen=True)
class OpenAPIFormat:
    """Annotation giving an integer its OpenAPI ``format`` and dropping its implicit range.

    The range of ``int32``/``int64`` is enforced in Python (``Field(ge=..., le=...)`` next to
    this annotation) but is implied by ``format`` in OpenAPI, so ``minimum``/``maximum`` equal
    to the format's bounds are left out of the schema, as controller-gen does.
    """

    format: str
    low: int
    high: int

    def __get_pydantic_json_schema__(
        self, core_schema: CoreSchema, handler: GetJsonSchemaHandler
    ) -> JsonSchemaValue:
        """Add ``format`` and drop bounds that only restate it."""
        schema = handler(core_schema)
        schema["format"] = self.format
        if schema.get("minimum") == self.low:
            del schema["minimum"]
        if schema.get("maximum") == self.high:
            del schema["maximum"]
        return schema


_INT32 = OpenAPIFormat("int32", _INT32_MIN, _INT32_MAX)
_INT64 = OpenAPIFormat("int64", _INT64_MIN, _INT64_MAX)

# Constraints must live inside these aliases: a field-level ``Field(ge=0)`` does not override the
# alias's own ``ge``. Hence the separate non-negative variants.
Int32 = Annotated[int, Strict(), Field(ge=_INT32_MIN, le=_INT32_MAX), _INT32]
Int64 = Annotated[int, Strict(), Field(ge=_INT64_MIN, le=_INT64_MAX), _INT64]
NonNegativeInt32 = Annotated[int, Strict(), Field(ge=0, le=_INT32_MAX), _INT32]
NonNegativeInt64 = Annotated[int, Strict(), Field(ge=0, le=_INT64_MAX), _INT64]


def _check_quantity(value: int | str) -> int | str:
    if isinstance(value, str) and _QUANTITY_RE.fullmatch(value) is None:
        raise ValueError(f"{value!r} is not a Kubernetes quantity (for example 100Gi, 500m, 4)")
    return value


#: A Kubernetes ``resource.Quantity``: an integer or a quantity string, kept as written.
Quantity = Annotated[
    StrictInt | StrictStr,
    AfterValidator(_check_quantity),
    WithJsonSchema(
        {
            "anyOf": [{"type": "integer"}, {"type": "string"}],
            "pattern": QUANTITY_PATTERN,
            "x-kubernetes-int-or-string": True,
        }
    ),
]


def _format_time(value: datetime) -> str:
    return value.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def _time_text(value: object) -> object:
    """The schema says string/date-time: refuse numbers (pydantic would read Unix seconds)."""
    if isinstance(value, str | datetime):
        return value
    msg = "must be an RFC 3339 date-time string"
    raise ValueError(msg)


#: A ``metav1.Time``: timezone-aware, serialised as RFC 3339 in UTC with second precision.
Timestamp = Annotated[
    AwareDatetime,
    BeforeValidator(_time_text),
    PlainSerializer(_format_time, when_used="json"),
]


class OwnerReference(BaseModel):
    """OwnerReference identifies an owning object (metav1.OwnerReference)."""

    model_config = ConfigDict(
        extra="allow", alias_generator=to_camel, populate_by_name=True, serialize_by_alias=True
    )

    api_version: str = Field(description="API version of the owner.")
    kind: str = Field(description="Kind of the owner.")
    name: str = Field(description="Name of the owner.")
    uid: str = Field(description="UID of the owner.")
    controller: bool | None = Field(
        default=None, description="True if the owner is the managing controller."
    )
    block_owner_deletion: bool | None = Field(
        default=None,
        description="True if the owner cannot be deleted from storage before this object.",
    )


class ObjectMeta(BaseModel):
    """ObjectMeta is Kubernetes' standard object metadata (metav1.ObjectMeta).

    Only the fields this project reads are typed; any other field is kept as given.
    """

    model_config = ConfigDict(
        extra="allow", alias_generator=to_camel, populate_by_name=True, serialize_by_alias=True
    )

    name: str | None = Field(default=None, description="Name, unique within the namespace.")
    generate_name: str | None = Field(
        default=None, description="Prefix the server uses to generate a unique name."
    )
    namespace: str | None = Field(default=None, description="Namespace of a namespaced object.")
    uid: str | None = Field(default=None, description="Unique identifier set by the server.")
    resource_version: str | None = Field(
        default=None, description="Opaque version used for optimistic concurrency."
    )
    generation: int | None = Field(
        default=None, description="Sequence number of the desired state (spec) generation."
    )
    creation_timestamp: Timestamp | None = Field(
        default=None, description="Time the server created the object."
    )
    deletion_timestamp: Timestamp | None = Field(
        default=None, description="Time after which the object will be deleted."
    )
    labels: dict[str, str] | None = Field(default=None, description="Labels of the object.")
    annotations: dict[str, str] | None = Field(
        default=None, description="Annotations of the object."
    )
    finalizers: list[str] | None = Field(
        default=None, description="Finalizers that must be removed before deletion completes."
    )
    owner_references: list[OwnerReference] | None = Field(
        default=None, description="Objects this object depends on."
    )


class KubeObject(StrictModel):
    """Envelope of a Kubernetes object: apiVersion, kind and metadata.

    Kinds subclass it, narrowing ``api_version`` and ``kind`` to literals and adding spec/status.
    """

    api_version: str = Field(description="Versioned schema of this representation of an object.")
    kind: str = Field(description="REST resource this object represents, in CamelCase.")
    metadata: ObjectMeta = Field(
        default_factory=ObjectMeta, description="Standard Kubernetes object metadata."
    )

    def to_kube(self) -> dict[str, Any]:
        """Return the object as Kubernetes JSON, with only the fields that were set.

        ``apiVersion`` and ``kind`` are always present; fields left at their default are omitted
        so that the API server, not this client, applies the CRD's defaults.

        Returns
        -------
        dict[str, Any]
            A JSON-compatible body suitable for create, update or server-side apply.
        """
        body = self.model_dump(mode="json", exclude_unset=True, exclude_none=True)
        # metadata is default-constructed: fields set on it later must count even though the
        # metadata field itself was never assigned.
        metadata = self.metadata.model_dump(mode="json", exclude_unset=True, exclude_none=True)
        return {"apiVersion": self.api_version, "kind": self.kind, **body, "metadata": metadata}
