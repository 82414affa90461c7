"""kopf configuration shared by every process that watches with it.

Posting kopf's own Events is off (we record our own decisions), watch timeouts are bounded so a
silently dead connection is replaced, and kopf logs in with the same kubeconfig (or in-cluster
ServiceAccount) as the process's own client, so one identity and one RBAC role cover both.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path
from typing import Any

import kopf

from airunway.kube.kopf_login import connection_from_kubeconfig


class EventsOnlyDiffBase(kopf.DiffBaseStorage):
    """No "last handled state": our handlers are event handlers only, which never use it.

    kopf builds a deep copy of every object's essence on every watch event to detect changes for
    create/update handlers; with none registered that copy is pure cost (a tenth of a provider's
    CPU when a fleet of deployments is created at once).  A registry that ever adds a change
    handler must not use this storage.
    """

    def build(
        self,
        *,
        body: kopf.Body,
        extra_fields: Iterable[kopf.FieldSpec] | None = None,
    ) -> kopf.BodyEssence:
        """An empty essence: nothing is compared."""
        del body, extra_fields
        return kopf.BodyEssence()

    def fetch(self, *, body: kopf.Body) -> kopf.BodyEssence | None:
        """Nothing was stored."""
        del body
        return None

    def store(
        self,
        *,
        body: kopf.Body,
        patch: kopf.Patch,
        essence: kopf.BodyEssence,
    ) -> None:
        """Store nothing (no annotation is written to the object)."""
        del body, patch, essence


def new_registry(kubeconfig: Path | None) -> kopf.OperatorRegistry:
    """A kopf registry with our settings and login; callers add their watch handlers."""
    registry = kopf.OperatorRegistry()

    @kopf.on.startup(registry=registry)
    def configure(settings: kopf.OperatorSettings, **_: Any) -> None:  # noqa: ANN401
        settings.posting.enabled = False
        settings.watching.server_timeout = 300
        settings.watching.client_timeout = 330
        settings.networking.request_timeout = 30
        settings.persistence.diffbase_storage = EventsOnlyDiffBase()

    @kopf.on.login(registry=registry)
    def login(settings: kopf.OperatorSettings, **_: Any) -> kopf.ConnectionInfo:  # noqa: ANN401
        if kubeconfig is not None:
            return connection_from_kubeconfig(kubeconfig)
        info = kopf.login_with_service_account(settings=settings) or kopf.login_with_kubeconfig(
            settings=settings
        )
        if info is None:
            raise kopf.LoginError("no in-cluster service account and no kubeconfig")
        return info

    return registry
