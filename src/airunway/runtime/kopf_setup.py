"""kopf configuration shared by every process that watches with it.

Posting kopf's own Events is off (we record our own decisions), watch timeouts are bounded so a
silently dead connection is replaced, and kopf logs in with the same kubeconfig (or in-cluster
ServiceAccount) as the process's own client, so one identity and one RBAC role cover both.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import kopf

from airunway.kube.kopf_login import connection_from_kubeconfig


def new_registry(kubeconfig: Path | None) -> kopf.OperatorRegistry:
    """A kopf registry with our settings and login; callers add their watch handlers."""
    registry = kopf.OperatorRegistry()

    @kopf.on.startup(registry=registry)
    def configure(settings: kopf.OperatorSettings, **_: Any) -> None:  # noqa: ANN401
        settings.posting.enabled = False
        settings.watching.server_timeout = 300
        settings.watching.client_timeout = 330
        settings.networking.request_timeout = 30

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
