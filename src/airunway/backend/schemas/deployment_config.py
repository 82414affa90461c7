"""``DeploymentConfig``: the create/preview body of ``/api/deployments`` and its rules (§9.2).

Strict: an unknown field, a string where a number belongs, or a name that is not a DNS name is
a 400 before anything reaches Kubernetes.  ``kaitoResourceType``, which the reference's web UI
sends and its backend drops, is accepted and ignored so that UI keeps working.
"""

from __future__ import annotations

import re
from typing import Annotated, Any, Literal

from pydantic import Field, model_validator

from airunway.api import MAX_STORAGE_VOLUMES, SYSTEM_MOUNT_PATHS
from airunway.backend.schemas.base import Body, NamespaceName, ResourceName

QUANTITY = r"^[+-]?(\d+\.?\d*|\d*\.?\d+)([eE][+-]?\d+|[KMGTPE]i?|[numkMGTPE])?$"
NonNegative = Annotated[int, Field(ge=0, le=2**31 - 1)]
Positive = Annotated[int, Field(gt=0, le=2**31 - 1)]
Text = Annotated[str, Field(max_length=4096)]
#: Environment variable names Kubernetes accepts (printable, no '=', not starting with a digit).
EnvName = Annotated[
    str, Field(min_length=1, max_length=256, pattern=r"^[-._a-zA-Z][-._a-zA-Z0-9]*$")
]


class ResourcesConfig(Body):
    """GPUs (and memory) of one replica."""

    gpu: NonNegative = Field(description="GPUs per replica.")
    memory: Text | None = Field(default=None, description="Memory per replica (quantity).")


class RecipeProvenance(Body):
    """Where a vLLM recipe that filled the form came from (recorded as annotations)."""

    source: Text | None = None
    id: Text | None = None
    strategy: Text | None = None
    hardware: Text | None = None
    variant: Text | None = None
    precision: Text | None = None
    features: list[Text] | None = Field(default=None, max_length=64)
    revision: Text | None = None


class VolumeConfig(Body):
    """One storage volume of the form."""

    name: str = Field(
        min_length=1,
        max_length=63,
        pattern=r"^[a-z0-9]([a-z0-9-]*[a-z0-9])?$",
        description="Volume name: a DNS label.",
    )
    purpose: Literal["modelCache", "compilationCache", "custom"] = "custom"
    mount_path: Text | None = None
    read_only: bool = False
    size: Annotated[str, Field(max_length=64, pattern=QUANTITY)] | None = None
    claim_name: Annotated[str, Field(max_length=253)] | None = None
    storage_class_name: Annotated[str, Field(max_length=253)] | None = None
    access_mode: (
        Literal["ReadWriteOnce", "ReadWriteMany", "ReadOnlyMany", "ReadWriteOncePod"] | None
    ) = None


class StorageConfig(Body):
    """Storage volumes of the form."""

    volumes: list[VolumeConfig] | None = Field(default=None, max_length=MAX_STORAGE_VOLUMES)


class DeploymentConfig(Body):
    """What the deploy form sends; the backend turns it into a ModelDeployment."""

    name: ResourceName = Field(description="Name of the ModelDeployment.")
    model_id: Annotated[str, Field(min_length=1, max_length=512)] = Field(
        description="Model id, e.g. a Hugging Face repo id."
    )
    engine: Literal["vllm", "sglang", "trtllm", "llamacpp"]
    namespace: NamespaceName | None = Field(
        default=None, description="Defaults to the settings' defaultNamespace."
    )
    mode: Literal["aggregated", "disaggregated"] = "aggregated"
    provider: ResourceName | None = Field(default=None, description="None: auto-selected.")
    served_model_name: Text | None = None
    router_mode: Literal["default", "kv", "round-robin"] = "default"
    replicas: NonNegative = 1
    hf_token_secret: Annotated[str, Field(max_length=253)] = ""
    context_length: Positive | None = None
    enforce_eager: bool = False
    enable_prefix_caching: bool = True
    trust_remote_code: bool = False
    resources: ResourcesConfig | None = None
    engine_args: dict[str, Any] | None = Field(default=None, max_length=256)
    engine_extra_args: list[Text] | None = Field(default=None, max_length=256)
    env: dict[EnvName, Text] | None = Field(default=None, max_length=256)
    provider_overrides: dict[str, Any] | None = None
    prefill_replicas: NonNegative | None = None
    decode_replicas: NonNegative | None = None
    prefill_gpus: NonNegative | None = None
    decode_gpus: NonNegative | None = None
    model_source: Literal["premade", "huggingface", "vllm"] | None = None
    premade_model: Text | None = None
    gguf_file: Text | None = None
    gguf_run_mode: Literal["build", "direct"] | None = None
    image_ref: Text | None = None
    compute_type: Literal["cpu", "gpu"] | None = None
    max_model_len: Positive | None = None
    gateway_enabled: bool | None = None
    recipe_provenance: RecipeProvenance | None = None
    storage: StorageConfig | None = None
    kaito_resource_type: Text | None = Field(
        default=None, description="Sent by the reference web UI; accepted and ignored."
    )

    @model_validator(mode="after")
    def _volumes(self) -> DeploymentConfig:
        issues = storage_issues(self)
        if issues:
            raise ValueError("; ".join(f"{path}: {message}" for path, message in issues))
        return self


