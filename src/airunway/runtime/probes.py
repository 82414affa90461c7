"""``/healthz``, ``/readyz`` and ``/metrics`` over plain HTTP (aiohttp, kopf already brings it)."""

from __future__ import annotations

from collections.abc import Callable

from aiohttp import web
from prometheus_client import CONTENT_TYPE_LATEST, CollectorRegistry, generate_latest


class ProbeServer:
    """Health on ``health_port``, metrics on ``metrics_port`` (either may be 0 = off)."""

    def __init__(
        self,
        registry: CollectorRegistry,
        ready: Callable[[], bool],
        *,
        host: str,
        health_port: int,
        metrics_port: int,
    ) -> None:
        self._registry = registry
        self._ready = ready
        self._host = host
        self._health_port = health_port
        self._metrics_port = metrics_port
        self._runners: list[web.AppRunner] = []

    async def _healthz(self, _: web.Request) -> web.Response:
        return web.Response(text="ok")

    async def _readyz(self, _: web.Request) -> web.Response:
        if self._ready():
            return web.Response(text="ok")
        return web.Response(status=503, text="not ready")

    async def _metrics(self, _: web.Request) -> web.Response:
        body = generate_latest(self._registry)
        return web.Response(body=body, headers={"Content-Type": CONTENT_TYPE_LATEST})

    async def _serve(self, app: web.Application, port: int) -> None:
        runner = web.AppRunner(app, access_log=None)
        await runner.setup()
        await web.TCPSite(runner, self._host, port).start()
        self._runners.append(runner)

    async def start(self) -> None:
        """Start the enabled servers."""
        if self._health_port:
            health = web.Application()
            health.router.add_get("/healthz", self._healthz)
            health.router.add_get("/readyz", self._readyz)
            await self._serve(health, self._health_port)
        if self._metrics_port:
            metrics = web.Application()
            metrics.router.add_get("/metrics", self._metrics)
            await self._serve(metrics, self._metrics_port)

    async def stop(self) -> None:
        """Stop the servers."""
        for runner in self._runners:
            await runner.cleanup()
        self._runners.clear()
