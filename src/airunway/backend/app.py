"""The FastAPI application: ``create_app`` wires settings, middleware, errors, routes and UI.

Middleware order follows the reference (spec §1.2): compression, then trailing slashes (with
the request id, body limit and security headers in :mod:`.middleware`), CORS (so preflights
are answered before any auth), then the routes, whose protected ones authenticate through a
dependency; everything not under ``/api`` is the web UI with SPA fallback.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

from fastapi import FastAPI
from fastapi.middleware.cors import CORSMiddleware
from fastapi.middleware.gzip import GZipMiddleware

from airunway.backend import errors, ui
from airunway.backend.auth import UserClients
from airunway.backend.middleware import Edge
from airunway.backend.routes import autoscaler, deployments, health, installation, models
from airunway.backend.routes import settings as settings_routes
from airunway.backend.services.hf_config import ArchCache
from airunway.backend.services.workloads import metrics_cache
from airunway.backend.settings import BackendSettings
from airunway.backend.state import FIELD_MANAGER, BackendState
from airunway.kube.client import Kube
from airunway.runtime.single_flight import SingleFlightCache

LOOPBACK_ORIGINS = r"^https?://(localhost|127\.0\.0\.1|\[::1\])(:\d+)?$"
METHODS = ["GET", "HEAD", "PUT", "POST", "DELETE", "PATCH"]


def cors_options(origin: str | None) -> dict[str, Any]:
    """CORS of spec §1.6: loopback only by default, ``*``, or an exact list (fail closed)."""
    common = {
        "allow_methods": METHODS,
        "allow_headers": ["*"],
        "expose_headers": [errors.AUTH_ERROR_HEADER],
    }
    if origin is not None and origin.strip() == "*":
        return common | {"allow_origins": ["*"]}
    listed = [o.strip() for o in (origin or "").split(",") if o.strip()]
    if listed:
        return common | {"allow_origins": listed}
    if origin is not None:
        errors.log.warning("CORS_ORIGIN %r lists no origin; allowing loopback only", origin)
    return common | {"allow_origin_regex": LOOPBACK_ORIGINS}


def create_app(settings: BackendSettings | None = None, kube: Kube | None = None) -> FastAPI:
    """The app; ``kube`` (the backend's own identity) defaults to ``settings.kubeconfig``."""
    settings = settings or BackendSettings()

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        own = kube or Kube.connect(settings.kubeconfig, field_manager=FIELD_MANAGER)
        own = own.with_retry(settings.retry_policy())  # per-user clients inherit it
        app.state.backend = BackendState(
            settings=settings,
            kube=own,
            cluster_name=own.context_name,
            lists=SingleFlightCache(settings.list_cache_seconds),
            archs=ArchCache(settings.hf_endpoint),
            metrics=metrics_cache(),
        )
        app.state.users = UserClients(own)
        try:
            yield
        finally:
            await app.state.users.close()
            if kube is None:
                await own.close()

    app = FastAPI(
        title="AI Runway API",
        version=settings.version,
        description="REST API of AI Runway. Errors are `{error, code, details}`.",
        lifespan=lifespan,
        openapi_url="/api/openapi.json",
        docs_url="/api/docs",
        redoc_url=None,
        redirect_slashes=False,
    )
    errors.install(app)
    app.include_router(health.router("/api/health", "health"))
    app.include_router(health.router("/api/cluster", "cluster"))
    app.include_router(settings_routes.settings_api)
    app.include_router(settings_routes.providers_api)
    app.include_router(deployments.api)
    app.include_router(models.api)
    app.include_router(installation.api)
    app.include_router(installation.runtimes_api)
    app.include_router(autoscaler.api)
    ui.mount(app, settings.ui_dir)
    app.add_middleware(CORSMiddleware, **cors_options(settings.cors_origin))
    app.add_middleware(Edge, max_body=settings.max_body_bytes)
    app.add_middleware(GZipMiddleware, minimum_size=1024)
    return app
