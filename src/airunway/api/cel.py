"""Admission messages and the CEL rules that let the CRD enforce some of them by itself.

The reference puts every semantic rule in its validating webhook and ships CRDs without CEL. We
keep the webhook (it owns the rules that need other objects, annotations, warnings or the
ModelDeployment name) and additionally put into the CRD the rules that the API server can check
alone, so the API stays safe when the webhook is not running. A rule belongs here only if the
webhook enforces the same thing with the same meaning (shared/spec/controller-and-crds.md §2.4 and
§2.7) and it never rejects an object the reference webhook admits. Hence webhook-only: the
mocker-mode exceptions (V13/V15), everything that needs ``metadata.name`` or annotations (claim
and Job name lengths, the claimName-with-size rule), overrides filtering, provider compatibility,
args/extraArgs collisions, duplicate mount paths/claim names and the value of a managed volume's
size. Those last three would need length limits the reference lacks to fit the API server's
static CEL cost budget; every rule here fits it with the reference's own bounds (at most 8
volumes, 63-character volume names), as checked with the Kubernetes 1.35 CRD validator.

The message texts are the webhook's exact texts and are public constants so the webhook
re-uses them instead of retyping them. Rules are attached to models through
``json_schema_extra=validations(...)``; ``crdgen`` copies them into the schema unchanged.
"""

from dataclasses import dataclass
from typing import Any, Final, Literal

from airunway.api.constants import (
    MAX_CPU,
    MAX_GPU_COUNT,
    MAX_MEMORY,
    MAX_REPLICAS,
    MAX_STORAGE_VOLUMES,
    SYSTEM_MOUNT_PATHS,
)

Reason = Literal["FieldValueInvalid", "FieldValueForbidden", "FieldValueRequired"]

# --- webhook messages (exact texts, §2.4 and §2.7) ---------------------------------------------
MSG_NAME_HAS_DOTS: Final = (
    "name must not contain dots (dots are invalid in derived Kubernetes volume and service names)"
)
#: Format with Go-%q-quoted values (``"..."``) of spec.image and spec.engine.image.
MSG_IMAGE_CONFLICT: Final = (
    "spec.image {image} conflicts with spec.engine.image {engine_image}; remove spec.image or "
    "set both fields to the same value (spec.engine.image is preferred)"
)
MSG_MODEL_ID_REQUIRED: Final = "model.id is required when source is huggingface"
MSG_DISAGG_GPU_IN_RESOURCES: Final = (
    "cannot specify both resources.gpu and scaling.prefill/decode in disaggregated mode"
)
MSG_DISAGG_REQUIRES_SCALING: Final = "disaggregated mode requires scaling configuration"
MSG_DISAGG_REQUIRES_PREFILL: Final = "disaggregated mode requires scaling.prefill"
MSG_DISAGG_REQUIRES_DECODE: Final = "disaggregated mode requires scaling.decode"
MSG_DISAGG_REQUIRES_PREFILL_GPU: Final = "disaggregated mode requires scaling.prefill.gpu.count > 0"
MSG_DISAGG_REQUIRES_DECODE_GPU: Final = "disaggregated mode requires scaling.decode.gpu.count > 0"
MSG_INVALID_QUANTITY: Final = "invalid resource quantity"
MSG_EXCEEDS_MAXIMUM: Final = "exceeds maximum allowed ({limit})"
MSG_CLAIM_NAME_REQUIRED: Final = (
    "claimName is required when size is not set (must reference a pre-existing PVC)"
)
MSG_READ_ONLY_WITH_SIZE: Final = (
    "readOnly must not be true when size is set (controller-created PVCs need write access)"
)
MSG_ACCESS_MODE_WITHOUT_SIZE: Final = (
    "accessMode is only applicable when size is set (controller-created PVCs)"
)
MSG_STORAGE_CLASS_WITHOUT_SIZE: Final = (
    "storageClassName is only applicable when size is set (controller-created PVCs)"
)
MSG_MOUNT_PATH_NOT_ABSOLUTE: Final = "mountPath must be an absolute path (start with /)"
MSG_MOUNT_PATH_REQUIRED: Final = "mountPath is required when purpose is custom"
MSG_MOUNT_PATH_SYSTEM: Final = "mountPath must not overlap with system path {path}"
MSG_AT_MOST_ONE_PURPOSE: Final = "at most one volume with purpose={purpose} is allowed"
MSG_IMMUTABLE: Final = "{field} is immutable (changing it requires delete and recreate)"
MSG_MANAGED_VOLUME_REMOVED: Final = (
    'managed storage volume "{name}" cannot be removed (it has an associated PVC; delete the '
    "ModelDeployment to clean up managed storage)"
)
MSG_MANAGED_VOLUME_IMMUTABLE: Final = (
    "managed storage volume is immutable once created (delete the ModelDeployment to change "
    "managed storage configuration)"
)


