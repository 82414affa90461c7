"""ServiceAccount tokens, TokenReview, RBAC and URL-registered admission webhooks work."""

from __future__ import annotations

import base64
import json
import ssl
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest

from airunway.devcluster.cluster import DevCluster
from airunway.kube.client import Kube
from airunway.kube.errors import ForbiddenError, KubeError
from airunway.kube.tokens import create_token, review_token
from airunway.kube.wait import wait_for

pytestmark = pytest.mark.cluster


async def _grant_configmap_reader(kube: Kube, namespace: str) -> None:
    await kube.apply(
        {
            "apiVersion": "v1",
            "kind": "ServiceAccount",
            "metadata": {"name": "reader", "namespace": namespace},
        }
    )
    await kube.apply(
        {
            "apiVersion": "rbac.authorization.k8s.io/v1",
            "kind": "Role",
            "metadata": {"name": "configmap-reader", "namespace": namespace},
            "rules": [{"apiGroups": [""], "resources": ["configmaps"], "verbs": ["get", "list"]}],
        }
    )
    await kube.apply(
        {
            "apiVersion": "rbac.authorization.k8s.io/v1",
            "kind": "RoleBinding",
            "metadata": {"name": "reader", "namespace": namespace},
            "roleRef": {
                "apiGroup": "rbac.authorization.k8s.io",
                "kind": "Role",
                "name": "configmap-reader",
            },
            "subjects": [{"kind": "ServiceAccount", "name": "reader", "namespace": namespace}],
        }
    )


async def test_token_review_and_rbac(cluster: DevCluster, kube: Kube, namespace: str) -> None:
    await _grant_configmap_reader(kube, namespace)
    token = await create_token(kube, namespace, "reader")

    review = await review_token(kube, token)
    assert review["status"]["authenticated"] is True
    assert review["status"]["user"]["username"] == f"system:serviceaccount:{namespace}:reader"
    bogus = await review_token(kube, token[:-4] + "AAAA")
    assert not bogus["status"].get("authenticated")

    user = cluster.connect("reader", token=token)
    try:

        async def can_list() -> bool:
            try:
                await user.list("v1", "ConfigMap", namespace)
            except ForbiddenError:
                return False
            return True

        await wait_for(can_list, timeout=30, what="the RoleBinding to take effect")
        with pytest.raises(ForbiddenError) as err:
            await user.list("v1", "Secret", namespace)
        assert "secrets is forbidden" in str(err.value)
        with pytest.raises(ForbiddenError):
            await user.list("v1", "ConfigMap", "default")
        with pytest.raises(ForbiddenError):
            await user.apply(
                {
                    "apiVersion": "v1",
                    "kind": "ConfigMap",
                    "metadata": {"name": "nope", "namespace": namespace},
                }
            )
    finally:
        await user.close()


class _Webhook:
    """A tiny HTTPS admission webhook that denies ConfigMaps carrying a ``deny`` key."""

    def __init__(self, cluster: DevCluster) -> None:
        pair = cluster.pki.serving("test-webhook", dns=["localhost"], ips=["127.0.0.1"])
        self.calls: list[dict[str, Any]] = []
        calls = self.calls

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
                calls.append(body)
                request = body["request"]
                data = (request.get("object") or {}).get("data") or {}
                allowed = "deny" not in data
                review = {
                    "apiVersion": "admission.k8s.io/v1",
                    "kind": "AdmissionReview",
                    "response": {
                        "uid": request["uid"],
                        "allowed": allowed,
                        "status": {"message": "the test webhook says no"},
                    },
                }
                out = json.dumps(review).encode()
                self.send_response(200)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(out)))
                self.end_headers()
                self.wfile.write(out)

            def log_message(self, *_: object) -> None:
                return

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        context.load_cert_chain(pair.cert, pair.key)
        self.server.socket = context.wrap_socket(self.server.socket, server_side=True)
        self.port = self.server.server_address[1]
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def webhook(cluster: DevCluster) -> Iterator[_Webhook]:
    hook = _Webhook(cluster)
    yield hook
    hook.close()


async def test_validating_webhook_registered_by_url_is_called(
    cluster: DevCluster, kube: Kube, namespace: str, webhook: _Webhook
) -> None:
    name = f"{namespace}-deny"
    await kube.apply(
        {
            "apiVersion": "admissionregistration.k8s.io/v1",
            "kind": "ValidatingWebhookConfiguration",
            "metadata": {"name": name},
            "webhooks": [
                {
                    "name": "deny.test.airunway.ai",
                    "clientConfig": {
                        "url": f"https://127.0.0.1:{webhook.port}/validate",
                        "caBundle": base64.b64encode(cluster.pki.ca.cert.read_bytes()).decode(),
                    },
                    "rules": [
                        {
                            "apiGroups": [""],
                            "apiVersions": ["v1"],
                            "operations": ["CREATE", "UPDATE"],
                            "resources": ["configmaps"],
                        }
                    ],
                    "namespaceSelector": {
                        "matchLabels": {"kubernetes.io/metadata.name": namespace}
                    },
                    "failurePolicy": "Fail",
                    "sideEffects": "None",
                    "admissionReviewVersions": ["v1"],
                    "timeoutSeconds": 5,
                }
            ],
        }
    )
    denied: list[str] = []

    async def rejects() -> bool:
        try:
            await kube.apply(
                {
                    "apiVersion": "v1",
                    "kind": "ConfigMap",
                    "metadata": {"name": "probe", "namespace": namespace},
                    "data": {"deny": "yes"},
                },
                dry_run=True,
            )
        except KubeError as exc:
            denied.append(str(exc))
            return True
        return False

    try:
        await wait_for(rejects, timeout=30, what="the webhook to be active")
        assert "the test webhook says no" in denied[-1]
        allowed = await kube.apply(
            {
                "apiVersion": "v1",
                "kind": "ConfigMap",
                "metadata": {"name": "fine", "namespace": namespace},
                "data": {"ok": "yes"},
            }
        )
        assert allowed["metadata"]["name"] == "fine"
        assert any(c["request"]["name"] == "fine" for c in webhook.calls)
    finally:
        await kube.delete("admissionregistration.k8s.io/v1", "ValidatingWebhookConfiguration", name)
