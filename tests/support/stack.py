"""A cluster of a test module's own, with AI Runway's processes started on it.

End-to-end test modules that change cluster-wide state (provider registrations, a Gateway)
bring up their own control plane, start the processes they need under the generated RBAC, and
share one admin client; this is that set-up and tear-down, written once.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from typing import Any

from airunway.devcluster.cluster import DevCluster
from airunway.devcluster.services import (
    ControllerProcess,
    service_account_kubeconfig,
    start_controller,
    start_provider,
)
from airunway.kube.client import Kube

Starter = Callable[[DevCluster], Awaitable[dict[str, ControllerProcess]]]


@dataclass
class Stack:
    """The cluster, an admin client, and the processes started on it by name."""

    cluster: DevCluster
    kube: Kube
    providers: dict[str, ControllerProcess] = field(default_factory=dict)


def phase(obj: dict[str, Any]) -> str:
    """``status.phase`` of a ModelDeployment ("" before it has one)."""
    return str((obj.get("status") or {}).get("phase") or "")


@asynccontextmanager
async def cluster_stack(
    cluster: DevCluster, start: Starter, user: str, namespaces: tuple[str, ...]
) -> AsyncIterator[Stack]:
    """Bring ``cluster`` up, ``start`` its processes, create ``namespaces``; always take it down."""
    try:
        await cluster.up()
        providers = await start(cluster)
        kube = cluster.connect(user)
        for namespace in namespaces:
            await kube.apply(
                {"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": namespace}}
            )
        yield Stack(cluster, kube, providers)
        await kube.close()
    finally:
        cluster.down()


async def controller(
    cluster: DevCluster, controller_env: dict[str, str] | None = None
) -> dict[str, ControllerProcess]:
    """The core controller under its generated RBAC."""
    rbac = cluster.settings.project_crds.parent / "rbac"
    kubeconfig = await service_account_kubeconfig(
        cluster, rbac / "controller.yaml", "controller-sa"
    )
    started = await start_controller(
        cluster, kubeconfig=kubeconfig, identity="controller", extra_env=controller_env
    )
    return {"controller": started}


async def controller_and_vllm(
    cluster: DevCluster,
    controller_env: dict[str, str] | None = None,
    provider_env: dict[str, str] | None = None,
) -> dict[str, ControllerProcess]:
    """The core controller and the Direct vLLM provider, each under its generated RBAC."""
    started = await controller(cluster, controller_env)
    rbac = cluster.settings.project_crds.parent / "rbac"
    provider_kc = await service_account_kubeconfig(cluster, rbac / "vllm-provider.yaml", "vllm-sa")
    provider = await start_provider(
        cluster, "vllm", kubeconfig=provider_kc, identity="vllm-provider", extra_env=provider_env
    )
    return {**started, "vllm": provider}
