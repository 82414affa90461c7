"""Who is calling, and the Kubernetes client that acts for them.

With ``AUTH_ENABLED`` every protected route needs ``Authorization: Bearer <token>``; the token
is checked with a TokenReview under the backend's identity, and every Kubernetes call of the
request is then made **with that token** (pods, logs, events and nodes included), so the
cluster's RBAC decides what each person may see and do; a refusal comes back as Kubernetes'
own 403.  Without auth the backend's own identity is used (``/api/settings`` says so).

Reviews and per-user clients are cached briefly by a hash of the token: building a TLS client
and a TokenReview per request would dominate the latency of a list route.
"""

from __future__ import annotations

import asyncio
import hashlib
import time
from collections import OrderedDict
from dataclasses import dataclass
from typing import Annotated

from fastapi import Depends, Request
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer

from airunway.backend.errors import AuthRequiredError
from airunway.backend.state import BackendState
from airunway.kube.client import Kube
from airunway.kube.errors import KubeError
from airunway.kube.tokens import review_token

REVIEW_TTL = 30.0
MAX_USERS = 128


@dataclass(frozen=True)
class User:
    """An authenticated caller."""

    username: str
    uid: str
    groups: tuple[str, ...]


@dataclass
class _Entry:
    user: User
    kube: Kube
    expires: float


class UserClients:
    """TokenReview results and per-user Kubernetes clients, least recently used evicted."""

    def __init__(self, backend: Kube) -> None:
        self._backend = backend
        self._entries: OrderedDict[str, _Entry] = OrderedDict()
        self._closing: set[asyncio.Task[None]] = set()

    async def resolve(self, token: str) -> tuple[User, Kube]:
        """The user of ``token`` (reviewed at most every REVIEW_TTL seconds) and their client."""
        key = hashlib.sha256(token.encode()).hexdigest()
        entry = self._entries.get(key)
        now = time.monotonic()
        if entry is not None and entry.expires > now:
            self._entries.move_to_end(key)
            return entry.user, entry.kube
        user = await self._review(token)
        kube = entry.kube if entry is not None else self._backend.for_token(token)
        self._entries[key] = _Entry(user, kube, now + REVIEW_TTL)
        self._entries.move_to_end(key)
        while len(self._entries) > MAX_USERS:
            _, old = self._entries.popitem(last=False)
            task = asyncio.create_task(old.kube.close())
            self._closing.add(task)
            task.add_done_callback(self._closing.discard)
        return user, kube

    async def _review(self, token: str) -> User:
        try:
            review = await review_token(self._backend, token)
        except KubeError as exc:
            raise AuthRequiredError(exc.message) from exc
        status = review.get("status") or {}
        if not status.get("authenticated"):
            raise AuthRequiredError(status.get("error") or "Token not authenticated")
        info = status.get("user") or {}
        return User(
            username=info.get("username") or "unknown",
            uid=info.get("uid") or "",
            groups=tuple(info.get("groups") or ()),
        )

    async def close(self) -> None:
        """Close every cached client."""
        for entry in self._entries.values():
            await entry.kube.close()
        self._entries.clear()


async def state_dependency(request: Request) -> BackendState:
    """The app's :class:`BackendState`, as a dependency.

    Async on purpose: FastAPI runs a plain ``def`` dependency in a worker thread, a thread hop
    per request that cost the hot list route a measurable share of its CPU.
    """
    return backend_state(request)


def backend_state(request: Request) -> BackendState:
    """The app's :class:`BackendState`."""
    state: BackendState = request.app.state.backend
    return state


def bearer(request: Request) -> str:
    """The request's bearer token; 401 in the error format when there is none."""
    header = request.headers.get("authorization") or ""
    scheme, _, token = header.partition(" ")
    if not header:
        raise AuthRequiredError("Authentication required")
    if scheme.lower() != "bearer" or not token.strip():
        raise AuthRequiredError("No token provided")
    return token.strip()


async def caller_kube(request: Request) -> Kube:
    """The Kubernetes client for this request: the caller's token with auth on, else ours."""
    state = backend_state(request)
    if not state.settings.auth_enabled:
        request.state.caller = "backend"
        return state.kube
    clients: UserClients = request.app.state.users
    token = bearer(request)
    user, kube = await clients.resolve(token)
    request.state.user = user
    request.state.caller = hashlib.sha256(token.encode()).hexdigest()
    return kube


State = Annotated[BackendState, Depends(state_dependency)]
CallerKube = Annotated[Kube, Depends(caller_kube)]


#: Documents the bearer scheme in OpenAPI; the check itself is :func:`bearer` (our error format).
BEARER_SCHEME = HTTPBearer(
    auto_error=False,
    description="A Kubernetes token (e.g. a ServiceAccount token); required with AUTH_ENABLED.",
)


async def require_user(
    _: CallerKube,
    __: Annotated[HTTPAuthorizationCredentials | None, Depends(BEARER_SCHEME)],
) -> None:
    """Route dependency of every protected route: authenticate when auth is on."""
