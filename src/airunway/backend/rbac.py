"""Least-privilege RBAC of the backend's own ServiceAccount (``deploy/rbac/backend.yaml``).

With auth on, the backend acts as each caller for everything they ask; its own identity then
only reviews tokens and serves the public routes (cluster status, provider list, settings).
Without auth it acts for everyone, so the role also covers every route.  The playground and the
cluster tests run the backend under exactly this role.  Written by ``python -m
airunway.deploygen``.
"""

from __future__ import annotations

from typing import Any

from airunway.runtime import rbac
from airunway.runtime.rbac import Rule

NAMESPACE = rbac.NAMESPACE
SERVICE_ACCOUNT = "airunway-backend"
CLUSTER_ROLE = "airunway-backend-role"
NAMESPACED_ROLE = "airunway-backend-settings"

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


def manifests(namespace: str = NAMESPACE) -> list[dict[str, Any]]:
    """ServiceAccount, ClusterRole(+Binding), settings Role(+Binding)."""
    return rbac.manifests(
        SERVICE_ACCOUNT,
        "backend",
        (
            rbac.Grant(CLUSTER_ROLE, f"{CLUSTER_ROLE}binding", CLUSTER_RULES),
            rbac.Grant(NAMESPACED_ROLE, NAMESPACED_ROLE, NAMESPACED_RULES, namespaced=True),
        ),
        namespace,
    )
