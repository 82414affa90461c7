"""When and how long to wait before repeating a Kubernetes call that failed transiently.

A :class:`RetryPolicy` decides from our own error types (:mod:`airunway.kube.errors`) alone, so
it is the same for every call and can be tested without a cluster.  Transient means the API
server answered 429 or a 5xx, or gave no answer at all (:class:`UnreachableError`: connection
refused or reset, a timeout, a DNS failure); every other 4xx is final.  The n-th retry waits
``initial_delay * factor**n``, times a random jitter factor (so many clients do not retry in
step), never more than ``max_delay``; a ``Retry-After`` in the answer is waited at least.

Writes that are not idempotent (create; a replace or status apply conditional on a
resourceVersion) are repeated only when the API server certainly did not act on the first
attempt: a 429 (throttling rejects before the request is handled) or a connection that was never
established.  After a 5xx or a reset connection the object may already have been written, and
a second attempt would turn the caller's success into a spurious 409 AlreadyExists/Conflict;
the caller gets the error instead (503 CLUSTER_UNAVAILABLE), which is honest: it may be retried
by the person, who will see the object if it was created.

Calls made while a retried call runs (a discovery read inside a get) are not retried on their
own: the outer call repeats them, so attempts never multiply.
"""

from __future__ import annotations

import asyncio
import functools
import random
from collections.abc import Awaitable, Callable, Coroutine
from contextvars import ContextVar
from dataclasses import dataclass, field
from typing import Any, Concatenate, ParamSpec, Protocol, TypeVar

from airunway.kube.errors import KubeError, TooManyRequestsError, UnreachableError

T = TypeVar("T")
P = ParamSpec("P")

_RETRYING: ContextVar[bool] = ContextVar("airunway_kube_retrying", default=False)


@dataclass(frozen=True)
class RetryPolicy:
    """Up to ``max_retries`` extra attempts with jittered exponential backoff (seconds)."""

    max_retries: int = 3
    initial_delay: float = 1.0
    max_delay: float = 10.0
    factor: float = 2.0
    jitter: tuple[float, float] = (0.85, 1.15)
    uniform: Callable[[float, float], float] = field(default=random.uniform, repr=False)
    sleep: Callable[[float], Awaitable[None]] = field(default=asyncio.sleep, repr=False)

    def retryable(self, error: KubeError, *, idempotent: bool = True) -> bool:
        """Whether ``error`` is worth another attempt (see the module docstring)."""
        if isinstance(error, TooManyRequestsError) or error.status == 429:  # noqa: PLR2004
            return True
        if isinstance(error, UnreachableError):
            return idempotent or error.unsent
        return idempotent and error.status >= 500  # noqa: PLR2004

    def delay(self, retry: int, error: KubeError | None = None) -> float | None:
        """Seconds to wait before retry number ``retry`` (0-based); None: give up instead.

        The server's ``Retry-After`` is waited at least; when it asks for longer than
        ``max_delay`` we give up rather than hold the request longer than the cap.
        """
        low, high = self.jitter
        wait = min(
            self.initial_delay * self.factor**retry * self.uniform(low, high), self.max_delay
        )
        asked = error.retry_after if error is not None else None
        if asked is not None:
            if asked > self.max_delay:
                return None
            wait = max(wait, asked)
        return wait

    async def run(self, call: Callable[[], Awaitable[T]], *, idempotent: bool = True) -> T:
        """``await call()``, repeated on transient failures; the last error is raised as is."""
        if _RETRYING.get():
            return await call()
        token = _RETRYING.set(True)
        try:
            retry = 0
            while True:
                try:
                    return await call()
                except KubeError as exc:
                    wait = self.delay(retry, exc) if retry < self.max_retries else None
                    if wait is None or not self.retryable(exc, idempotent=idempotent):
                        raise
                await self.sleep(wait)
                retry += 1
        finally:
            _RETRYING.reset(token)


class Retrying(Protocol):
    """A client that may carry a retry policy (:class:`airunway.kube.client.Kube`)."""

    retry: RetryPolicy | None


C = TypeVar("C", bound=Retrying)
Method = Callable[Concatenate[C, P], Coroutine[Any, Any, T]]


def retried(*, idempotent: bool) -> Callable[[Method[C, P, T]], Method[C, P, T]]:
    """Run a client method under its client's retry policy, when it has one."""

    def wrap(method: Method[C, P, T]) -> Method[C, P, T]:
        @functools.wraps(method)
        async def call(client: C, /, *args: P.args, **kwargs: P.kwargs) -> T:
            if client.retry is None:
                return await method(client, *args, **kwargs)
            return await client.retry.run(
                lambda: method(client, *args, **kwargs), idempotent=idempotent
            )

        return call

    return wrap
