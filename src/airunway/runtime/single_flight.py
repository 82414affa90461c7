"""A short-lived, shared result for identical concurrent reads (single flight).

Its first user is the backend's deployment list: the UI polls the deployment list; fifty clients
asking at once would otherwise make fifty cluster-wide lists of ModelDeployments and pods on the
API server, which then dominates the latency. Requests for the same identity and namespace share
one in-flight read, and its result is reused for ``ttl`` seconds; after that the last result is
still answered while one background read refreshes it (so no request waits for the API server
once a key is warm), and results older than ten times ``ttl`` are never answered. Any create or
delete through this backend clears everything, so a person always sees their own change at once.
Keys include a hash of the caller's token, so one person's result is never served to another.

The same single flight serves other repeated reads (a deployment's metrics in the backend, an
image tag's digest in the Direct vLLM provider): ``ttl_of`` gives a result its own lifetime (a
failure is kept shorter than a success) and ``serve_stale=False`` answers nothing older than
that lifetime.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Callable, Hashable
from typing import Generic, TypeVar

T = TypeVar("T")


class SingleFlightCache(Generic[T]):
    """Results by key, fresh for ``ttl`` seconds; concurrent misses share one load."""

    def __init__(
        self,
        ttl: float,
        max_entries: int = 256,
        *,
        ttl_of: Callable[[T], float] | None = None,
        serve_stale: bool = True,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.ttl = ttl
        self.max_entries = max_entries
        self.ttl_of = ttl_of
        self.stale_factor = 10.0 if serve_stale else 1.0
        self.clock = clock
        self._refreshing: set[asyncio.Task[T]] = set()
        self._done: dict[Hashable, tuple[float, float, T]] = {}  # stored at, its ttl, value
        self._loading: dict[Hashable, asyncio.Future[T]] = {}
        self._generation = 0

    async def get(self, key: Hashable, load: Callable[[], Awaitable[T]]) -> T:
        """The cached value for ``key`` or the result of ``load()`` (shared while it runs)."""
        if self.ttl <= 0:
            return await load()
        hit = self._done.get(key)
        age = self.clock() - hit[0] if hit is not None else None
        if hit is not None and age is not None and age < hit[1]:
            return hit[2]
        running = self._loading.get(key)
        if hit is not None and age is not None and age < hit[1] * self.stale_factor:
            if running is None:  # refresh in the background, answer the last result now
                future = self._start(key)  # registered now: later requests see it running
                task = asyncio.create_task(self._load(key, load, future))
                self._refreshing.add(task)
                task.add_done_callback(self._refreshed)
            return hit[2]
        if running is not None:
            return await asyncio.shield(running)
        return await self._load(key, load, self._start(key))

    def _start(self, key: Hashable) -> asyncio.Future[T]:
        future: asyncio.Future[T] = asyncio.get_running_loop().create_future()
        self._loading[key] = future
        return future

    def _refreshed(self, task: asyncio.Task[T]) -> None:
        self._refreshing.discard(task)
        if not task.cancelled():
            task.exception()  # a failed refresh is dropped; the next request loads again

    async def _load(
        self, key: Hashable, load: Callable[[], Awaitable[T]], future: asyncio.Future[T]
    ) -> T:
        generation = self._generation
        try:
            value = await load()
        except BaseException as exc:
            future.set_exception(exc)
            future.exception()  # retrieved: waiters re-raise it, nobody else must
            raise
        finally:
            self._loading.pop(key, None)
        future.set_result(value)
        if generation == self._generation:
            if len(self._done) >= self.max_entries:
                self._done.clear()
            ttl = self.ttl if self.ttl_of is None else self.ttl_of(value)
            self._done[key] = (self.clock(), ttl, value)
        return value

    def clear(self) -> None:
        """Forget every result (after a write); loads already running are not stored."""
        self._done.clear()
        self._generation += 1
