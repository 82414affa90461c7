"""In-cluster webhook certificates: one shared Secret, renewed when unusable, CA injected."""

from __future__ import annotations

import base64
from pathlib import Path

import pytest

from airunway import tls
from airunway.controller.webhook.certs import SECRET, ensure_certificates, inject_ca_bundle
from airunway.controller.webhook.registration import webhook_configurations
from airunway.kube.client import Kube

pytestmark = pytest.mark.cluster
SERVICE = "airunway-webhook-service"


async def test_replicas_share_one_certificate_and_it_is_renewed_when_unusable(
    kube: Kube, namespace: str, tmp_path: Path
) -> None:
    first = await ensure_certificates(
        kube, namespace=namespace, service=SERVICE, cert_dir=tmp_path / "a"
    )
    second = await ensure_certificates(
        kube, namespace=namespace, service=SERVICE, cert_dir=tmp_path / "b"
    )
    assert first == second  # the second replica reused the Secret
    pair = tls.PemPair(
        (tmp_path / "a" / "tls.crt").read_bytes(), (tmp_path / "a" / "tls.key").read_bytes()
    )
    assert f"{SERVICE}.{namespace}.svc" in tls.dns_names(pair)
    pair.certificate().verify_directly_issued_by(tls.PemPair(first, b"").certificate())

    secret = await kube.get("v1", "Secret", SECRET, namespace)
    secret["data"]["tls.crt"] = base64.b64encode(b"garbage").decode()
    await kube.apply(
        {
            "apiVersion": "v1",
            "kind": "Secret",
            "metadata": {"name": SECRET, "namespace": namespace},
            "data": secret["data"],
        },
        force=True,
    )
    renewed = await ensure_certificates(
        kube, namespace=namespace, service=SERVICE, cert_dir=tmp_path / "c"
    )
    assert renewed != first


async def test_ca_bundle_is_injected_into_service_webhook_configurations(
    kube: Kube, namespace: str
) -> None:
    configs = webhook_configurations(b"", service_namespace=namespace)
    names = []
    for config in configs:
        config["metadata"]["name"] = f"{namespace}-{config['metadata']['name']}"
        hook = config["webhooks"][0]
        hook["clientConfig"].pop("caBundle")
        # match nothing, so this registration can never affect other tests
        hook["objectSelector"] = {"matchLabels": {"airunway.ai/never": namespace}}
        names.append((config["metadata"]["name"], hook["name"]))
        await kube.apply(config)
    try:
        await inject_ca_bundle(kube, b"-----CA-----", mutating=names[0], validating=names[1])
        for (name, _), kind in zip(
            names, ("MutatingWebhookConfiguration", "ValidatingWebhookConfiguration"), strict=True
        ):
            live = await kube.get("admissionregistration.k8s.io/v1", kind, name)
            client = live["webhooks"][0]["clientConfig"]
            assert base64.b64decode(client["caBundle"]) == b"-----CA-----"
            assert client["service"]["name"] == SERVICE
            assert live["webhooks"][0]["failurePolicy"] == "Fail"
    finally:
        for (name, _), kind in zip(
            names, ("MutatingWebhookConfiguration", "ValidatingWebhookConfiguration"), strict=True
        ):
            await kube.delete("admissionregistration.k8s.io/v1", kind, name)
