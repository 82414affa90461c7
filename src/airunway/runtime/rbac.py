"""The RBAC manifests every AI Runway process runs under (``deploy/rbac/*.yaml``), pure.

The core controller, the backend and each provider get their own ServiceAccount, a ClusterRole
with a ClusterRoleBinding and, where they need namespaced rights, a Role with a RoleBinding in
their own namespace.  Only the names and the rules differ, so this one builder writes them all
and each component lists its rules, every one with the reason it is needed.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

NAMESPACE = "airunway-system"
RBAC_GROUP = "rbac.authorization.k8s.io"
RBAC_API_VERSION = f"{RBAC_GROUP}/v1"
Rule = tuple[list[str], list[str], list[str], str]  # apiGroups, resources, verbs, why
#: every verb on a kind a component owns (renders, watches and cleans up)
CRUD = ("get", "list", "watch", "create", "patch", "update", "delete")


def owned(group: str, plural: str, why: str, *, status: bool = True) -> tuple[Rule, ...]:
    """Full rights on ``plural`` and, with ``status``, read access to its status subresource."""
    rules: tuple[Rule, ...] = (([group], [plural], list(CRUD), why),)
    if status:
        rules += (([group], [f"{plural}/status"], ["get"], "status sync"),)
    return rules


def policy_rules(rules: tuple[Rule, ...]) -> list[dict[str, Any]]:
    """The ``rules`` of a (Cluster)Role (the reasons stay in the source)."""
    return [{"apiGroups": g, "resources": r, "verbs": v} for g, r, v, _ in rules]


@dataclass(frozen=True)
class Grant:
    """One role and its binding: a ClusterRole (``namespaced=False``) or a Role."""

    role: str
    binding: str
    rules: tuple[Rule, ...]
    namespaced: bool = False


def manifests(
    account: str, component: str, grants: tuple[Grant, ...], namespace: str = NAMESPACE
) -> list[dict[str, Any]]:
    """The ServiceAccount ``account`` in ``namespace``, then each grant's role and binding."""
    labels = {"app.kubernetes.io/name": "airunway", "app.kubernetes.io/component": component}
    out: list[dict[str, Any]] = [
        {
            "apiVersion": "v1",
            "kind": "ServiceAccount",
            "metadata": {"name": account, "namespace": namespace, "labels": labels},
        }
    ]
    subjects = [{"kind": "ServiceAccount", "name": account, "namespace": namespace}]
    for grant in grants:
        kind = "Role" if grant.namespaced else "ClusterRole"
        scope = {"namespace": namespace} if grant.namespaced else {}
        out += [
            {
                "apiVersion": RBAC_API_VERSION,
                "kind": kind,
                "metadata": {"name": grant.role, **scope, "labels": labels},
                "rules": policy_rules(grant.rules),
            },
            {
                "apiVersion": RBAC_API_VERSION,
                "kind": f"{kind}Binding",
                "metadata": {"name": grant.binding, **scope, "labels": labels},
                "roleRef": {"apiGroup": RBAC_GROUP, "kind": kind, "name": grant.role},
                "subjects": subjects,
            },
        ]
    return out
