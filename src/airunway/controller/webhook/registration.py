"""The Mutating/ValidatingWebhookConfiguration objects, by URL (dev cluster) or by Service.

Names, paths and policies are the reference's (spec §2.1), so tooling written for it finds the
same objects.  In the dev cluster there is no Service routing, so the API server calls the
controller on 127.0.0.1 directly; in a real cluster it goes through the webhook Service.
"""

from __future__ import annotations

import base64
from typing import Any

from airunway.api import GROUP, MODEL_DEPLOYMENT_PLURAL, VERSION
from airunway.controller.admission import VALIDATING_WEBHOOK_NAME

MUTATING_CONFIG = "airunway-mutating-webhook-configuration"
VALIDATING_CONFIG = "airunway-validating-webhook-configuration"
MUTATING_NAME = "mmodeldeployment-v1alpha1.kb.io"
VALIDATING_NAME = VALIDATING_WEBHOOK_NAME
MUTATE_PATH = "/mutate-airunway-ai-v1alpha1-modeldeployment"
VALIDATE_PATH = "/validate-airunway-ai-v1alpha1-modeldeployment"
SERVICE_NAME = "airunway-webhook-service"
ADMISSION_API = "admissionregistration.k8s.io/v1"


def _client_config(
    path: str, ca_bundle: bytes, url_base: str | None, service_namespace: str
) -> dict[str, Any]:
    """How the API server reaches ``path``: by URL when given a base, else by Service."""
    config: dict[str, Any] = {"caBundle": base64.b64encode(ca_bundle).decode()}
    if url_base is not None:
        config["url"] = f"{url_base.rstrip('/')}{path}"
    else:
        config["service"] = {
            "name": SERVICE_NAME,
            "namespace": service_namespace,
            "path": path,
            "port": 443,
        }
    return config


#: Admission looks at the spec and one annotation only (the Dynamo test-backend switch), so an
#: update that changes neither (a finalizer added or removed, a label) has nothing to default
#: or refuse: the API server skips the call.  Providers add their
#: finalizer to every deployment, and deletion removes it, so this halves the webhook calls
#: of a deployment's life; an object that no longer parses can always lose its finalizer.
_CHANGED = (
    "request.operation != 'UPDATE' || object.spec != oldObject.spec || "
    "(has(object.metadata.annotations) ? object.metadata.annotations : {}) != "
    "(has(oldObject.metadata.annotations) ? oldObject.metadata.annotations : {})"
)


def _webhook(name: str, client: dict[str, Any]) -> dict[str, Any]:
    return {
        "name": name,
        "clientConfig": client,
        "rules": [
            {
                "apiGroups": [GROUP],
                "apiVersions": [VERSION],
                "operations": ["CREATE", "UPDATE"],
                "resources": [MODEL_DEPLOYMENT_PLURAL],
                "scope": "*",
            }
        ],
        "failurePolicy": "Fail",
        "sideEffects": "None",
        "admissionReviewVersions": ["v1"],
        "timeoutSeconds": 10,
        "matchPolicy": "Equivalent",
        "matchConditions": [{"name": "spec-or-annotations-changed", "expression": _CHANGED}],
    }


def webhook_configurations(
    ca_bundle: bytes, *, url_base: str | None = None, service_namespace: str = "airunway-system"
) -> list[dict[str, Any]]:
    """Both configurations; with ``url_base`` (``https://127.0.0.1:PORT``) they call by URL."""
    mutating = _webhook(
        MUTATING_NAME,
        _client_config(MUTATE_PATH, ca_bundle, url_base, service_namespace),
    )
    mutating["reinvocationPolicy"] = "Never"
    validating = _webhook(
        VALIDATING_NAME,
        _client_config(VALIDATE_PATH, ca_bundle, url_base, service_namespace),
    )
    return [
        {
            "apiVersion": ADMISSION_API,
            "kind": "MutatingWebhookConfiguration",
            "metadata": {"name": MUTATING_CONFIG},
            "webhooks": [mutating],
        },
        {
            "apiVersion": ADMISSION_API,
            "kind": "ValidatingWebhookConfiguration",
            "metadata": {"name": VALIDATING_CONFIG},
            "webhooks": [validating],
        },
    ]
