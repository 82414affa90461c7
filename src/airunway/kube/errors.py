"""Kubernetes API failures as our own exception types, converted in exactly one place.

Callers catch :class:`NotFoundError` or :class:`ConflictError`, never a client library's
exception; :func:`converted` is the single translation, and it keeps the API server's own message
and reason so nothing downstream has to guess what Kubernetes said.
"""

from __future__ import annotations

import json
import socket
from collections.abc import AsyncIterator, Iterator, Mapping
from contextlib import asynccontextmanager, contextmanager

import httpx
import httpx2
from lightkube import ApiError


class KubeError(Exception):
    """A Kubernetes API call failed; ``status`` is the HTTP status, ``reason`` Kubernetes'.

    ``retry_after`` is the answer's ``Retry-After`` in seconds, when it had one (429, 503).
    """

    status: int = 500

    def __init__(
        self,
        message: str,
        *,
        reason: str = "",
        status: int | None = None,
        retry_after: float | None = None,
    ) -> None:
        super().__init__(message)
        self.message = message
        self.reason = reason
        self.retry_after = retry_after
        if status is not None:
            self.status = status


class NotFoundError(KubeError):
    """The object or its API (e.g. a CRD that is not installed) does not exist."""

    status = 404


class ConflictError(KubeError):
    """AlreadyExists, a stale resourceVersion, or a server-side apply field conflict."""

    status = 409


class InvalidError(KubeError):
    """The API server (schema, CEL, an admission webhook) rejected the object."""

    status = 422


class ForbiddenError(KubeError):
    """RBAC (or an admission plugin) denied the call for this identity."""

    status = 403


class UnauthorizedError(KubeError):
    """The credentials were not accepted."""

    status = 401


class UnavailableError(KubeError):
    """The API server could not be reached or answered 5xx; worth retrying later."""

    status = 503


class TooManyRequestsError(UnavailableError):
    """429: throttled, or a new resource's storage is still initializing; retry shortly."""

    status = 429


class UnreachableError(UnavailableError):
    """No HTTP answer at all: connection refused or reset, a timeout, a DNS failure.

    ``unsent`` is True when the connection was never established (refused, DNS, connect
    timeout), so the API server cannot have acted on the request: even a create may be retried.
    """

    def __init__(self, message: str, *, unsent: bool = False) -> None:
        super().__init__(message)
        self.unsent = unsent


_TYPED_PATCH_FAILURE = "failed to create typed patch object"

#: Kubernetes' StatusReason wins over the HTTP code: a server-side apply whose object does not fit
#: the schema answers 500 with reason "" on some paths, but "Invalid"/"BadRequest" on others.
_BY_REASON: dict[str, type[KubeError]] = {
    "Invalid": InvalidError,
    "BadRequest": InvalidError,
    "NotFound": NotFoundError,
    "AlreadyExists": ConflictError,
    "Conflict": ConflictError,
    "Forbidden": ForbiddenError,
    "Unauthorized": UnauthorizedError,
    "TooManyRequests": TooManyRequestsError,
}

_BY_STATUS: dict[int, type[KubeError]] = {
    401: UnauthorizedError,
    403: ForbiddenError,
    404: NotFoundError,
    409: ConflictError,
    422: InvalidError,
    429: TooManyRequestsError,
}


def _retry_after(headers: Mapping[str, str] | None) -> float | None:
    """``Retry-After`` in seconds (the API server sends whole seconds); None when absent."""
    value = (headers or {}).get("retry-after")
    try:
        return max(0.0, float(value)) if value is not None else None
    except ValueError:  # an HTTP date: not something the API server sends
        return None


def _error_class(code: int, reason: str = "") -> type[KubeError]:
    """Our type for an error answer: Kubernetes' reason first, then the HTTP code."""
    cls = _BY_REASON.get(reason) or _BY_STATUS.get(code)
    if cls is not None:
        return cls
    return UnavailableError if code >= 500 else KubeError  # noqa: PLR2004


def from_api_error(exc: ApiError) -> KubeError:
    """Map a lightkube ApiError to our type, keeping Kubernetes' message and reason."""
    status = exc.status
    code = int(status.code or 500)
    reason = status.reason or ""
    message = status.message or str(exc)
    if code == 500 and _TYPED_PATCH_FAILURE in message:  # noqa: PLR2004
        # server-side apply answers 500 when the object does not fit the schema; it is the
        # caller's input that is wrong, so report it as such
        return InvalidError(message, reason="Invalid", status=422)
    cls = _error_class(code, reason)
    headers = exc.response.headers if exc.response is not None else None
    return cls(message, reason=reason, status=code, retry_after=_retry_after(headers))


def from_status_response(
    code: int, text: str, headers: Mapping[str, str] | None = None
) -> KubeError:
    """Map an error answer read without lightkube (a raw GET) to our type, message kept."""
    try:
        body = json.loads(text)
    except ValueError:
        body = None
    if isinstance(body, dict) and body.get("kind") == "Status":
        reason = str(body.get("reason") or "")
        message = str(body.get("message") or text)
    else:
        reason, message = "", text.strip() or f"HTTP {code}"
    cls = _error_class(code, reason)
    return cls(message, reason=reason, status=code, retry_after=_retry_after(headers))


#: Failures before a connection existed: the API server cannot have seen the request.
_UNSENT = (
    httpx2.ConnectError,
    httpx2.ConnectTimeout,
    httpx.ConnectError,
    httpx.ConnectTimeout,
    ConnectionRefusedError,
    socket.gaierror,
)


@contextmanager
def converted() -> Iterator[None]:
    """Run a block of client calls and re-raise their failures as :class:`KubeError`."""
    try:
        yield
    except ApiError as exc:
        raise from_api_error(exc) from exc
    except httpx2.HTTPStatusError as exc:
        # a non-Status error body (e.g. a plain-text 404 for an API that is no longer served)
        code = exc.response.status_code
        cls = _error_class(code)
        try:
            text = exc.response.text.strip()
        except httpx2.ResponseNotRead:  # a watch stream: the body was never read
            text = ""
        retry_after = _retry_after(exc.response.headers)
        raise cls(text or str(exc), status=code, retry_after=retry_after) from exc
    except (httpx2.TransportError, httpx.TransportError, OSError) as exc:
        # timeouts stringify to "": name the failure so the message says what happened
        detail = str(exc) or type(exc).__name__
        unsent = isinstance(exc, _UNSENT)
        raise UnreachableError(f"Kubernetes API unreachable: {detail}", unsent=unsent) from exc


@asynccontextmanager
async def aconverted() -> AsyncIterator[None]:
    """Async twin of :func:`converted`, for blocks that await inside."""
    with converted():
        yield
