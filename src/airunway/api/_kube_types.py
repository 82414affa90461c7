"""Kubernetes-owned shapes embedded in the airunway.ai kinds: Condition, EnvVar, Toleration.

The reference embeds ``metav1.Condition``, ``corev1.EnvVar`` and ``corev1.Toleration``, so its CRD
carries their upstream OpenAPI schemas. These models reproduce the same fields, types, defaults,
required lists, constraints and ``x-kubernetes-map-type: atomic`` markers, so our CRD accepts and
rejects exactly what the reference does; they live apart from our own kinds because their shape is
dictated by Kubernetes, not by us. Descriptions are short paraphrases of the upstream ones.
"""

from pydantic import ConfigDict, Field, StrictBool, StrictStr

from airunway.api._base import Int64, NonNegativeInt64, Quantity, StrictModel, Timestamp
from airunway.api.enums import ConditionStatus

CONDITION_TYPE_PATTERN = (
    r"^([a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*/)?"
    r"(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])$"
)
CONDITION_REASON_PATTERN = r"^[A-Za-z]([A-Za-z0-9_,:]*[A-Za-z0-9_])?$"

_ATOMIC = ConfigDict(json_schema_extra={"x-kubernetes-map-type": "atomic"})


class Condition(StrictModel):
    """Condition contains details for one aspect of the current state of this API Resource."""

    type: StrictStr = Field(
        max_length=316,
        pattern=CONDITION_TYPE_PATTERN,
        description="type of condition in CamelCase or in foo.example.com/CamelCase.",
    )
    status: ConditionStatus = Field(
        description="status of the condition, one of True, False, Unknown."
    )
    observed_generation: NonNegativeInt64 | None = Field(
        default=None,
        description=(
            "observedGeneration is the .metadata.generation that the condition was set based "
            "upon; a value lower than the object's generation means the condition is out of date."
        ),
    )
    last_transition_time: Timestamp = Field(
        description=(
            "lastTransitionTime is the last time the condition transitioned from one status "
            "to another."
        )
    )
    reason: StrictStr = Field(
        min_length=1,
        max_length=1024,
        pattern=CONDITION_REASON_PATTERN,
        description=(
            "reason is a programmatic CamelCase identifier for the condition's last transition. "
            "This field may not be empty."
        ),
    )
    message: StrictStr = Field(
        max_length=32768,
        description="message is a human readable message about the transition; it may be empty.",
    )


class ConfigMapKeySelector(StrictModel):
    """Selects a key of a ConfigMap."""

    model_config = _ATOMIC

    key: StrictStr = Field(description="The key to select.")
    name: StrictStr = Field(default="", description="Name of the referent ConfigMap.")
    optional: StrictBool | None = Field(
        default=None, description="Specify whether the ConfigMap or its key must be defined."
    )


class SecretKeySelector(StrictModel):
    """Selects a key of a secret in the pod's namespace."""

    model_config = _ATOMIC

    key: StrictStr = Field(description="The key of the secret to select from.")
    name: StrictStr = Field(default="", description="Name of the referent Secret.")
    optional: StrictBool | None = Field(
        default=None, description="Specify whether the Secret or its key must be defined."
    )


class ObjectFieldSelector(StrictModel):
    """Selects a field of the pod (metadata.name, metadata.namespace, status.podIP, ...)."""

    model_config = _ATOMIC

    api_version: StrictStr | None = Field(
        default=None,
        description='Version of the schema the FieldPath is written in terms of ("v1" if empty).',
    )
    field_path: StrictStr = Field(
        description="Path of the field to select in the specified API version."
    )


class ResourceFieldSelector(StrictModel):
    """Selects a resource (limits or requests of cpu, memory, ephemeral-storage) of a container."""

    model_config = _ATOMIC

    container_name: StrictStr | None = Field(
        default=None, description="Container name: required for volumes, optional for env vars."
    )
    divisor: Quantity | None = Field(
        default=None,
        description='Specifies the output format of the exposed resources, defaults to "1".',
    )
    resource: StrictStr = Field(description="Required: resource to select.")


class FileKeySelector(StrictModel):
    """Selects a key of an env file (requires the EnvFiles feature gate)."""

    model_config = _ATOMIC

    key: StrictStr = Field(description="The key within the env file.")
    optional: StrictBool = Field(
        default=False,
        description="Specify whether the file or its key must be defined; if true and missing, "
        "the variable is not set.",
    )
    path: StrictStr = Field(
        description="Relative path within the volume from which to select the file."
    )
    volume_name: StrictStr = Field(
        description="The name of the volume mount containing the env file."
    )


class EnvVarSource(StrictModel):
    """Source for the environment variable's value. Cannot be used if value is not empty."""

    config_map_key_ref: ConfigMapKeySelector | None = Field(
        default=None, description="Selects a key of a ConfigMap."
    )
    field_ref: ObjectFieldSelector | None = Field(
        default=None, description="Selects a field of the pod."
    )
    file_key_ref: FileKeySelector | None = Field(
        default=None, description="Selects a key of the env file."
    )
    resource_field_ref: ResourceFieldSelector | None = Field(
        default=None, description="Selects a resource of the container."
    )
    secret_key_ref: SecretKeySelector | None = Field(
        default=None, description="Selects a key of a secret in the pod's namespace."
    )


class EnvVar(StrictModel):
    """EnvVar represents an environment variable present in a Container."""

    name: StrictStr = Field(
        description="Name of the environment variable (printable ASCII characters except '=')."
    )
    value: StrictStr | None = Field(
        default=None,
        description=(
            "Value of the variable. $(VAR_NAME) references are expanded using previously defined "
            'variables; $$ escapes a reference. Defaults to "".'
        ),
    )
    value_from: EnvVarSource | None = Field(
        default=None,
        description="Source for the environment variable's value. Cannot be used if value is set.",
    )


class Toleration(StrictModel):
    """A Toleration lets the pod tolerate any taint matching <key,value,effect> with <operator>."""

    effect: StrictStr | None = Field(
        default=None,
        description=(
            "Effect is the taint effect to match (NoSchedule, PreferNoSchedule, NoExecute); "
            "empty matches all effects."
        ),
    )
    key: StrictStr | None = Field(
        default=None,
        description="Key is the taint key to match; empty (with operator Exists) matches all keys.",
    )
    operator: StrictStr | None = Field(
        default=None,
        description="Operator is Exists, Equal, Lt or Gt; defaults to Equal.",
    )
    toleration_seconds: Int64 | None = Field(
        default=None,
        description=(
            "TolerationSeconds is how long a NoExecute taint is tolerated; unset means forever."
        ),
    )
    value: StrictStr | None = Field(
        default=None,
        description="Value is the taint value to match; empty when the operator is Exists.",
    )