@dataclass(frozen=True)
class CelRule:
    """One entry of ``x-kubernetes-validations``."""

    rule: str
    message: str
    message_expression: str | None = None
    field_path: str | None = None
    reason: Reason | None = None
    optional_old_self: bool = False

    def to_schema(self) -> dict[str, Any]:
        """Return the rule as the CRD schema spells it (defaults omitted)."""
        out: dict[str, Any] = {"rule": self.rule, "message": self.message}
        if self.message_expression is not None:
            out["messageExpression"] = self.message_expression
        if self.field_path is not None:
            out["fieldPath"] = self.field_path
        if self.reason is not None:
            out["reason"] = self.reason
        if self.optional_old_self:
            out["optionalOldSelf"] = True
        return out


def validations(*rules: CelRule) -> dict[str, Any]:
    """Return the ``json_schema_extra`` that attaches ``rules`` to a model or field schema."""
    return {"x-kubernetes-validations": [r.to_schema() for r in rules]}


def _cel_str(text: str) -> str:
    """Return ``text`` as a double-quoted CEL string literal."""
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def _opt(expr: str, field: str, default: str = '""') -> str:
    """Return CEL for ``expr.field`` that reads ``default`` when the field is absent."""
    return f"(has({expr}.{field}) ? {expr}.{field} : {default})"


def _immutable(field: str, *, expr: str, field_path: str) -> CelRule:
    return CelRule(
        rule=f"{_opt('self', expr)} == {_opt('oldSelf', expr)}",
        message=MSG_IMMUTABLE.format(field=field),
        field_path=field_path,
    )


def exceeds_maximum(limit: int) -> CelRule:
    """Return the ceiling rule for an integer field (admission rules L1, L4, L5)."""
    return CelRule(rule=f"self <= {limit}", message=MSG_EXCEEDS_MAXIMUM.format(limit=limit))


def quantity_ceiling(limit: str) -> tuple[CelRule, CelRule]:
    """Return the parse and ceiling rules of a quantity-as-string field (L2, L3, L5)."""
    return (
        CelRule(rule='self == "" || isQuantity(self)', message=MSG_INVALID_QUANTITY),
        CelRule(
            rule=(
                'self == "" || !isQuantity(self) || '
                f"quantity(self).compareTo(quantity({_cel_str(limit)})) <= 0"
            ),
            message=MSG_EXCEEDS_MAXIMUM.format(limit=limit),
        ),
    )


GPU_COUNT_CEILING: Final = exceeds_maximum(MAX_GPU_COUNT)
REPLICAS_CEILING: Final = exceeds_maximum(MAX_REPLICAS)
CPU_RULES: Final = quantity_ceiling(MAX_CPU)
MEMORY_RULES: Final = quantity_ceiling(MAX_MEMORY)

# --- ModelDeployment root ------------------------------------------------------------------------
_OLD_PROVIDER = (
    "((has(oldSelf.spec.provider) && has(oldSelf.spec.provider.name) && "
    'oldSelf.spec.provider.name != "") ? oldSelf.spec.provider.name : '
    "((has(oldSelf.status) && has(oldSelf.status.provider) && "
    'has(oldSelf.status.provider.name)) ? oldSelf.status.provider.name : ""))'
)
MODEL_DEPLOYMENT_ROOT_RULES: Final = (
    # V0, CREATE only: updates of objects whose name already has dots stay allowed.
    CelRule(
        rule='oldSelf.hasValue() || !self.metadata.name.contains(".")',
        message=MSG_NAME_HAS_DOTS,
        optional_old_self=True,
    ),
    # §2.7 provider.name: the old value falls back to the auto-selected status.provider.name.
    CelRule(
        rule=(
            "!has(self.spec.provider) || !has(self.spec.provider.name) || "
            f'self.spec.provider.name == "" || {_OLD_PROVIDER} == "" || '
            f"{_OLD_PROVIDER} == self.spec.provider.name"
        ),
        message=MSG_IMMUTABLE.format(field="provider.name"),
        field_path=".spec.provider.name",
    ),
)

# --- ModelDeployment spec ------------------------------------------------------------------------
_DISAGG = '(has(self.serving) && has(self.serving.mode) && self.serving.mode == "disaggregated")'


def _resolved_mode(expr: str) -> str:
    return (
        f'((has({expr}.serving) && has({expr}.serving.mode)) ? {expr}.serving.mode : "aggregated")'
    )


