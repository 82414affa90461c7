"""UPDATE-only rules (spec §2.7): identity fields and managed storage volumes are immutable.

Why this shape: identity fields (model id and source, engine type once set, provider once set or
auto-selected, serving mode) name *what* is deployed, and providers cannot change them in place,
so changing one is rejected rather than silently redeploying. Managed volumes own a PVC that a
provider created, so they may be neither removed nor edited. Volume equality is semantic: sizes
are compared as quantities (``1Gi`` equals ``1024Mi``), and an absent ``storageClassName`` differs
from ``""`` (cluster default class versus no class). Removals are reported in the old list's order
(the reference iterates a Go map, in random order).
"""

from __future__ import annotations

from airunway.api import ModelDeployment, StorageVolume
from airunway.api.cel import MSG_IMMUTABLE, MSG_MANAGED_VOLUME_IMMUTABLE, MSG_MANAGED_VOLUME_REMOVED
from airunway.controller.admission.field_errors import FieldError, forbidden, index, invalid
from airunway.controller.admission.quantity import QuantityError, parse_quantity
from airunway.controller.admission.storage import VOLUMES_PATH


def _immutable(path: str, value: str, field: str) -> FieldError:
    return invalid(path, value, MSG_IMMUTABLE.format(field=field))


def sizes_equal(a: str | int | None, b: str | int | None) -> bool:
    """Whether two optional quantities are both absent or have the same value."""
    if a is None or b is None:
        return a is b
    try:
        return parse_quantity(a) == parse_quantity(b)
    except QuantityError:
        return str(a) == str(b)


def volumes_equal(a: StorageVolume, b: StorageVolume) -> bool:
    """Whether two volumes are the same managed volume configuration (``storageVolumeEqual``)."""
    return (
        a.name == b.name
        and (a.claim_name or "") == (b.claim_name or "")
        and (a.mount_path or "") == (b.mount_path or "")
        and a.purpose == b.purpose
        and a.read_only == b.read_only
        and (a.access_mode or "") == (b.access_mode or "")
        and a.storage_class_name == b.storage_class_name
        and sizes_equal(a.size, b.size)
    )


def _provider_name(md: ModelDeployment, *, fall_back_to_status: bool) -> str:
    name = md.spec.provider.name if md.spec.provider is not None else None
    if not name and fall_back_to_status and md.status is not None and md.status.provider:
        name = md.status.provider.name
    return name or ""


def check_identity(old: ModelDeployment, new: ModelDeployment) -> list[FieldError]:
    """Return the errors for changed identity fields."""
    errors: list[FieldError] = []
    old_id, new_id = old.spec.model.id or "", new.spec.model.id or ""
    if old_id != new_id:
        errors.append(_immutable("spec.model.id", new_id, "model.id"))
    if old.spec.model.source != new.spec.model.source:
        errors.append(_immutable("spec.model.source", new.spec.model.source, "model.source"))
    old_engine = old.spec.engine.type if old.spec.engine is not None else None
    new_engine = new.spec.engine.type if new.spec.engine is not None else None
    if old_engine and new_engine and old_engine != new_engine:
        errors.append(_immutable("spec.engine.type", new_engine, "engine.type"))
    old_provider = _provider_name(old, fall_back_to_status=True)
    new_provider = _provider_name(new, fall_back_to_status=False)
    if old_provider and new_provider and old_provider != new_provider:
        errors.append(_immutable("spec.provider.name", new_provider, "provider.name"))
    new_mode = new.spec.resolved_serving_mode()
    if old.spec.resolved_serving_mode() != new_mode:
        errors.append(_immutable("spec.serving.mode", new_mode, "serving.mode"))
    return errors


def _volumes(md: ModelDeployment) -> list[StorageVolume]:
    storage = md.spec.model.storage
    return list(storage.volumes or []) if storage is not None else []


def check_managed_volumes(old: ModelDeployment, new: ModelDeployment) -> list[FieldError]:
    """Return the errors for removed or changed managed volumes."""
    managed = {v.name: v for v in _volumes(old) if v.size is not None}
    if not managed:
        return []
    new_volumes = _volumes(new)
    new_names = {v.name for v in new_volumes}
    errors = [
        forbidden(VOLUMES_PATH, MSG_MANAGED_VOLUME_REMOVED.format(name=name))
        for name in managed
        if name not in new_names
    ]
    errors += [
        invalid(index(VOLUMES_PATH, i), vol.name, MSG_MANAGED_VOLUME_IMMUTABLE)
        for i, vol in enumerate(new_volumes)
        if vol.name in managed and not volumes_equal(managed[vol.name], vol)
    ]
    return errors


def check_update(old: ModelDeployment, new: ModelDeployment) -> list[FieldError]:
    """Return every §2.7 error, identity fields first."""
    return check_identity(old, new) + check_managed_volumes(old, new)
