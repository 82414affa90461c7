"""Least-privilege RBAC of the backend's own ServiceAccount (``deploy/rbac/backend.yaml``).

With auth on, the backend acts as each caller for everything they ask; its own identity then
only reviews tokens and serves the public routes (cluster status, provider list, settings).
Without auth it acts for everyone, so the role also covers every route.  The playground and the
cluster tests run the backend under exactly this role.  Written by ``python -m
airunway.deploygen``.
"""

from __future__ import annotations

from typing import Any

NAMESPACE = "airunway-system"
SERVICE_ACCOUNT = "airunway-backend"
CLUSTER_ROLE = "airunway-backend-role"
NAMESPACED_ROLE = "airunway-backend-settings"
Rule = tuple[list[str], list[str], list[str], str]  # apiGroups, resources, verbs, why

CLUSTER_RULES: tuple[Rule, ...] = (
    (["authentication.k8s.io"], ["tokenreviews"], ["create"], "check bearer tokens (auth on)"),
    (
        ["authorization.k8s.io"],
        ["selfsubjectaccessreviews"],
        ["create"],
        "which namespaces a caller may list (a user's own client makes this call too)",
    ),
    (
        ["airunway.ai"],
        ["modeldeployments"],
        ["get", "list", "create", "delete"],
        "deployment routes (auth off)",
    ),
    (["airunway.ai"], ["inferenceproviderconfigs"], ["get", "list"], "provider list, runtimes"),
    (
        [""],
        ["namespaces", "nodes", "pods", "events", "persistentvolumeclaims"],
        ["get", "list"],
        "cluster status, nodes, capacity, pods, pending reasons, PVC list",
    ),
    ([""], ["pods/log"], ["get"], "deployment logs"),
    ([""], ["services/proxy"], ["get"], "deployment metrics through the API server"),
    ([""], ["configmaps"], ["get"], "settings; cluster-autoscaler status in kube-system"),
    (["apps"], ["deployments"], ["get", "list"], "operator and autoscaler detection"),
    (
        ["apiextensions.k8s.io"],
        ["customresourcedefinitions"],
        ["get"],
        "ModelDeployment CRD and upstream operators' CRDs (runtimes status)",
    ),
)
NAMESPACED_RULES: tuple[Rule, ...] = (
    ([""], ["configmaps"], ["create", "patch", "update"], "the settings ConfigMap (auth off)"),
)


def _rules(rules: tuple[Rule, ...]) -> list[dict[str, Any]]:
    return [{"apiGroups": g, "resources": r, "verbs": v} for g, r, v, _ in rules]


def manifests(namespace: str = NAMESPACE) -> list[dict[str, Any]]:
    """ServiceAccount, ClusterRole(+Binding), settings Role(+Binding)."""
    subject = [{"kind": "ServiceAccount", "name": SERVICE_ACCOUNT, "namespace": namespace}]
    labels = {"app.kubernetes.io/name": "airunway", "app.kubernetes.io/component": "backend"}
    rbac = "rbac.authorization.k8s.io/v1"
    group = "rbac.authorization.k8s.io"
    return [
        {
            "apiVersion": "v1",
            "kind": "ServiceAccount",
            "metadata": {"name": SERVICE_ACCOUNT, "namespace": namespace, "labels": labels},
        },
        {
            "apiVersion": rbac,
            "kind": "ClusterRole",
            "metadata": {"name": CLUSTER_ROLE, "labels": labels},
            "rules": _rules(CLUSTER_RULES),
        },
        {
            "apiVersion": rbac,
            "kind": "ClusterRoleBinding",
            "metadata": {"name": f"{CLUSTER_ROLE}binding", "labels": labels},
            "roleRef": {"apiGroup": group, "kind": "ClusterRole", "name": CLUSTER_ROLE},
            "subjects": subject,
        },
        {
            "apiVersion": rbac,
            "kind": "Role",
            "metadata": {"name": NAMESPACED_ROLE, "namespace": namespace, "labels": labels},
            "rules": _rules(NAMESPACED_RULES),
        },
        {
            "apiVersion": rbac,
            "kind": "RoleBinding",
            "metadata": {"name": NAMESPACED_ROLE, "namespace": namespace, "labels": labels},
            "roleRef": {"apiGroup": group, "kind": "Role", "name": NAMESPACED_ROLE},
            "subjects": subject,
        },
    ]
