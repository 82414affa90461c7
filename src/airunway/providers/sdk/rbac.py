"""Least-privilege RBAC of a provider process (deploy/rbac/<name>-provider.yaml).

Common rules are what the shared runtime needs (spec providers.md §0.1 and our additions, each
with its reason); each provider adds the kinds it renders.  The cluster tests and the
playground run providers under exactly these roles.
"""

from __future__ import annotations

from typing import Any

NAMESPACE = "airunway-system"
Rule = tuple[list[str], list[str], list[str], str]  # apiGroups, resources, verbs, why

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
    role = f"{account}-role"
    labels = {"app.kubernetes.io/name": "airunway", "app.kubernetes.io/component": account}
    rbac = "rbac.authorization.k8s.io/v1"
    return [
        {
            "apiVersion": "v1",
            "kind": "ServiceAccount",
            "metadata": {"name": account, "namespace": NAMESPACE, "labels": labels},
        },
        {
            "apiVersion": rbac,
            "kind": "ClusterRole",
            "metadata": {"name": role, "labels": labels},
            "rules": [
                {"apiGroups": g, "resources": r, "verbs": v} for g, r, v, _ in COMMON_RULES + rules
            ],
        },
        {
            "apiVersion": rbac,
            "kind": "ClusterRoleBinding",
            "metadata": {"name": f"{account}-rolebinding", "labels": labels},
            "roleRef": {
                "apiGroup": "rbac.authorization.k8s.io",
                "kind": "ClusterRole",
                "name": role,
            },
            "subjects": [{"kind": "ServiceAccount", "name": account, "namespace": NAMESPACE}],
        },
    ]
