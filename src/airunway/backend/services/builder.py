"""``DeploymentConfig`` → ModelDeployment manifest (spec §9.4), pure.

The result is parsed by ``airunway.api.ModelDeployment`` before it is returned, so a manifest
the CRD would reject never leaves this module; the preview route shows exactly what the create
route sends.
"""

from __future__ import annotations

import json
from typing import Any
from urllib.parse import quote

from airunway.api import API_VERSION, DEFAULT_GPU_RESOURCE, MODEL_DEPLOYMENT_KIND, ModelDeployment
from airunway.backend.schemas.deployment_config import (
    DeploymentConfig,
    VolumeConfig,
    effective_mount_path,
)

KAITO_DIRECT_IMAGE = "ghcr.io/kaito-project/aikit/runners/llama-cpp-cuda:latest"
AIKIT = "ghcr.io/kaito-project/aikit"
#: KAITO's premade llama.cpp images (spec §11.1), id → image.
PREMADE_IMAGES: dict[str, str] = {
    model: f"{AIKIT}/{model}"
    for model in (
        "llama3.2:1b",
        "llama3.2:3b",
        "llama3.1:8b",
        "llama3.3:70b",
        "mixtral:8x7b",
        "phi4:14b",
        "gemma2:2b",
        "qwq:32b",
        "codestral:22b",
        "gpt-oss:20b",
    )
}
_RECIPE_FIELDS = ("source", "id", "strategy", "hardware", "variant", "precision", "revision")


def resolve_kaito_image(config: DeploymentConfig) -> DeploymentConfig:
    """KAITO image resolution (§9.3 step 2): premade images and the direct GGUF runner."""
    if config.provider != "kaito":
        return config
    update: dict[str, Any] = {}
    if config.model_source == "premade" and config.premade_model and not config.image_ref:
        image = PREMADE_IMAGES.get(config.premade_model)
        if image is not None:
            update["image_ref"] = image
    elif config.model_source == "huggingface" and config.gguf_run_mode == "direct":
        update["image_ref"] = config.image_ref or KAITO_DIRECT_IMAGE
        if config.gguf_file:
            repo = "/".join(quote(s, safe="") for s in config.model_id.split("/"))
            file = "/".join(quote(s, safe="") for s in config.gguf_file.split("/"))
            args = dict(config.engine_args or {})
            args["ggufUrl"] = f"https://huggingface.co/{repo}/resolve/main/{file}"
            update["engine_args"] = args
    return config.model_copy(update=update) if update else config


def with_storage_defaults(config: DeploymentConfig) -> DeploymentConfig:
    """Fill purpose-derived mount paths, claim names and access modes (preview, §9.3 step 6)."""
    if not config.storage or not config.storage.volumes:
        return config
    volumes = []
    for vol in config.storage.volumes:
        update: dict[str, Any] = {"mount_path": effective_mount_path(vol)}
        if vol.size:
            update["claim_name"] = vol.claim_name or f"{config.name}-{vol.name}"
            update["access_mode"] = vol.access_mode or "ReadWriteMany"
        volumes.append(vol.model_copy(update=update))
    storage = config.storage.model_copy(update={"volumes": volumes})
    return config.model_copy(update={"storage": storage})


def _arg(value: Any) -> str:  # noqa: ANN401 - engine args are free-form JSON
    if isinstance(value, str):
        return value
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        return json.dumps(value)
    return json.dumps(value, separators=(",", ":"))


def _engine_type(config: DeploymentConfig) -> str:
    if config.provider == "kaito":
        if config.model_source == "vllm":
            return "vllm"
        if config.model_source in {"huggingface", "premade"}:
            return "llamacpp"
    return config.engine


def _annotations(config: DeploymentConfig) -> dict[str, str]:
    recipe = config.recipe_provenance
    if recipe is None:
        return {}
    out: dict[str, str] = {}
    for field in _RECIPE_FIELDS:
        value = getattr(recipe, field)
        if isinstance(value, str) and value.strip():
            out[f"airunway.ai/recipe.{field}"] = value.strip()
    if recipe.features:
        out["airunway.ai/recipe.features"] = json.dumps(recipe.features, separators=(",", ":"))
    if out:
        out["airunway.ai/generated-by"] = "vllm-recipe-resolver"
    return out


