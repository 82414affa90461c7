"""The settings ConfigMap ``airunway-system/airunway-config`` (spec §3.1).

Read with the backend's identity (``GET /api/settings`` is public) and cached after the first
successful read; written with the caller's identity, so with auth on only someone allowed to
change that ConfigMap can change the settings.
"""

from __future__ import annotations

import json
import logging
from typing import Any

from airunway.backend.state import BackendState
from airunway.kube.client import Kube
from airunway.kube.errors import KubeError, NotFoundError

NAMESPACE = "airunway-system"
NAME = "airunway-config"
KEY = "config.json"
LABELS = {"app.kubernetes.io/name": "airunway", "app.kubernetes.io/managed-by": "airunway"}
log = logging.getLogger("airunway.backend")


async def get_config(state: BackendState) -> dict[str, Any]:
    """The stored settings, or the defaults when there are none (never an error)."""
    if state.config_cache is not None:
        return dict(state.config_cache)
    defaults: dict[str, Any] = {"defaultNamespace": state.settings.default_namespace}
    try:
        cm = await state.kube.get("v1", "ConfigMap", NAME, NAMESPACE)
    except NotFoundError:
        state.config_cache = defaults
        return dict(defaults)
    except KubeError as exc:
        log.warning("cannot read the settings ConfigMap: %s", exc)
        return defaults
    try:
        stored = json.loads((cm.get("data") or {}).get(KEY) or "{}")
    except ValueError:
        stored = {}
    config = defaults | (stored if isinstance(stored, dict) else {})
    state.config_cache = config
    return dict(config)


async def put_config(state: BackendState, kube: Kube, update: dict[str, Any]) -> dict[str, Any]:
    """Merge ``update`` into the stored settings and write them back."""
    config = await get_config(state) | update
    configmap = {
        "apiVersion": "v1",
        "kind": "ConfigMap",
        "metadata": {"name": NAME, "namespace": NAMESPACE, "labels": LABELS},
        "data": {KEY: json.dumps(config, indent=2)},
    }
    try:
        await kube.apply(configmap, force=True)
    except NotFoundError:  # the namespace does not exist yet
        namespace = {"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": NAMESPACE}}
        await kube.create(namespace | {"metadata": {"name": NAMESPACE, "labels": LABELS}})
        await kube.apply(configmap, force=True)
    state.config_cache = config
    return dict(config)


async def default_namespace(state: BackendState) -> str:
    """Where a deployment route without ``namespace`` looks."""
    return str(
        (await get_config(state)).get("defaultNamespace") or state.settings.default_namespace
    )
