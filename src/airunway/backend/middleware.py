"""The edge of every request, as one plain ASGI middleware (cheap on a hot list route).

In order: a request id (``X-Request-Id``, also in the log line), trailing-slash redirects for
GET/HEAD under ``/api`` (301, as the reference), a body-size limit enforced while the body is
read (413 in the error format, nothing parsed), security headers on every answer, and one log
line per request.
"""

from __future__ import annotations

import json
import logging
import time
import uuid

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from airunway.backend.errors import ErrorBody

log = logging.getLogger("airunway.backend.access")

SECURITY_HEADERS: tuple[tuple[bytes, bytes], ...] = (
    (b"x-content-type-options", b"nosniff"),
    (b"x-frame-options", b"DENY"),
    (b"referrer-policy", b"same-origin"),
)


class _TooLargeError(Exception):
    """The body grew past the limit while it was read."""


def _error(message: str, code: str) -> bytes:
    return json.dumps(ErrorBody(error=message, code=code).model_dump()).encode()


class Edge:
    """Request id, trailing slashes, body limit, security headers, access log."""

    def __init__(self, app: ASGIApp, *, max_body: int) -> None:
        self.app = app
        self.max_body = max_body

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:  # noqa: C901 - the steps above, in order
        """Handle one request."""
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        request_id = uuid.uuid4().hex[:16]
        scope.setdefault("state", {})["request_id"] = request_id
        path: str = scope["path"]
        method: str = scope["method"]
        started = time.perf_counter()
        status_seen: dict[str, int] = {"status": 0}
        extra = [*SECURITY_HEADERS, (b"x-request-id", request_id.encode())]

        async def send_wrapped(message: Message) -> None:
            if message["type"] == "http.response.start":
                status_seen["status"] = message["status"]
                message["headers"] = [*message.get("headers", []), *extra]
            await send(message)

        if method in {"GET", "HEAD"} and path.startswith("/api/") and path.endswith("/"):
            target = path.rstrip("/") + (
                f"?{scope['query_string'].decode()}" if scope.get("query_string") else ""
            )
            await send_wrapped(
                {
                    "type": "http.response.start",
                    "status": 301,
                    "headers": [(b"location", target.encode())],
                }
            )
            await send({"type": "http.response.body", "body": b""})
            self._log(method, path, 301, started, request_id)
            return
        declared = _content_length(scope)
        if declared is not None and declared > self.max_body:
            await self._too_large(send_wrapped)
            self._log(method, path, 413, started, request_id)
            return
        received = 0

        async def receive_limited() -> Message:
            nonlocal received
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > self.max_body:
                    raise _TooLargeError
            return message

        try:
            await self.app(scope, receive_limited, send_wrapped)
        except _TooLargeError:
            if status_seen["status"] == 0:
                await self._too_large(send_wrapped)
            status_seen["status"] = 413
        self._log(method, path, status_seen["status"], started, request_id)

    async def _too_large(self, send: Send) -> None:
        body = _error(f"Request body larger than {self.max_body} bytes", "PAYLOAD_TOO_LARGE")
        await send(
            {
                "type": "http.response.start",
                "status": 413,
                "headers": [
                    (b"content-type", b"application/json"),
                    (b"content-length", str(len(body)).encode()),
                ],
            }
        )
        await send({"type": "http.response.body", "body": body})

    @staticmethod
    def _log(method: str, path: str, status: int, started: float, request_id: str) -> None:
        elapsed = (time.perf_counter() - started) * 1000
        log.info("%s %s %d %.1fms id=%s", method, path, status, elapsed, request_id)


def _content_length(scope: Scope) -> int | None:
    for key, value in scope.get("headers", []):
        if key == b"content-length":
            try:
                return int(value)
            except ValueError:
                return None
    return None
