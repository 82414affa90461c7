"""Least-privilege RBAC of the core controller (``deploy/rbac/controller.yaml``).

Each rule is here because a piece of code needs it, and says which; the cluster tests run the
controller under exactly this ServiceAccount, so a missing rule fails a test instead of
production.  Names follow the reference's kustomize output (``airunway-`` prefix).

Written to ``deploy/`` by ``python -m airunway.controller.deploy``.
"""

from __future__ import annotations

from typing import Any

NAMESPACE = "airunway-system"
SERVICE_ACCOUNT = "airunway-controller-manager"
CLUSTER_ROLE = "airunway-manager-role"
NAMESPACED_ROLE = "airunway-controller-role"
RBAC_GROUP = "rbac.authorization.k8s.io"

_WRITE = ["get", "create", "patch", "update", "delete"]
#: the gateway integration (spec §4.5): what it renders, and what the EPP Role it writes grants
#: (Kubernetes refuses to let us grant rights we do not hold)
GATEWAY_RULES: tuple[tuple[list[str], list[str], list[str], str], ...] = (
    (
        ["airunway.ai"],
        ["modeldeployments"],
        ["patch"],
        "the httproute-created / bbr-restarted annotations",
    ),
    (
        ["gateway.networking.k8s.io"],
        ["gateways"],
        ["get", "list", "watch", "update"],
        "choose the Gateway; admit MD namespaces in its listeners' allowedRoutes",
    ),
    (
        ["gateway.networking.k8s.io"],
        ["httproutes"],
        ["list", "watch", *_WRITE],
        "one HTTPRoute per MD (watched: drift)",
    ),
    (
        ["gateway.networking.k8s.io"],
        ["referencegrants"],
        _WRITE,
        "a provider pool in another namespace",
    ),
    (
        ["inference.networking.k8s.io"],
        ["inferencepools"],
        ["list", "watch", *_WRITE],
        "one InferencePool per MD (watched: drift); EPP Role",
    ),
    (
        ["inference.networking.x-k8s.io"],
        ["inferenceobjectives", "inferencemodelrewrites"],
        ["get", "list", "watch"],
        "EPP Role",
    ),
    (
        [""],
        ["pods"],
        ["get", "list", "watch", "patch"],
        "label serving pods for the pool; EPP Role",
    ),
    ([""], ["services"], _WRITE, "EPP Service; read a serving Service's ports"),
    ([""], ["serviceaccounts", "configmaps"], _WRITE, "EPP ServiceAccount and config"),
    (["apps"], ["deployments"], _WRITE, "EPP Deployment; restart the body-based router"),
    (["rbac.authorization.k8s.io"], ["roles", "rolebindings"], _WRITE, "EPP Role and binding"),
    (["coordination.k8s.io"], ["leases"], ["get", "create", "update"], "EPP Role"),
    (["networking.istio.io"], ["destinationrules"], _WRITE, "EPP DestinationRule (Istio)"),
)
#: (apiGroups, resources, verbs, why)
CLUSTER_RULES: tuple[tuple[list[str], list[str], list[str], str], ...] = (
    (["airunway.ai"], ["modeldeployments"], ["get", "list", "watch"], "watch and read MDs"),
    *GATEWAY_RULES,
    (["airunway.ai"], ["modeldeployments/status"], ["get", "patch", "update"], "core status"),
    (
        ["airunway.ai"],
        ["inferenceproviderconfigs"],
        ["get", "list", "watch", "update", "patch"],
        "selection input; the startup migration rewrites legacy capabilities",
    ),
    (
        ["airunway.ai"],
        ["inferenceproviderconfigs/status"],
        ["get", "patch", "update"],
        "SelectionRulesValid condition",
    ),
    ([""], ["events"], ["create", "patch"], "decision events on MDs in any namespace"),
    (
        ["apiextensions.k8s.io"],
        ["customresourcedefinitions"],
        ["get", "list", "watch"],
        "kopf discovers the watched kinds (and later, gateway CRDs appearing) by watching CRDs",
    ),
    (
        ["admissionregistration.k8s.io"],
        ["mutatingwebhookconfigurations", "validatingwebhookconfigurations"],
        ["get", "create", "patch", "update"],
        "register the webhooks and keep their CA bundle current (--register-webhooks-url)",
    ),
    (["events.k8s.io"], ["events"], ["create", "patch"], "same, newer API"),
)
NAMESPACED_RULES: tuple[tuple[list[str], list[str], list[str], str], ...] = (
    (["coordination.k8s.io"], ["leases"], ["get", "create", "update", "patch"], "leader Lease"),
    ([""], ["secrets"], ["get", "create", "patch"], "the shared webhook serving certificate"),
)


def _rules(rules: tuple[tuple[list[str], list[str], list[str], str], ...]) -> list[dict[str, Any]]:
    return [{"apiGroups": g, "resources": r, "verbs": v} for g, r, v, _ in rules]


def manifests(namespace: str = NAMESPACE) -> list[dict[str, Any]]:
    """ServiceAccount, ClusterRole(+Binding), leader-election Role(+Binding)."""
    subject = [{"kind": "ServiceAccount", "name": SERVICE_ACCOUNT, "namespace": namespace}]
    labels = {"app.kubernetes.io/name": "airunway", "app.kubernetes.io/component": "controller"}
    rbac = "rbac.authorization.k8s.io/v1"
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
            "metadata": {"name": "airunway-manager-rolebinding", "labels": labels},
            "roleRef": {"apiGroup": RBAC_GROUP, "kind": "ClusterRole", "name": CLUSTER_ROLE},
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
            "metadata": {
                "name": "airunway-controller-rolebinding",
                "namespace": namespace,
                "labels": labels,
            },
            "roleRef": {"apiGroup": RBAC_GROUP, "kind": "Role", "name": NAMESPACED_ROLE},
            "subjects": subject,
        },
    ]