def _volume(vol: VolumeConfig) -> dict[str, Any]:
    optional = {
        "mountPath": vol.mount_path,
        "size": vol.size,
        "claimName": vol.claim_name,
        "storageClassName": vol.storage_class_name,
        "accessMode": vol.access_mode,
    }
    return {"name": vol.name, "purpose": vol.purpose, "readOnly": vol.read_only} | {
        k: v for k, v in optional.items() if v is not None
    }


def _gpu(count: int) -> dict[str, Any]:
    return {"count": count, "type": DEFAULT_GPU_RESOURCE}


def _scaling_and_resources(config: DeploymentConfig, spec: dict[str, Any]) -> None:
    cpu = config.compute_type == "cpu"
    memory = config.resources.memory if config.resources else None
    if config.mode == "disaggregated":
        scaling: dict[str, Any] = {}
        for role, replicas, gpus in (
            ("prefill", config.prefill_replicas, config.prefill_gpus),
            ("decode", config.decode_replicas, config.decode_gpus),
        ):
            part: dict[str, Any] = {"replicas": replicas or 1}
            if not cpu and gpus:
                part["gpu"] = _gpu(gpus)
            scaling[role] = part
        spec["scaling"] = scaling
        return
    spec["scaling"] = {"replicas": config.replicas}
    resources: dict[str, Any] | None = None
    if cpu:
        resources = {"gpu": _gpu(0)}
    elif config.resources is not None and config.resources.gpu > 0:
        resources = {"gpu": _gpu(config.resources.gpu)}
    if resources is not None:
        if memory:
            resources["memory"] = memory
        spec["resources"] = resources


def build_manifest(config: DeploymentConfig, namespace: str) -> dict[str, Any]:  # noqa: C901, PLR0912 - one branch per field of §9.4
    """The ModelDeployment for ``config`` in ``namespace``, checked against the API model."""
    model: dict[str, Any] = {"id": config.model_id, "source": "huggingface"}
    if config.served_model_name:
        model["servedName"] = config.served_model_name
    if config.storage and config.storage.volumes:
        model["storage"] = {"volumes": [_volume(v) for v in config.storage.volumes]}
    engine: dict[str, Any] = {
        "type": _engine_type(config),
        "trustRemoteCode": config.trust_remote_code,
        "enablePrefixCaching": config.enable_prefix_caching,
        "enforceEager": config.enforce_eager,
    }
    if config.context_length or config.max_model_len:
        engine["contextLength"] = config.context_length or config.max_model_len
    args = {k: _arg(v) for k, v in (config.engine_args or {}).items() if v is not None}
    if args:
        engine["args"] = args
    if config.engine_extra_args:
        engine["extraArgs"] = list(config.engine_extra_args)
    spec: dict[str, Any] = {"model": model, "engine": engine, "serving": {"mode": config.mode}}
    if config.env:
        spec["env"] = [{"name": k, "value": v} for k, v in config.env.items()]
    if config.image_ref:
        if config.provider == "vllm":
            engine["image"] = config.image_ref
        else:
            spec["image"] = config.image_ref
    overrides = dict(config.provider_overrides or {})
    if config.router_mode != "default":
        overrides["routerMode"] = config.router_mode
    if config.provider or overrides:
        provider: dict[str, Any] = {}
        if config.provider:
            provider["name"] = config.provider
        if overrides:
            provider["overrides"] = overrides
        spec["provider"] = provider
    _scaling_and_resources(config, spec)
    if config.hf_token_secret:
        spec["secrets"] = {"huggingFaceToken": config.hf_token_secret}
    if config.gateway_enabled is not None:
        spec["gateway"] = {"enabled": config.gateway_enabled}
    metadata: dict[str, Any] = {
        "name": config.name,
        "namespace": namespace,
        "labels": {
            "app.kubernetes.io/name": "airunway",
            "app.kubernetes.io/instance": config.name,
            "app.kubernetes.io/managed-by": "airunway",
        },
    }
    annotations = _annotations(config)
    if annotations:
        metadata["annotations"] = annotations
    manifest = {
        "apiVersion": API_VERSION,
        "kind": MODEL_DEPLOYMENT_KIND,
        "metadata": metadata,
        "spec": spec,
    }
    ModelDeployment.model_validate(manifest)
    return manifest
