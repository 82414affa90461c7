"""Admitting a namespace on the Gateway's listeners, and releasing it (spec §4.8).

A read-modify-write of the Gateway with its resourceVersion (a concurrent edit makes the write
fail with a conflict and the loop re-reads), so two controllers or a user editing the Gateway
never lose each other's namespaces.  The set of namespaces is the one the listener selectors
admit by name; the Gateway's own namespace always stays.
"""

from __future__ import annotations

from airunway.controller.gateway import render, rules
from airunway.controller.gateway.render import GatewayRef
from airunway.kube.client import Kube, Manifest
from airunway.kube.errors import ConflictError

ATTEMPTS = 5


class ListenerConflictError(Exception):
    """The Gateway kept changing under us."""


async def update_namespaces(
    kube: Kube, ref: GatewayRef, namespace: str, *, admit: bool
) -> Manifest | None:
    """Add (``admit``) or remove ``namespace``; the Gateway as written, None when unchanged."""
    for _ in range(ATTEMPTS):
        gateway = await kube.get(*render.GATEWAY, ref.name, ref.namespace)
        current = rules.cross_namespaces(gateway)
        wanted = current | {namespace} if admit else current - {namespace}
        if wanted == current:
            return None
        gateway["spec"]["listeners"] = rules.rewritten_listeners(gateway, wanted)
        try:
            return await kube.replace(gateway)
        except ConflictError:
            continue
    raise ListenerConflictError(f"Gateway {ref} kept changing ({ATTEMPTS} conflicts)")
