"""Rendering helpers shared by every provider's transform (spec providers.md §0.7).

The reference copies these into each provider; here each rule exists once, so a fix reaches all
providers.  Everything is pure and returns plain JSON-shaped dicts and lists.
"""

from __future__ import annotations

import re
from collections.abc import Collection
from typing import Any

from airunway.api import (
    DEFAULT_COMPILATION_CACHE_MOUNT_PATH,
    DEFAULT_MODEL_CACHE_MOUNT_PATH,
    ModelDeployment,
    ServingMode,
    StorageVolume,
    VolumePurpose,
)
from airunway.providers.sdk.errors import TransformError

_ARG_KEY = re.compile(r"^[A-Za-z0-9_-]+$")
_LABEL_BAD = re.compile(r"[^A-Za-z0-9._-]")

MANAGED_BY = "airunway.ai/managed-by"
DEPLOYMENT_LABEL = "airunway.ai/deployment"
MODEL_SOURCE_LABEL = "airunway.ai/model-source"
ENGINE_TYPE_LABEL = "airunway.ai/engine-type"
MODEL_DEPLOYMENT_LABEL = "airunway.ai/model-deployment"


def owner_reference(md: ModelDeployment) -> dict[str, Any]:
    """The controller owner reference every rendered object carries."""
    return md.owner_reference()


def resolved_engine(md: ModelDeployment) -> str:
    """``spec.engine.type``, else the auto-selected ``status.engine.type``."""
    return md.resolved_engine_type()


def standard_labels(md: ModelDeployment) -> dict[str, str]:
    """The four labels on every rendered object."""
    return {
        MANAGED_BY: "airunway",
        DEPLOYMENT_LABEL: md.metadata.name or "",
        MODEL_SOURCE_LABEL: str(md.spec.model.source),
        ENGINE_TYPE_LABEL: str(resolved_engine(md)),
    }


def pod_template_metadata(md: ModelDeployment) -> tuple[dict[str, str], dict[str, str]]:
    """``spec.podTemplate.metadata`` labels and annotations (empty when absent)."""
    meta = md.spec.pod_template.metadata if md.spec.pod_template is not None else None
    if meta is None:
        return {}, {}
    return dict(meta.labels or {}), dict(meta.annotations or {})


def validate_arg_key(key: str) -> None:
    """Engine arg keys must be plain flag names (no leading dash, no shell metacharacters)."""
    if not key or key.startswith("-") or not _ARG_KEY.match(key):
        raise TransformError(
            f'invalid engine arg key "{key}": must contain only alphanumeric characters, '
            "hyphens, and underscores"
        )


def engine_args(
    md: ModelDeployment, *, validate: bool = True, skip: Collection[str] = ()
) -> list[str]:
    """``spec.engine.args`` as flags, keys sorted: ``--k v`` (two tokens) or ``--k``.

    Keys in ``skip`` are left out (after validation): flags the provider renders itself.
    """
    args = (md.spec.engine.args if md.spec.engine is not None else None) or {}
    out: list[str] = []
    for key in sorted(args):
        if validate:
            validate_arg_key(key)
        if key in skip:
            continue
        value = args[key]
        out += [f"--{key}", value] if value else [f"--{key}"]
    return out


def extra_args(md: ModelDeployment) -> list[str]:
    """``spec.engine.extraArgs`` verbatim."""
    return list((md.spec.engine.extra_args if md.spec.engine is not None else None) or [])


def hf_token_env(md: ModelDeployment) -> list[dict[str, Any]]:
    """``HF_TOKEN`` from the configured secret (key ``HF_TOKEN``), or nothing."""
    secret = md.spec.secrets.hugging_face_token if md.spec.secrets is not None else None
    if not secret:
        return []
    return [
        {"name": "HF_TOKEN", "valueFrom": {"secretKeyRef": {"name": secret, "key": "HF_TOKEN"}}}
    ]


