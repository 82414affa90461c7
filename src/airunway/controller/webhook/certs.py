"""The webhook's own serving certificate in a real cluster: generated, shared, injected.

Replicas share one certificate through the Secret ``airunway-webhook-server-cert`` in the
controller's namespace: the first replica creates it (a create race is settled by the API
server: the loser reads the winner's), later ones reuse it until it nears expiry.  Its CA is
written into both webhook configurations' ``caBundle`` so the API server trusts the Service.
This plays the part of the reference's in-process cert rotator without another dependency.
"""

from __future__ import annotations

import asyncio
import base64
import datetime as dt
import logging
from pathlib import Path
from typing import Any

from airunway import tls
from airunway.controller.settings import ControllerSettings
from airunway.controller.webhook.registration import (
    MUTATING_CONFIG,
    MUTATING_NAME,
    VALIDATING_CONFIG,
    VALIDATING_NAME,
)
from airunway.kube.client import Kube
from airunway.kube.errors import ConflictError, NotFoundError

log = logging.getLogger(__name__)
SECRET = "airunway-webhook-server-cert"  # noqa: S105 - the Secret's name, not a password
RENEW_BEFORE = dt.timedelta(days=30)


def _b64(data: bytes) -> str:
    return base64.b64encode(data).decode()


def service_dns(service: str, namespace: str) -> tuple[str, ...]:
    """The names the API server uses to reach the webhook Service."""
    return (f"{service}.{namespace}.svc", f"{service}.{namespace}.svc.cluster.local")


def generate(service: str, namespace: str) -> tuple[tls.PemPair, tls.PemPair]:
    """A fresh CA and a serving certificate for the Service (one year)."""
    ca = tls.new_ca("airunway-ca")
    dns = service_dns(service, namespace)
    return ca, tls.issue(ca, tls.subject(dns[0]), tls.SERVER_AUTH, dns=dns)


def usable(data: dict[str, str], service: str, namespace: str) -> bool:
    """Whether a Secret's certificate is complete, for this Service, and not near expiry."""
    if not {"tls.crt", "tls.key", "ca.crt"} <= set(data):
        return False
    pair = tls.PemPair(base64.b64decode(data["tls.crt"]), base64.b64decode(data["tls.key"]))
    try:
        names = tls.dns_names(pair)
        left = tls.remaining(pair)
    except ValueError:
        return False
    return set(service_dns(service, namespace)) <= set(names) and left > RENEW_BEFORE


async def ensure_certificates(kube: Kube, *, namespace: str, service: str, cert_dir: Path) -> bytes:
    """Make sure the shared Secret holds a good certificate, write it to ``cert_dir``.

    Returns the CA bundle (PEM) for the webhook configurations.
    """
    data = await _read(kube, namespace)
    if data is None or not usable(data, service, namespace):
        data = await _renew(kube, namespace, service, existing=data is not None)
    await asyncio.to_thread(_write_files, cert_dir, data)
    return base64.b64decode(data["ca.crt"])


def _write_files(cert_dir: Path, data: dict[str, str]) -> None:
    cert_dir.mkdir(parents=True, exist_ok=True)
    for key in ("tls.crt", "tls.key", "ca.crt"):
        (cert_dir / key).write_bytes(base64.b64decode(data[key]))
    (cert_dir / "tls.key").chmod(0o600)


async def _read(kube: Kube, namespace: str) -> dict[str, str] | None:
    try:
        secret = await kube.get("v1", "Secret", SECRET, namespace)
    except NotFoundError:
        return None
    return dict(secret.get("data") or {})


async def _renew(kube: Kube, namespace: str, service: str, *, existing: bool) -> dict[str, str]:
    ca, serving = generate(service, namespace)
    data = {"tls.crt": _b64(serving.cert), "tls.key": _b64(serving.key), "ca.crt": _b64(ca.cert)}
    manifest: dict[str, Any] = {
        "apiVersion": "v1",
        "kind": "Secret",
        "type": "kubernetes.io/tls",
        "metadata": {"name": SECRET, "namespace": namespace},
        "data": data,
    }
    try:
        if existing:
            await kube.apply(manifest, force=True)
        else:
            await kube.create(manifest)
    except ConflictError:
        log.info("another replica wrote the webhook certificate first; using it")
        current = await _read(kube, namespace)
        if current is not None:
            return current
        raise
    log.info("webhook serving certificate written to Secret %s/%s", namespace, SECRET)
    return data


async def inject_ca_bundle(
    kube: Kube,
    ca_bundle: bytes,
    *,
    mutating: tuple[str, str] = (MUTATING_CONFIG, MUTATING_NAME),
    validating: tuple[str, str] = (VALIDATING_CONFIG, VALIDATING_NAME),
) -> None:
    """Set ``caBundle`` of our webhook in the installed configurations.

    ``webhooks`` is an atomic list for server-side apply, so the configuration is read, the one
    field changed, and the whole list written back with the read resourceVersion (a concurrent
    change makes this fail and the caller retry, instead of losing that change).
    """
    bundle = _b64(ca_bundle)
    for kind, (config, webhook) in (
        ("MutatingWebhookConfiguration", mutating),
        ("ValidatingWebhookConfiguration", validating),
    ):
        live = await kube.get("admissionregistration.k8s.io/v1", kind, config)
        hooks = live.get("webhooks") or []
        for hook in hooks:
            if hook.get("name") == webhook:
                hook.setdefault("clientConfig", {})["caBundle"] = bundle
        await kube.apply(
            {
                "apiVersion": "admissionregistration.k8s.io/v1",
                "kind": kind,
                "metadata": {
                    "name": config,
                    "resourceVersion": live["metadata"]["resourceVersion"],
                },
                "webhooks": hooks,
            },
            force=True,
        )


async def prepare(kube: Kube, settings: ControllerSettings) -> None:
    """The serving certificate, when the controller manages it: shared Secret, files, caBundle."""
    if not settings.manage_webhook_certs:
        return
    bundle = await ensure_certificates(
        kube,
        namespace=settings.namespace,
        service=settings.webhook_service_name,
        cert_dir=settings.webhook_cert_dir,
    )
    await inject_ca_bundle(kube, bundle)