MODEL_DEPLOYMENT_SPEC_RULES: Final = (
    # V1
    CelRule(
        rule=(
            '!has(self.image) || self.image == "" || !has(self.engine) || '
            '!has(self.engine.image) || self.engine.image == "" || '
            "self.image == self.engine.image"
        ),
        message=(
            "spec.image conflicts with spec.engine.image; remove spec.image or set both fields "
            "to the same value (spec.engine.image is preferred)"
        ),
        message_expression=(
            r'"spec.image \"" + self.image + "\" conflicts with spec.engine.image \"" + '
            r'self.engine.image + "\"; remove spec.image or set both fields to the same value '
            r'(spec.engine.image is preferred)"'
        ),
        field_path=".engine.image",
    ),
    # V10
    CelRule(
        rule=(
            f"!{_DISAGG} || !has(self.resources) || !has(self.resources.gpu) || "
            "!has(self.resources.gpu.count) || self.resources.gpu.count <= 0"
        ),
        message=MSG_DISAGG_GPU_IN_RESOURCES,
        field_path=".resources.gpu",
    ),
    # V11, V12, V14 (V13/V15 have a mocker-mode exception the CRD cannot see)
    CelRule(
        rule=f"!{_DISAGG} || has(self.scaling)",
        message=MSG_DISAGG_REQUIRES_SCALING,
        field_path=".scaling",
        reason="FieldValueRequired",
    ),
    CelRule(
        rule=f"!{_DISAGG} || !has(self.scaling) || has(self.scaling.prefill)",
        message=MSG_DISAGG_REQUIRES_PREFILL,
        field_path=".scaling.prefill",
        reason="FieldValueRequired",
    ),
    CelRule(
        rule=f"!{_DISAGG} || !has(self.scaling) || has(self.scaling.decode)",
        message=MSG_DISAGG_REQUIRES_DECODE,
        field_path=".scaling.decode",
        reason="FieldValueRequired",
    ),
    # §2.7 engine.type: only a change between two non-empty values is rejected.
    CelRule(
        rule=(
            "!has(self.engine) || !has(self.engine.type) || !has(oldSelf.engine) || "
            "!has(oldSelf.engine.type) || self.engine.type == oldSelf.engine.type"
        ),
        message=MSG_IMMUTABLE.format(field="engine.type"),
        field_path=".engine.type",
    ),
    # §2.7 serving.mode, compared after resolving an absent mode to aggregated.
    CelRule(
        rule=f"{_resolved_mode('self')} == {_resolved_mode('oldSelf')}",
        message=MSG_IMMUTABLE.format(field="serving.mode"),
        field_path=".serving.mode",
    ),
)

# --- spec.model ----------------------------------------------------------------------------------
# Concatenating a name taken from filter() has an unbounded estimated cost, so the message finds
# the first removed managed volume by index (at most MAX_STORAGE_VOLUMES) and reads its name.
_INDICES = "[" + ", ".join(str(i) for i in range(MAX_STORAGE_VOLUMES)) + "]"


def _removed_message(old_list: str, removed: str) -> str:
    first = f"{_INDICES}.filter(i, i < size({old_list}) && {removed})[0]"
    return (
        rf'"managed storage volume \"" + {old_list}[{first}].name + "\" cannot be removed '
        r'(it has an associated PVC; delete the ModelDeployment to clean up managed storage)"'
    )


_REMOVED_MSG = MSG_MANAGED_VOLUME_REMOVED.replace(' "{name}"', "")
MODEL_SPEC_RULES: Final = (
    # V3
    CelRule(
        rule='(has(self.source) && self.source == "custom") || (has(self.id) && self.id != "")',
        message=MSG_MODEL_ID_REQUIRED,
        field_path=".id",
        reason="FieldValueRequired",
    ),
    _immutable("model.id", expr="id", field_path=".id"),
    _immutable("model.source", expr="source", field_path=".source"),
    # §2.7: dropping storage (or its volume list) must not orphan managed volumes.
    CelRule(
        rule=(
            "!has(oldSelf.storage) || !has(oldSelf.storage.volumes) || "
            "(has(self.storage) && has(self.storage.volumes)) || "
            "!oldSelf.storage.volumes.exists(o, has(o.size))"
        ),
        message=_REMOVED_MSG,
        message_expression=_removed_message(
            "oldSelf.storage.volumes", "has(oldSelf.storage.volumes[i].size)"
        ),
        field_path=".storage.volumes",
        reason="FieldValueForbidden",
    ),
)

