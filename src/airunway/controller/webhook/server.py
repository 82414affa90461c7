"""HTTPS server for the ModelDeployment admission webhooks (AdmissionReview v1).

The server is transport only: it parses the review, looks up the named provider config (cache
first, then the API server: a freshly created config is never falsely rejected), calls the pure
admission functions and writes the response.  A request it cannot parse gets HTTP 400; an
unexpected exception denies the request with a clear message rather than admitting something
unchecked (the configuration's failurePolicy is Fail for the same reason).
"""

from __future__ import annotations

import logging
import ssl
from typing import Any

from aiohttp import web

from airunway.controller.settings import ControllerSettings
from airunway.controller.store import Store
from airunway.controller.webhook import certs
from airunway.controller.webhook.registration import (
    MUTATE_PATH,
    VALIDATE_PATH,
    webhook_configurations,
)
from airunway.controller.webhook.review import mutate, prefetch_provider, validate
from airunway.kube.client import Kube

log = logging.getLogger(__name__)


class WebhookServer:
    """Serves ``/mutate-…`` and ``/validate-…`` over TLS on ``settings.webhook_port``."""

    def __init__(self, kube: Kube, store: Store, settings: ControllerSettings) -> None:
        self._kube = kube
        self._store = store
        self._settings = settings
        self._runner: web.AppRunner | None = None
        self.serving = False

    def _ssl(self) -> ssl.SSLContext:
        cert_dir = self._settings.webhook_cert_dir
        context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        context.minimum_version = ssl.TLSVersion.TLSv1_2
        context.load_cert_chain(cert_dir / "tls.crt", cert_dir / "tls.key")
        return context

    async def start(self) -> None:
        """Listen, then register the webhook configurations when asked to (dev cluster)."""
        if not self._settings.webhook_port:
            return
        await certs.prepare(self._kube, self._settings)
        app = web.Application(client_max_size=8 * 1024 * 1024)
        app.router.add_post(MUTATE_PATH, self._mutate)
        app.router.add_post(VALIDATE_PATH, self._validate)
        self._runner = web.AppRunner(app, access_log=None)
        await self._runner.setup()
        site = web.TCPSite(
            self._runner,
            self._settings.webhook_host,
            self._settings.webhook_port,
            ssl_context=self._ssl(),
        )
        await site.start()
        if self._settings.register_webhooks_url:
            await self.register()
        self.serving = True  # only now: readiness must imply "the API server can reach us"

    async def register(self) -> None:
        """Apply both webhook configurations pointing at ``register_webhooks_url``."""
        await register_webhooks(self._kube, self._settings)

    async def stop(self) -> None:
        """Stop listening."""
        self.serving = False
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None

    async def _read(self, request: web.Request) -> dict[str, Any] | web.Response:
        try:
            body = await request.json()
        except ValueError:
            return web.json_response({"error": "body is not JSON"}, status=400)
        if not isinstance(body, dict) or not isinstance(body.get("request"), dict):
            return web.json_response({"error": "not an AdmissionReview"}, status=400)
        return body

    async def _mutate(self, request: web.Request) -> web.Response:
        body = await self._read(request)
        if isinstance(body, web.Response):
            return body
        return web.json_response(mutate(body))

    async def _validate(self, request: web.Request) -> web.Response:
        body = await self._read(request)
        if isinstance(body, web.Response):
            return body
        lookup = await prefetch_provider(body, self._store, self._kube)
        return web.json_response(validate(body, lookup))


async def register_webhooks(kube: Kube, settings: ControllerSettings) -> None:
    """Apply both webhook configurations pointing at ``settings.register_webhooks_url``."""
    ca_file = settings.webhook_ca_file or settings.webhook_cert_dir / "ca.crt"
    for manifest in webhook_configurations(
        ca_file.read_bytes(), url_base=settings.register_webhooks_url
    ):
        await kube.apply(manifest, force=True)