def simple_env(md: ModelDeployment) -> list[dict[str, Any]]:
    """User env as KAITO, KubeRay and llm-d render it: value, or a secretKeyRef only; + HF_TOKEN."""
    out: list[dict[str, Any]] = []
    for var in md.spec.env or []:
        item: dict[str, Any] = {"name": var.name}
        if var.value:
            item["value"] = var.value
        ref = var.value_from.secret_key_ref if var.value_from is not None else None
        if ref is not None:
            item["valueFrom"] = {"secretKeyRef": {"name": ref.name, "key": ref.key}}
        out.append(item)
    return out + hf_token_env(md)


def full_env(md: ModelDeployment) -> list[dict[str, Any]]:
    """User env as Direct vLLM renders it, then HF_TOKEN.

    Any ``valueFrom`` is kept (and preferred over ``value``); a user ``HF_TOKEN`` is dropped when a
    token secret is configured, so the secret always wins.
    """
    token = hf_token_env(md)
    out: list[dict[str, Any]] = []
    for var in md.spec.env or []:
        if token and var.name == "HF_TOKEN":
            continue
        item: dict[str, Any] = {"name": var.name}
        if var.value_from is not None:
            item["valueFrom"] = var.value_from.model_dump(by_alias=True, exclude_none=True)
        elif var.value:
            item["value"] = var.value
        out.append(item)
    return out + token


def tolerations(md: ModelDeployment) -> list[dict[str, Any]]:
    """Tolerations: key and operator always, the rest only when set."""
    out: list[dict[str, Any]] = []
    for t in md.spec.tolerations or []:
        item: dict[str, Any] = {"key": t.key or "", "operator": t.operator or ""}
        if t.value:
            item["value"] = t.value
        if t.effect:
            item["effect"] = t.effect
        if t.toleration_seconds is not None:
            item["tolerationSeconds"] = t.toleration_seconds
        out.append(item)
    return out


def sanitize_label_value(value: str) -> str:
    """A label-safe value: 63 chars, invalid chars as ``-``, no leading/trailing ``-_.``."""
    return _LABEL_BAD.sub("-", value[:63]).strip("-_.")


def gpu_count(md: ModelDeployment) -> int:
    """``spec.resources.gpu.count`` (0 when absent)."""
    resources = md.spec.resources
    if resources is None or resources.gpu is None:
        return 0
    return int(resources.gpu.count or 0)


def replicas(md: ModelDeployment) -> int:
    """``spec.scaling.replicas`` when > 0, else 1."""
    scaling = md.spec.scaling
    if scaling is not None and scaling.replicas is not None and scaling.replicas > 0:
        return int(scaling.replicas)
    return 1


def storage_volumes(md: ModelDeployment) -> list[StorageVolume]:
    """``spec.model.storage.volumes`` (empty when absent)."""
    storage = md.spec.model.storage
    return list((storage.volumes if storage is not None else None) or [])


def mount_path(volume: StorageVolume) -> str:
    """Where a volume is mounted: its ``mountPath``, else the default of its purpose, else ""."""
    if volume.mount_path:
        return volume.mount_path
    return {
        VolumePurpose.MODEL_CACHE: DEFAULT_MODEL_CACHE_MOUNT_PATH,
        VolumePurpose.COMPILATION_CACHE: DEFAULT_COMPILATION_CACHE_MOUNT_PATH,
    }.get(volume.purpose, "")


def serving_gpus_requested(md: ModelDeployment) -> bool:
    """GPUs asked for: ``resources.gpu.count`` > 0, or a prefill GPU in disaggregated mode.

    The GPU rule Dynamo and KubeRay check before anything is created (disaggregated requests
    size their GPUs per component, not in ``resources``).
    """
    if gpu_count(md) > 0:
        return True
    if md.spec.resolved_serving_mode() != ServingMode.DISAGGREGATED:
        return False
    scaling = md.spec.scaling
    prefill = scaling.prefill if scaling is not None else None
    return prefill is not None and prefill.gpu is not None and prefill.gpu.count > 0
