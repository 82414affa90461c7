"""The web UI from the same origin, with SPA fallback and a placeholder until a UI build exists.

Files are served from the build directory, any other path gets ``index.html``; unknown ``/api``
paths answer 404 in the error format.
"""

from __future__ import annotations

from pathlib import Path

from fastapi import FastAPI, Request
from fastapi.responses import FileResponse, HTMLResponse, Response

from airunway.backend.errors import ApiError, ResourceMissingError

CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; "
    "img-src 'self' data: https:; connect-src 'self'; frame-src 'none'; object-src 'none'; "
    "base-uri 'self'"
)
PLACEHOLDER = """<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>AI Runway</title></head>
<body style="font-family: sans-serif; max-width: 40em; margin: 4em auto">
<h1>AI Runway</h1>
<p>The backend is running. The web UI is not built into this server yet.</p>
<p>The REST API is under <a href="/api/health">/api</a>;
its reference is at <a href="/api/docs">/api/docs</a>.</p>
</body></html>
"""


class MethodNotAllowedError(ApiError):
    """Only GET and HEAD read the web UI."""

    status = 405
    code = "METHOD_NOT_ALLOWED"


def resolve(root: Path, path: str) -> Path | None:
    """The file under ``root`` for a URL path, never outside it (no traversal)."""
    try:
        base = root.resolve(strict=True)
        target = (base / path.lstrip("/")).resolve()
    except (OSError, ValueError):
        return None
    if not target.is_relative_to(base) or not target.is_file():
        return None
    return target


def mount(app: FastAPI, root: Path) -> None:
    """Register the catch-all route last, after every API route."""

    @app.api_route(
        "/{path:path}",
        methods=["GET", "HEAD", "POST", "PUT", "PATCH", "DELETE"],
        include_in_schema=False,
    )
    async def web(request: Request, path: str) -> Response:
        if path == "api" or path.startswith("api/"):
            raise ResourceMissingError(f"Route not found: {request.method} {request.url.path}")
        if request.method not in {"GET", "HEAD"}:
            raise MethodNotAllowedError(f"Method not allowed: {request.method} {request.url.path}")
        headers = {"Content-Security-Policy": CSP}
        found = resolve(root, path)
        if found is not None:
            return FileResponse(found, headers=headers)
        index = resolve(root, "index.html")
        if index is not None:
            return FileResponse(index, headers=headers)
        return HTMLResponse(PLACEHOLDER, headers=headers)
