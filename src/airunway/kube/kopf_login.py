"""Credentials for kopf's own API client, from the same kubeconfig our client uses.

kopf watches through its own HTTP client; giving it the connection from our kubeconfig (client
certificate or bearer token) keeps one identity per process, so RBAC tests of the controller's
ServiceAccount cover its watches as well as its writes.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import kopf
import yaml


def _resolve(base: Path, value: str | None) -> str | None:
    if not value:
        return None
    path = Path(value)
    return str(path if path.is_absolute() else base / path)


def connection_from_kubeconfig(path: Path) -> kopf.ConnectionInfo:
    """ConnectionInfo for the current context of the kubeconfig at ``path``."""
    config: dict[str, Any] = yaml.safe_load(path.read_text())
    current = config.get("current-context")
    context = next(c["context"] for c in config["contexts"] if c["name"] == current)
    cluster = next(c["cluster"] for c in config["clusters"] if c["name"] == context["cluster"])
    user = next(u["user"] for u in config["users"] if u["name"] == context["user"])
    base = path.parent
    return kopf.ConnectionInfo(
        server=cluster["server"],
        ca_path=_resolve(base, cluster.get("certificate-authority")),
        ca_data=cluster.get("certificate-authority-data"),
        token=user.get("token"),
        certificate_path=_resolve(base, user.get("client-certificate")),
        certificate_data=user.get("client-certificate-data"),
        private_key_path=_resolve(base, user.get("client-key")),
        private_key_data=user.get("client-key-data"),
        default_namespace=context.get("namespace"),
    )
