"""Least-privilege RBAC of a provider process (deploy/rbac/<name>-provider.yaml).

Common rules are what the shared runtime needs (spec providers.md §0.1 and our additions, each
with its reason); each provider adds the kinds it renders.  The cluster tests and the
playground run providers under exactly these roles.
"""

from __future__ import annotations

from typing import Any

from airunway.runtime import rbac
from airunway.runtime.rbac import CRUD, Rule, owned

NAMESPACE = rbac.NAMESPACE
__all__ = ["COMMON_RULES", "CRUD", "NAMESPACE", "Rule", "manifests", "owned"]

COMMON_RULES: tuple[Rule, ...] = (
    (["airunway.ai"], ["modeldeployments"], ["get", "list", "watch", "patch"], "finalizer"),
    (["airunway.ai"], ["modeldeployments/status"], ["get", "patch", "update"], "status sync"),
    (["airunway.ai"], ["modeldeployments/finalizers"], ["update"], "owner refs that block"),
    (
        ["airunway.ai"],
        ["inferenceproviderconfigs"],
        ["get", "list", "watch", "create", "patch", "update"],
        "self-registration",
    ),
    (["airunway.ai"], ["inferenceproviderconfigs/status"], ["get", "patch", "update"], "heartbeat"),
    ([""], ["events"], ["create", "patch"], "events on ModelDeployments"),
    (["coordination.k8s.io"], ["leases"], ["get", "create", "update", "patch"], "leader Lease"),
    (
        ["apiextensions.k8s.io"],
        ["customresourcedefinitions"],
        ["get", "list", "watch"],
        "kopf discovers the watched kinds by watching CRDs",
    ),
)


def manifests(name: str, rules: tuple[Rule, ...]) -> list[dict[str, Any]]:
    """ServiceAccount, ClusterRole and binding of provider ``name``."""
    account = f"airunway-{name}-provider"
    grant = rbac.Grant(f"{account}-role", f"{account}-rolebinding", COMMON_RULES + rules)
    return rbac.manifests(account, account, (grant,), NAMESPACE)
