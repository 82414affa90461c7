"""The objects of the Gateway API Inference Extension integration (spec §4.5, §4.7), pure.

Per ModelDeployment the core renders an InferencePool selecting its serving pods, an endpoint
picker (EPP: ServiceAccount, Role, RoleBinding, ConfigMap, Deployment, Service, and an Istio
DestinationRule when Istio is installed) the pool points at, and an HTTPRoute attaching the
model name to the configured Gateway.  Every object is controlled by the ModelDeployment, so
the garbage collector removes it with the ModelDeployment.  Names, ports, args and probes are
the reference's; the model-name match is on the ``X-Gateway-Model-Name`` header, which the
body-based router fills from the request body's ``model``.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from airunway.api import (
    ModelDeployment,
)

Manifest = dict[str, Any]

INFERENCE_GROUP = "inference.networking.k8s.io"
INFERENCE_API = f"{INFERENCE_GROUP}/v1"
GATEWAY_GROUP = "gateway.networking.k8s.io"
GATEWAY_API = f"{GATEWAY_GROUP}/v1"
REFERENCE_GRANT_API = f"{GATEWAY_GROUP}/v1beta1"
ISTIO_API = "networking.istio.io/v1beta1"
POOL = (INFERENCE_API, "InferencePool")
ROUTE = (GATEWAY_API, "HTTPRoute")
GATEWAY = (GATEWAY_API, "Gateway")
GRANT = (REFERENCE_GRANT_API, "ReferenceGrant")
DESTINATION_RULE = (ISTIO_API, "DestinationRule")

DEFAULT_EPP_PORT = 9002
EPP_HEALTH_PORT = 9003
GAIE_VERSION = "v1.5.0"
DEFAULT_EPP_IMAGE = f"registry.k8s.io/gateway-api-inference-extension/epp:{GAIE_VERSION}"
DEFAULT_EPP_CONFIG = (
    "apiVersion: inference.networking.x-k8s.io/v1alpha1\nkind: EndpointPickerConfig\n"
)
EPP_CONFIG_KEY = "default-plugins.yaml"
DEFAULT_TARGET_PORT = 8000
MODEL_HEADER = "X-Gateway-Model-Name"
POD_LABEL = "airunway.ai/model-deployment"
REQUEST_TIMEOUT = "300s"


@dataclass(frozen=True)
class GatewayRef:
    """The Gateway routes attach to."""

    name: str
    namespace: str

    def __str__(self) -> str:
        return f"{self.namespace}/{self.name}"


def _meta(md: ModelDeployment, name: str) -> dict[str, Any]:
    return {
        "name": name,
        "namespace": md.metadata.namespace,
        "ownerReferences": [md.owner_reference()],
    }


def epp_name(md: ModelDeployment) -> str:
    """``<md>-epp``: every object of the endpoint picker set."""
    return f"{md.metadata.name}-epp"


def epp_labels(md: ModelDeployment) -> dict[str, str]:
    """Pod labels and selectors of the EPP (its objects' own metadata carry none)."""
    return {
        "app.kubernetes.io/name": epp_name(md),
        "app.kubernetes.io/instance": md.metadata.name or "",
        "app.kubernetes.io/managed-by": "airunway",
    }


def inference_pool(md: ModelDeployment, target_port: int, epp_port: int) -> Manifest:
    """InferencePool ``<md>``: the pods labelled with the ModelDeployment, picked by its EPP."""
    return {
        "apiVersion": POOL[0],
        "kind": POOL[1],
        "metadata": _meta(md, md.metadata.name or ""),
        "spec": {
            "selector": {"matchLabels": {POD_LABEL: md.metadata.name}},
            "targetPorts": [{"number": target_port}],
            "endpointPickerRef": {"name": epp_name(md), "port": {"number": epp_port}},
        },
    }


def _epp_container(md: ModelDeployment, image: str, epp_port: int) -> dict[str, Any]:
    health = {"port": EPP_HEALTH_PORT, "service": "inference-extension"}
    return {
        "name": "epp",
        "image": image,
        "imagePullPolicy": "IfNotPresent",
        "args": [
            "--pool-name",
            md.metadata.name,
            "--pool-namespace",
            md.metadata.namespace,
            "--zap-encoder",
            "json",
            "--config-file",
            f"/config/{EPP_CONFIG_KEY}",
            "--tracing=false",
        ],
        "ports": [
            {"name": "grpc", "containerPort": epp_port},
            {"name": "grpc-health", "containerPort": EPP_HEALTH_PORT},
        ],
        "env": [
            {"name": "NAMESPACE", "valueFrom": {"fieldRef": {"fieldPath": "metadata.namespace"}}},
            {"name": "POD_NAME", "valueFrom": {"fieldRef": {"fieldPath": "metadata.name"}}},
        ],
        "livenessProbe": {
            "grpc": health,
            "initialDelaySeconds": 30,
            "periodSeconds": 10,
            "failureThreshold": 5,
        },
        "readinessProbe": {"grpc": health, "initialDelaySeconds": 10, "periodSeconds": 5},
        "volumeMounts": [{"name": "plugins-config", "mountPath": "/config"}],
    }


def _epp_role_rules() -> list[dict[str, Any]]:
    read = ["get", "watch", "list"]
    return [
        {"apiGroups": [""], "resources": ["pods"], "verbs": read},
        {"apiGroups": [INFERENCE_GROUP], "resources": ["inferencepools"], "verbs": read},
        {
            "apiGroups": ["coordination.k8s.io"],
            "resources": ["leases"],
            "verbs": ["create", "get", "update"],
        },
        {
            "apiGroups": ["inference.networking.x-k8s.io"],
            "resources": ["inferenceobjectives", "inferencemodelrewrites"],
            "verbs": read,
        },
    ]


def epp_objects(
    md: ModelDeployment, *, image: str, config_data: str, epp_port: int
) -> list[Manifest]:
    """ServiceAccount, Role, RoleBinding, ConfigMap, Deployment and Service ``<md>-epp``."""
    name = epp_name(md)
    labels = epp_labels(md)
    rbac = "rbac.authorization.k8s.io/v1"
    deployment_spec = {
        "replicas": 1,
        "strategy": {"type": "Recreate"},
        "selector": {"matchLabels": labels},
        "template": {
            "metadata": {"labels": labels},
            "spec": {
                "serviceAccountName": name,
                "terminationGracePeriodSeconds": 130,
                "containers": [_epp_container(md, image, epp_port)],
                "volumes": [{"name": "plugins-config", "configMap": {"name": name}}],
            },
        },
    }
    service_port = {
        "name": "grpc-ext-proc",
        "protocol": "TCP",
        "port": epp_port,
        "appProtocol": "kubernetes.io/h2c",
    }
    return [
        {"apiVersion": "v1", "kind": "ServiceAccount", "metadata": _meta(md, name)},
        {
            "apiVersion": rbac,
            "kind": "Role",
            "metadata": _meta(md, name),
            "rules": _epp_role_rules(),
        },
        {
            "apiVersion": rbac,
            "kind": "RoleBinding",
            "metadata": _meta(md, name),
            "roleRef": {"apiGroup": "rbac.authorization.k8s.io", "kind": "Role", "name": name},
            "subjects": [
                {"kind": "ServiceAccount", "name": name, "namespace": md.metadata.namespace}
            ],
        },
        {
            "apiVersion": "v1",
            "kind": "ConfigMap",
            "metadata": _meta(md, name),
            "data": {EPP_CONFIG_KEY: config_data or DEFAULT_EPP_CONFIG},
        },
        {
            "apiVersion": "apps/v1",
            "kind": "Deployment",
            "metadata": _meta(md, name),
            "spec": deployment_spec,
        },
        {
            "apiVersion": "v1",
            "kind": "Service",
            "metadata": _meta(md, name),
            "spec": {"type": "ClusterIP", "selector": labels, "ports": [service_port]},
        },
    ]


def destination_rule(md: ModelDeployment, name: str) -> Manifest:
    """Istio: the gateway talks TLS to the EPP without verifying its self-signed certificate."""
    return {
        "apiVersion": DESTINATION_RULE[0],
        "kind": DESTINATION_RULE[1],
        "metadata": _meta(md, name),
        "spec": {
            "host": f"{name}.{md.metadata.namespace}.svc.cluster.local",
            "trafficPolicy": {"tls": {"mode": "SIMPLE", "insecureSkipVerify": True}},
        },
    }


def http_route(
    md: ModelDeployment, gateway: GatewayRef, model_name: str, pool: tuple[str, str]
) -> Manifest:
    """HTTPRoute ``<md>``: requests for ``model_name`` through ``gateway`` go to the pool."""
    pool_name, pool_namespace = pool
    return {
        "apiVersion": ROUTE[0],
        "kind": ROUTE[1],
        "metadata": _meta(md, md.metadata.name or ""),
        "spec": {
            "parentRefs": [
                {
                    "group": GATEWAY_GROUP,
                    "kind": "Gateway",
                    "name": gateway.name,
                    "namespace": gateway.namespace,
                }
            ],
            "rules": [
                {
                    "matches": [
                        {
                            "path": {"type": "PathPrefix", "value": "/"},
                            "headers": [
                                {"type": "Exact", "name": MODEL_HEADER, "value": model_name}
                            ],
                        }
                    ],
                    "backendRefs": [
                        {
                            "group": INFERENCE_GROUP,
                            "kind": "InferencePool",
                            "name": pool_name,
                            "namespace": pool_namespace,
                        }
                    ],
                    "timeouts": {"request": REQUEST_TIMEOUT},
                }
            ],
        },
    }


def reference_grant(pool: Manifest, route_namespace: str) -> Manifest:
    """Lets HTTPRoutes of ``route_namespace`` use a provider's pool in another namespace.

    Owned by the pool (the reference's choice): it lives and dies with what it grants.
    """
    meta = pool["metadata"]
    return {
        "apiVersion": GRANT[0],
        "kind": GRANT[1],
        "metadata": {
            "name": f"{meta['name']}-referencegrant",
            "namespace": meta["namespace"],
            "ownerReferences": [
                {
                    "apiVersion": POOL[0],
                    "kind": POOL[1],
                    "name": meta["name"],
                    "uid": meta.get("uid"),
                    "controller": True,
                    "blockOwnerDeletion": True,
                }
            ],
        },
        "spec": {
            "from": [{"group": GATEWAY_GROUP, "kind": "HTTPRoute", "namespace": route_namespace}],
            "to": [{"group": INFERENCE_GROUP, "kind": "InferencePool", "name": meta["name"]}],
        },
    }
