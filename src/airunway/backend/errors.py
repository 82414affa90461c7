"""One error contract for every route: ``{error, code, details}``, mapped in one place.

Services raise :class:`ApiError` subclasses (or let an ``airunway.kube`` error through);
:func:`install` registers the handlers that turn them, FastAPI's request validation, Starlette's
HTTP errors and anything unexpected into :class:`ErrorBody`.  Expected failures keep their real
message (Kubernetes' own for 403/404/409/422); an unexpected exception answers 500 with a
generic message and a request id that is also in the log, never a stack trace.
"""

from __future__ import annotations

import logging
import uuid
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from pydantic import BaseModel, Field
from starlette.exceptions import HTTPException as StarletteHTTPException

from airunway.kube.errors import (
    ConflictError,
    ForbiddenError,
    InvalidError,
    KubeError,
    NotFoundError,
    UnauthorizedError,
    UnavailableError,
)

log = logging.getLogger("airunway.backend")

AUTH_ERROR_HEADER = "X-Airunway-Auth-Error"


class ErrorBody(BaseModel):
    """The body of every error response."""

    error: str = Field(description="What went wrong, in words a person can act on.")
    code: str = Field(
        description=(
            "Machine-readable code: VALIDATION_ERROR, NOT_FOUND, FORBIDDEN, UNAUTHORIZED, "
            "CONFLICT, PAYLOAD_TOO_LARGE, CLUSTER_UNAVAILABLE, PROVIDER_NOT_INSTALLED, "
            "UNSUPPORTED, METHOD_NOT_ALLOWED, INTERNAL_ERROR"
        )
    )
    details: dict[str, Any] = Field(
        default_factory=dict, description="Structured context (e.g. validation issues)."
    )


