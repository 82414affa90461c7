"""Builders and waits for ModelDeployment cluster tests."""

from __future__ import annotations

from typing import Any

from airunway.kube.client import Kube
from airunway.kube.wait import wait_for

MD_API = "airunway.ai/v1alpha1"
MD_KIND = "ModelDeployment"
IPC_KIND = "InferenceProviderConfig"


def md(name: str, namespace: str, **spec: Any) -> dict[str, Any]:
    """A ModelDeployment manifest; ``model`` defaults to a small Hugging Face model."""
    body = {"model": {"id": "Qwen/Qwen3-0.6B"}} | spec
    return {
        "apiVersion": MD_API,
        "kind": MD_KIND,
        "metadata": {"name": name, "namespace": namespace},
        "spec": body,
    }


def ipc(
    name: str, engines: list[dict[str, Any]], rules: list[dict[str, Any]] | None = None
) -> dict[str, Any]:
    """An InferenceProviderConfig manifest."""
    spec: dict[str, Any] = {"capabilities": {"engines": engines}}
    if rules is not None:
        spec["selectionRules"] = rules
    return {"apiVersion": MD_API, "kind": IPC_KIND, "metadata": {"name": name}, "spec": spec}


def engine(
    name: str, *, gpu: bool = True, cpu: bool = False, modes: tuple[str, ...] = ("aggregated",)
) -> dict[str, Any]:
    """One engine capability."""
    return {"name": name, "servingModes": list(modes), "gpuSupport": gpu, "cpuSupport": cpu}


async def register_ready(kube: Kube, manifest: dict[str, Any]) -> None:
    """Create a provider config and mark it ready, as a provider's heartbeat would."""
    await kube.apply(manifest, force=True)
    name = manifest["metadata"]["name"]
    await kube.apply_status(
        {
            "apiVersion": MD_API,
            "kind": IPC_KIND,
            "metadata": {"name": name},
            "status": {"ready": True},
        }
    )


def condition(obj: dict[str, Any], ctype: str) -> dict[str, Any] | None:
    """The condition of ``ctype`` in an object's status, if any."""
    for c in (obj.get("status") or {}).get("conditions") or []:
        if c.get("type") == ctype:
            return dict(c)
    return None


async def wait_status(
    kube: Kube,
    name: str,
    namespace: str,
    what: str,
    check: Any,
    timeout: float = 30,
) -> dict[str, Any]:
    """Wait until ``check(obj)`` is truthy for the ModelDeployment; return the object."""
    seen: dict[str, Any] = {}

    async def ready() -> bool:
        seen["obj"] = await kube.get(MD_API, MD_KIND, name, namespace)
        return bool(check(seen["obj"]))

    await wait_for(ready, timeout=timeout, what=f"{namespace}/{name}: {what}")
    obj: dict[str, Any] = seen["obj"]
    return obj
