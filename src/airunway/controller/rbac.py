"""Least-privilege RBAC of the core controller (``deploy/rbac/controller.yaml``).

Each rule is here because a piece of code needs it, and says which; the cluster tests run the
controller under exactly this ServiceAccount, so a missing rule fails a test instead of
production.  Names follow the reference's kustomize output (``airunway-`` prefix).

Written to ``deploy/`` by ``python -m airunway.controller.deploy``.
"""

from __future__ import annotations

from typing import Any

from airunway.runtime import rbac

NAMESPACE = rbac.NAMESPACE
SERVICE_ACCOUNT = "airunway-controller-manager"
CLUSTER_ROLE = "airunway-manager-role"
NAMESPACED_ROLE = "airunway-controller-role"

_WRITE = ["get", "create", "patch", "update", "delete"]
#: the gateway integration (spec §4.5): what it renders, and what the EPP Role it writes grants
#: (Kubernetes refuses to let us grant rights we do not hold)
GATEWAY_RULES: tuple[rbac.Rule, ...] = (
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
CLUSTER_RULES: tuple[rbac.Rule, ...] = (
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
NAMESPACED_RULES: tuple[rbac.Rule, ...] = (
    (["coordination.k8s.io"], ["leases"], ["get", "create", "update", "patch"], "leader Lease"),
    ([""], ["secrets"], ["get", "create", "patch"], "the shared webhook serving certificate"),
)


def manifests(namespace: str = NAMESPACE) -> list[dict[str, Any]]:
    """ServiceAccount, ClusterRole(+Binding), leader-election Role(+Binding)."""
    return rbac.manifests(
        SERVICE_ACCOUNT,
        "controller",
        (
            rbac.Grant(CLUSTER_ROLE, "airunway-manager-rolebinding", CLUSTER_RULES),
            rbac.Grant(
                NAMESPACED_ROLE,
                "airunway-controller-rolebinding",
                NAMESPACED_RULES,
                namespaced=True,
            ),
        ),
        namespace,
    )