_DNS_LABEL = re.compile(r"^[a-z0-9]([a-z0-9-]*[a-z0-9])?$")


def effective_mount_path(volume: VolumeConfig) -> str | None:
    """``mountPath``, or the purpose's default mount path."""
    if volume.mount_path:
        return volume.mount_path
    return {"modelCache": "/model-cache", "compilationCache": "/compilation-cache"}.get(
        volume.purpose
    )


def storage_issues(config: DeploymentConfig) -> list[tuple[str, str]]:  # noqa: C901, PLR0912, PLR0915 - one branch per rule of §9.2
    """The cross-volume rules of §9.2 as ``(path, message)``; empty when the volumes are fine."""
    volumes = config.storage.volumes if config.storage and config.storage.volumes else []
    issues: list[tuple[str, str]] = []
    names: set[str] = set()
    mounts: set[str] = set()
    claims: set[str] = set()
    purposes: dict[str, int] = {}
    for i, vol in enumerate(volumes):
        at = f"storage.volumes.{i}"
        if vol.name in names:
            issues.append((f"{at}.name", f'Duplicate volume name: "{vol.name}"'))
        names.add(vol.name)
        mount = effective_mount_path(vol)
        if mount is not None:
            if mount in mounts:
                issues.append((f"{at}.mountPath", f'Duplicate mount path: "{mount}"'))
            mounts.add(mount)
            if not mount.startswith("/"):
                issues.append(
                    (f"{at}.mountPath", "Mount path must be an absolute path (start with /)")
                )
            for system in SYSTEM_MOUNT_PATHS:
                if mount == system or mount.startswith(system.rstrip("/") + "/"):
                    message = f'Mount path "{mount}" conflicts with system path "{system}"'
                    issues.append((f"{at}.mountPath", message))
                    break
        elif vol.purpose == "custom":
            issues.append((f"{at}.mountPath", "Mount path is required for custom purpose volumes"))
        expected = f"{config.name}-{vol.name}"
        claim = vol.claim_name or (expected if vol.size else None)
        if claim is not None:
            if claim in claims:
                issues.append((f"{at}.claimName", f'Duplicate claim name: "{claim}"'))
            claims.add(claim)
        if vol.purpose != "custom":
            purposes[vol.purpose] = purposes.get(vol.purpose, 0) + 1
        if not vol.size and not vol.claim_name:
            message = "Claim name is required when size is not specified (existing PVC)"
            issues.append((f"{at}.claimName", message))
        if vol.size and vol.read_only:
            message = "Read-only is not allowed for controller-created PVCs (size is set)"
            issues.append((f"{at}.readOnly", message))
        if vol.size and vol.claim_name and vol.claim_name != expected:
            message = f'When size is set, claim name must be empty or match "{expected}"'
            issues.append((f"{at}.claimName", message))
        if vol.access_mode is not None and not vol.size:
            message = "Access mode is only valid when size is specified (new PVC)"
            issues.append((f"{at}.accessMode", message))
        if vol.storage_class_name is not None and not vol.size:
            message = "Storage class name is only valid when size is specified (new PVC)"
            issues.append((f"{at}.storageClassName", message))
        if vol.size and not vol.claim_name and len(expected) > 253:  # noqa: PLR2004
            message = f'Auto-generated claim name "{expected}" exceeds 253 character limit'
            issues.append((f"{at}.claimName", message))
    for purpose, count in purposes.items():
        if count > 1:
            issues.append(
                ("storage.volumes", f'Only one volume with purpose "{purpose}" is allowed')
            )
    return issues
