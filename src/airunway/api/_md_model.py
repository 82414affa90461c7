"""``spec.model`` of a ModelDeployment: which model to serve and where its files live.

Split from ``modeldeployment.py`` because storage volumes carry most of the spec's rules (schema
constraints, the list-map key, per-volume and per-list CEL rules) and would otherwise push that
module past a readable size. Helpers here mirror the reference's ``ResolvedClaimName``.
"""

from pydantic import ConfigDict, Field, StrictBool, StrictStr

from airunway.api import cel
from airunway.api._base import Quantity, StrictModel
from airunway.api.constants import MAX_STORAGE_VOLUMES
from airunway.api.enums import ModelSource, VolumeAccessMode, VolumePurpose

VOLUME_NAME_PATTERN = r"^[a-z0-9]([a-z0-9\-]*[a-z0-9])?$"


class StorageVolume(StrictModel):
    """StorageVolume defines a persistent volume claim reference for model storage."""

    model_config = ConfigDict(json_schema_extra=cel.validations(*cel.STORAGE_VOLUME_RULES))

    name: StrictStr = Field(
        max_length=63,
        pattern=VOLUME_NAME_PATTERN,
        description="name is a unique identifier for this volume (DNS label format).",
    )
    claim_name: StrictStr | None = Field(
        default=None,
        description=(
            "claimName is the name of a PersistentVolumeClaim in the same namespace.\n"
            "When size is set and claimName is empty, it defaults to <md-name>-<volume-name>.\n"
            "When size is not set, claimName is required (it references a pre-existing PVC)."
        ),
    )
    mount_path: StrictStr | None = Field(
        default=None,
        description=(
            "mountPath is the absolute path where the volume is mounted in the container.\n"
            "Defaults by purpose: /model-cache for modelCache, /compilation-cache for "
            "compilationCache.\nRequired when purpose is custom."
        ),
    )
    purpose: VolumePurpose = Field(
        default=VolumePurpose.CUSTOM,
        description="purpose defines the intended use of this volume, enabling engine-aware "
        "defaults.",
    )
    read_only: StrictBool = Field(
        default=False, description="readOnly mounts the volume as read-only when true."
    )
    size: Quantity | None = Field(
        default=None,
        description=(
            'size is the requested storage size (e.g., "100Gi").\n'
            "When set, the controller creates the PVC (a managed volume, immutable once "
            "created).\nWhen not set, claimName must reference a pre-existing PVC."
        ),
    )
    storage_class_name: StrictStr | None = Field(
        default=None,
        description=(
            "storageClassName is the StorageClass of a controller-created PVC.\n"
            "When omitted the cluster's default StorageClass is used; an empty string applies "
            "no StorageClass (disables dynamic provisioning).\nOnly applicable when size is set."
        ),
    )
    access_mode: VolumeAccessMode | None = Field(
        default=None,
        description=(
            "accessMode is the access mode of a controller-created PVC.\n"
            "Defaults to ReadWriteMany when size is set. Only applicable when size is set."
        ),
    )

    def resolved_claim_name(self, deployment_name: str) -> str:
        """Return ``claimName``, or ``<deployment_name>-<name>`` when it is empty.

        Parameters
        ----------
        deployment_name
            ``metadata.name`` of the ModelDeployment that owns the volume.

        Returns
        -------
        str
            The PersistentVolumeClaim name the volume mounts.
        """
        return self.claim_name or f"{deployment_name}-{self.name}"


class StorageSpec(StrictModel):
    """StorageSpec defines persistent storage for model data."""

    volumes: list[StorageVolume] | None = Field(
        default=None,
        max_length=MAX_STORAGE_VOLUMES,
        description="volumes is a list of PVC references to mount into inference containers.",
        json_schema_extra={
            "x-kubernetes-list-type": "map",
            "x-kubernetes-list-map-keys": ["name"],
            **cel.validations(*cel.STORAGE_VOLUMES_RULES),
        },
    )


class ModelSpec(StrictModel):
    """ModelSpec identifies the model to serve."""

    model_config = ConfigDict(json_schema_extra=cel.validations(*cel.MODEL_SPEC_RULES))

    id: StrictStr | None = Field(
        default=None,
        description=(
            "id is the model identifier (e.g., a HuggingFace model ID such as "
            "Qwen/Qwen3-0.6B).\nRequired when source is huggingface. Immutable."
        ),
    )
    served_name: StrictStr | None = Field(
        default=None,
        description=(
            "servedName is the API-facing model name.\nIgnored (with a warning) for source=custom."
        ),
    )
    source: ModelSource = Field(
        default=ModelSource.HUGGINGFACE,
        description="source indicates where the model comes from. Immutable.",
    )
    storage: StorageSpec | None = Field(
        default=None,
        description=(
            "storage defines persistent storage for model data (e.g., model weights, "
            "compilation caches)."
        ),
    )