class ApiError(Exception):
    """An expected failure of a request; its message is shown to the caller as is."""

    status = 500
    code = "INTERNAL_ERROR"

    def __init__(self, message: str, *, details: dict[str, Any] | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.details = details or {}


class InvalidInputError(ApiError):
    """The request does not satisfy the documented schema or rules."""

    status = 400
    code = "VALIDATION_ERROR"


class UnprocessableError(InvalidInputError):
    """Well-formed but not acceptable (e.g. an engine the chosen provider does not support)."""

    status = 422


class ResourceMissingError(ApiError):
    """The named object does not exist or is not visible to the caller."""

    status = 404
    code = "NOT_FOUND"


class AuthRequiredError(ApiError):
    """No or an invalid bearer token while auth is on."""

    status = 401
    code = "UNAUTHORIZED"


class ClusterUnavailableError(ApiError):
    """Kubernetes could not be reached."""

    status = 503
    code = "CLUSTER_UNAVAILABLE"


class ProviderNotInstalledError(ResourceMissingError):
    """The provider named in a request has no InferenceProviderConfig."""

    code = "PROVIDER_NOT_INSTALLED"


class PayloadTooLargeError(ApiError):
    """The request body exceeds the configured limit."""

    status = 413
    code = "PAYLOAD_TOO_LARGE"


class UpstreamError(ApiError):
    """A dependency answered with an error we pass on (e.g. the log endpoint of a node)."""

    status = 502
    code = "UPSTREAM_ERROR"


_KUBE_CODES: tuple[tuple[type[KubeError], int, str], ...] = (
    (NotFoundError, 404, "NOT_FOUND"),
    (ForbiddenError, 403, "FORBIDDEN"),
    (ConflictError, 409, "CONFLICT"),
    (InvalidError, 422, "VALIDATION_ERROR"),
    (UnauthorizedError, 401, "UNAUTHORIZED"),
    (UnavailableError, 503, "CLUSTER_UNAVAILABLE"),
)


def kube_status(exc: KubeError) -> tuple[int, str]:
    """HTTP status and code for a Kubernetes failure (its own status where it is a 4xx)."""
    for cls, status, code in _KUBE_CODES:
        if isinstance(exc, cls):
            return status, code
    if 400 <= exc.status < 500:  # noqa: PLR2004
        return exc.status, "VALIDATION_ERROR"
    return 503, "CLUSTER_UNAVAILABLE"


def _body(status: int, message: str, code: str, details: dict[str, Any] | None = None) -> Any:  # noqa: ANN401
    body = ErrorBody(error=message, code=code, details=details or {})
    headers = {AUTH_ERROR_HEADER: "true"} if code == "UNAUTHORIZED" else None
    return JSONResponse(body.model_dump(), status_code=status, headers=headers)


def _issues(exc: RequestValidationError) -> list[dict[str, str]]:
    issues = []
    for err in exc.errors():
        loc = [str(p) for p in err.get("loc", ())]
        where = loc[0] if loc else "request"
        path = ".".join(loc[1:])
        message = str(err.get("msg", "invalid"))
        if err.get("type") == "json_invalid":
            path, message = "", "Malformed JSON in request body"
        issues.append({"in": where, "path": path, "message": message})
    return issues


def install(app: FastAPI) -> None:
    """Register the one mapping from every failure to :class:`ErrorBody`."""

    @app.exception_handler(ApiError)
    async def _api(_: Request, exc: ApiError) -> JSONResponse:
        return _body(exc.status, exc.message, exc.code, exc.details)  # type: ignore[no-any-return]

    @app.exception_handler(KubeError)
    async def _kube(_: Request, exc: KubeError) -> JSONResponse:
        status, code = kube_status(exc)
        details = {"reason": exc.reason} if exc.reason else {}
        return _body(status, exc.message, code, details)  # type: ignore[no-any-return]

    @app.exception_handler(RequestValidationError)
    async def _invalid(_: Request, exc: RequestValidationError) -> JSONResponse:
        issues = _issues(exc)
        summary = "; ".join(
            f"{i['path'] or i['in']}: {i['message']}" if i["path"] else i["message"]
            for i in issues[:5]
        )
        return _body(400, summary or "Invalid request", "VALIDATION_ERROR", {"issues": issues})  # type: ignore[no-any-return]

    @app.exception_handler(StarletteHTTPException)
    async def _http(request: Request, exc: StarletteHTTPException) -> JSONResponse:
        if exc.status_code == 404:  # noqa: PLR2004
            message = f"Route not found: {request.method} {request.url.path}"
            return _body(404, message, "NOT_FOUND")  # type: ignore[no-any-return]
        if exc.status_code == 405:  # noqa: PLR2004
            message = f"Method not allowed: {request.method} {request.url.path}"
            return _body(405, message, "METHOD_NOT_ALLOWED")  # type: ignore[no-any-return]
        code = "INTERNAL_ERROR" if exc.status_code >= 500 else "VALIDATION_ERROR"  # noqa: PLR2004
        return _body(exc.status_code, str(exc.detail), code)  # type: ignore[no-any-return]

    @app.exception_handler(Exception)
    async def _unexpected(request: Request, exc: Exception) -> JSONResponse:
        request_id = getattr(request.state, "request_id", None) or uuid.uuid4().hex
        log.error(
            "unexpected error, request id %s: %s %s",
            request_id,
            request.method,
            request.url.path,
            exc_info=exc,
        )
        message = f"Internal error (request id {request_id}); the details are in the server log."
        return _body(500, message, "INTERNAL_ERROR", {"requestId": request_id})  # type: ignore[no-any-return]


#: Error responses every route documents, so OpenAPI (and the generated client) knows the shape.
ERROR_RESPONSES: dict[int | str, dict[str, Any]] = {
    status: {"model": ErrorBody, "description": text}
    for status, text in (
        (400, "Invalid request (VALIDATION_ERROR)"),
        (401, "Authentication required (UNAUTHORIZED)"),
        (403, "Kubernetes RBAC denied the call (FORBIDDEN)"),
        (404, "Not found (NOT_FOUND, PROVIDER_NOT_INSTALLED)"),
        (409, "Conflict (CONFLICT)"),
        (413, "Body too large (PAYLOAD_TOO_LARGE)"),
        (422, "Rejected by Kubernetes or a provider's capabilities (VALIDATION_ERROR)"),
        (500, "Unexpected error (INTERNAL_ERROR)"),
        (502, "An upstream answered with an error (UPSTREAM_ERROR)"),
        (503, "Kubernetes unreachable (CLUSTER_UNAVAILABLE)"),
    )
}
