"""Storage rules (spec §2.4 storage table): per volume in list order, then the aggregate checks.

Why this shape: a volume is either *managed* (``size`` set: a provider creates the PVC, whose
name is derived) or *referenced* (``claimName`` of a pre-existing PVC), and most rules follow
from that split. Per-volume checks are one function each in the table's order, sharing a small
``_Seen`` record for the duplicate checks, so the errors come out in the reference's order.
Lengths are counted in bytes, as Go's ``len`` counts them.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Final

from airunway.api import ModelDeployment, StorageVolume, VolumeAccessMode, VolumePurpose
from airunway.api.cel import (
    MSG_ACCESS_MODE_WITHOUT_SIZE,
    MSG_AT_MOST_ONE_PURPOSE,
    MSG_CLAIM_NAME_REQUIRED,
    MSG_MOUNT_PATH_NOT_ABSOLUTE,
    MSG_MOUNT_PATH_REQUIRED,
    MSG_MOUNT_PATH_SYSTEM,
    MSG_READ_ONLY_WITH_SIZE,
    MSG_STORAGE_CLASS_WITHOUT_SIZE,
)
from airunway.api.constants import SYSTEM_MOUNT_PATHS
from airunway.controller.admission.field_errors import (
    FieldError,
    child,
    go_quote,
    index,
    invalid,
    not_supported,
    required,
)

VOLUMES_PATH: Final = "spec.model.storage.volumes"
MAX_NAME_LENGTH: Final = 253
DOWNLOAD_JOB_SUFFIX: Final = "-model-download"
SUPPORTED_ACCESS_MODES: Final = tuple(m.value for m in VolumeAccessMode)
MSG_DUPLICATE_NAME: Final = "duplicate volume name"
MSG_DUPLICATE_MOUNT_PATH: Final = "duplicate mount path"
MSG_DUPLICATE_CLAIM_NAME: Final = "duplicate claim name"


@dataclass
class _Seen:
    """Names, mount paths and claim names of the volumes checked so far."""

    names: set[str] = field(default_factory=set)
    mount_paths: set[str] = field(default_factory=set)
    claim_names: set[str] = field(default_factory=set)


def _claim_errors(vol: StorageVolume, path: str, md_name: str) -> list[FieldError]:
    """The claim-name, read-only and derived-name-length rules."""
    errors: list[FieldError] = []
    claim = vol.claim_name or ""
    if vol.size is None and not claim:
        errors.append(required(child(path, "claimName"), MSG_CLAIM_NAME_REQUIRED))
    if vol.size is not None and vol.read_only:
        errors.append(invalid(child(path, "readOnly"), vol.read_only, MSG_READ_ONLY_WITH_SIZE))
    expected = f"{md_name}-{vol.name}"
    if vol.size is not None and claim and claim != expected:
        detail = (
            f"claimName must not be set when size is set (auto-generated as {go_quote(expected)})"
        )
        errors.append(invalid(child(path, "claimName"), claim, detail))
    resolved = vol.resolved_claim_name(md_name)
    if vol.size is not None and len(resolved.encode()) > MAX_NAME_LENGTH:
        detail = (
            f"auto-generated PVC claim name {go_quote(resolved)} exceeds the 253-character "
            f"Kubernetes name limit (got {len(resolved.encode())} characters); use a shorter "
            "ModelDeployment or volume name"
        )
        errors.append(invalid(child(path, "name"), vol.name, detail))
    return errors


def _managed_only_errors(vol: StorageVolume, path: str) -> list[FieldError]:
    """``accessMode`` and ``storageClassName`` apply to controller-created PVCs only."""
    errors: list[FieldError] = []
    if vol.access_mode:
        mode_path = child(path, "accessMode")
        # Unreachable for parsed models (the enum rejects it; see parsing), kept for models built
        # without validation.
        if str(vol.access_mode) not in SUPPORTED_ACCESS_MODES:
            errors.append(not_supported(mode_path, str(vol.access_mode), SUPPORTED_ACCESS_MODES))
        if vol.size is None:
            errors.append(invalid(mode_path, str(vol.access_mode), MSG_ACCESS_MODE_WITHOUT_SIZE))
    if vol.storage_class_name is not None and vol.size is None:
        errors.append(
            invalid(
                child(path, "storageClassName"),
                vol.storage_class_name,
                MSG_STORAGE_CLASS_WITHOUT_SIZE,
            )
        )
    return errors


def _duplicate_errors(vol: StorageVolume, path: str, seen: _Seen) -> list[FieldError]:
    errors: list[FieldError] = []
    if vol.name in seen.names:
        errors.append(invalid(child(path, "name"), vol.name, MSG_DUPLICATE_NAME))
    seen.names.add(vol.name)
    mount_path = vol.mount_path or ""
    if mount_path:
        if mount_path in seen.mount_paths:
            errors.append(invalid(child(path, "mountPath"), mount_path, MSG_DUPLICATE_MOUNT_PATH))
        seen.mount_paths.add(mount_path)
    claim = vol.claim_name or ""
    if claim:
        if claim in seen.claim_names:
            errors.append(invalid(child(path, "claimName"), claim, MSG_DUPLICATE_CLAIM_NAME))
        seen.claim_names.add(claim)
    return errors


def _mount_path_errors(vol: StorageVolume, path: str) -> list[FieldError]:
    errors: list[FieldError] = []
    mount_path = vol.mount_path or ""
    where = child(path, "mountPath")
    if mount_path and not mount_path.startswith("/"):
        errors.append(invalid(where, mount_path, MSG_MOUNT_PATH_NOT_ABSOLUTE))
    if vol.purpose == VolumePurpose.CUSTOM and not mount_path:
        errors.append(required(where, MSG_MOUNT_PATH_REQUIRED))
    for system in SYSTEM_MOUNT_PATHS:
        if mount_path == system or mount_path.startswith(system + "/"):
            errors.append(invalid(where, mount_path, MSG_MOUNT_PATH_SYSTEM.format(path=system)))
            break
    return errors


def _aggregate_errors(volumes: list[StorageVolume], md_name: str) -> list[FieldError]:
    errors: list[FieldError] = []
    for purpose in (VolumePurpose.MODEL_CACHE, VolumePurpose.COMPILATION_CACHE):
        count = sum(1 for v in volumes if v.purpose == purpose)
        if count > 1:
            message = MSG_AT_MOST_ONE_PURPOSE.format(purpose=purpose.value)
            errors.append(invalid(VOLUMES_PATH, count, message))
    managed_cache = any(
        v.purpose == VolumePurpose.MODEL_CACHE and v.size is not None and not v.read_only
        for v in volumes
    )
    job = md_name + DOWNLOAD_JOB_SUFFIX
    if managed_cache and len(job.encode()) > MAX_NAME_LENGTH:
        detail = (
            f"auto-generated download Job name {go_quote(job)} exceeds the 253-character "
            f"Kubernetes name limit (got {len(job.encode())} characters); use a shorter "
            "ModelDeployment name"
        )
        errors.append(invalid("metadata.name", md_name, detail))
    return errors


def check_storage(md: ModelDeployment) -> list[FieldError]:
    """Return the storage errors of ``md`` (none without volumes)."""
    storage = md.spec.model.storage
    volumes = storage.volumes if storage is not None else None
    if not volumes:
        return []
    md_name = md.metadata.name or ""
    seen = _Seen()
    errors: list[FieldError] = []
    for i, vol in enumerate(volumes):
        path = index(VOLUMES_PATH, i)
        errors += _claim_errors(vol, path, md_name)
        errors += _managed_only_errors(vol, path)
        errors += _duplicate_errors(vol, path, seen)
        errors += _mount_path_errors(vol, path)
    return errors + _aggregate_errors(volumes, md_name)