# --- spec.model.storage.volumes (the list) --------------------------------------------------------
STORAGE_VOLUMES_RULES: Final = (
    CelRule(
        rule='self.filter(v, has(v.purpose) && v.purpose == "modelCache").size() <= 1',
        message=MSG_AT_MOST_ONE_PURPOSE.format(purpose="modelCache"),
    ),
    CelRule(
        rule='self.filter(v, has(v.purpose) && v.purpose == "compilationCache").size() <= 1',
        message=MSG_AT_MOST_ONE_PURPOSE.format(purpose="compilationCache"),
    ),
    CelRule(
        rule="oldSelf.all(o, !has(o.size) || self.exists(n, n.name == o.name))",
        message=_REMOVED_MSG,
        message_expression=_removed_message(
            "oldSelf",
            "has(oldSelf[i].size) && !self.exists(n, n.name == oldSelf[i].name)",
        ),
        reason="FieldValueForbidden",
    ),
)

# --- one storage volume --------------------------------------------------------------------------
_SYSTEM_PATHS = "[" + ", ".join(_cel_str(p) for p in SYSTEM_MOUNT_PATHS) + "]"
_SYSTEM_MATCH = 'self.mountPath == p || self.mountPath.startsWith(p + "/")'
STORAGE_VOLUME_RULES: Final = (
    CelRule(
        rule='has(self.size) || (has(self.claimName) && self.claimName != "")',
        message=MSG_CLAIM_NAME_REQUIRED,
        field_path=".claimName",
        reason="FieldValueRequired",
    ),
    CelRule(
        rule="!has(self.size) || !has(self.readOnly) || !self.readOnly",
        message=MSG_READ_ONLY_WITH_SIZE,
        field_path=".readOnly",
    ),
    CelRule(
        rule="!has(self.accessMode) || has(self.size)",
        message=MSG_ACCESS_MODE_WITHOUT_SIZE,
        field_path=".accessMode",
    ),
    CelRule(
        rule="!has(self.storageClassName) || has(self.size)",
        message=MSG_STORAGE_CLASS_WITHOUT_SIZE,
        field_path=".storageClassName",
    ),
    CelRule(
        rule='!has(self.mountPath) || self.mountPath == "" || self.mountPath.startsWith("/")',
        message=MSG_MOUNT_PATH_NOT_ABSOLUTE,
        field_path=".mountPath",
    ),
    CelRule(
        rule=(
            '(has(self.purpose) && self.purpose != "custom") || '
            '(has(self.mountPath) && self.mountPath != "")'
        ),
        message=MSG_MOUNT_PATH_REQUIRED,
        field_path=".mountPath",
        reason="FieldValueRequired",
    ),
    CelRule(
        rule=f"!has(self.mountPath) || !{_SYSTEM_PATHS}.exists(p, {_SYSTEM_MATCH})",
        message=MSG_MOUNT_PATH_SYSTEM.format(path="(" + ", ".join(SYSTEM_MOUNT_PATHS) + ")"),
        message_expression=(
            '"mountPath must not overlap with system path " + '
            f"{_SYSTEM_PATHS}.filter(p, {_SYSTEM_MATCH})[0]"
        ),
        field_path=".mountPath",
    ),
    # §2.7: a managed volume (old one with size) is correlated by name through the list-map key.
    # Split in two rules to keep each one's estimated cost under the per-expression limit. The
    # size value itself is compared by the webhook only: its quantity semantics (1Gi == 1024Mi)
    # need two quantity() parses of an unbounded string, which exceed the static cost budget, and
    # a raw comparison would reject respellings the webhook admits. Dropping the size is caught.
    CelRule(
        rule=(
            "!has(oldSelf.size) || ("
            f"{_opt('self', 'claimName')} == {_opt('oldSelf', 'claimName')} && "
            f"{_opt('self', 'mountPath')} == {_opt('oldSelf', 'mountPath')} && "
            "has(self.storageClassName) == has(oldSelf.storageClassName) && "
            "(!has(self.storageClassName) || self.storageClassName == oldSelf.storageClassName))"
        ),
        message=MSG_MANAGED_VOLUME_IMMUTABLE,
    ),
    CelRule(
        rule=(
            "!has(oldSelf.size) || (has(self.size) && "
            f"{_opt('self', 'purpose')} == {_opt('oldSelf', 'purpose')} && "
            f"{_opt('self', 'readOnly', 'false')} == {_opt('oldSelf', 'readOnly', 'false')} && "
            f"{_opt('self', 'accessMode')} == {_opt('oldSelf', 'accessMode')})"
        ),
        message=MSG_MANAGED_VOLUME_IMMUTABLE,
    ),
)
