"""A deduplicating work queue with per-key exponential backoff, like controller-runtime's.

Watch events only *enqueue* keys; workers reconcile the latest state of a key, so ten events
for one object in a burst cost one reconcile.  A key is never reconciled by two workers at once:
an event arriving during its reconcile marks it dirty and it runs again right after.  A failed
reconcile is retried after 5 ms, doubling up to 1000 s; a success resets the key's backoff.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable, Hashable
from typing import Generic, TypeVar

K = TypeVar("K", bound=Hashable)
log = logging.getLogger(__name__)


class WorkQueue(Generic[K]):
    """Keys in, one reconcile per key at a time out."""

    def __init__(
        self,
        reconcile: Callable[[K], Awaitable[None]],
        *,
        workers: int = 4,
        base_delay: float = 0.005,
        max_delay: float = 1000.0,
    ) -> None:
        self._reconcile = reconcile
        self._workers = workers
        self._base = base_delay
        self._max = max_delay
        self._queue: asyncio.Queue[K] = asyncio.Queue()
        self._queued: set[K] = set()
        self._active: set[K] = set()
        self._dirty: set[K] = set()
        self._failures: dict[K, int] = {}
        self._timers: dict[K, asyncio.TimerHandle] = {}

    def add(self, key: K) -> None:
        """Ask for ``key`` to be reconciled (soon, once, with its latest state)."""
        if key in self._active:
            self._dirty.add(key)
            return
        if key in self._queued:
            return
        self._queued.add(key)
        self._queue.put_nowait(key)

    def add_after(self, key: K, delay: float) -> None:
        """Enqueue ``key`` after ``delay`` seconds (replacing an earlier timer for it)."""
        if (timer := self._timers.pop(key, None)) is not None:
            timer.cancel()
        loop = asyncio.get_running_loop()
        self._timers[key] = loop.call_later(delay, self._fire, key)

    def _fire(self, key: K) -> None:
        self._timers.pop(key, None)
        self.add(key)

    def backoff(self, key: K) -> float:
        """The delay before the next retry of ``key`` (and count this failure)."""
        failures = self._failures.get(key, 0)
        self._failures[key] = failures + 1
        return float(min(self._base * (2**failures), self._max))

    def __len__(self) -> int:
        return len(self._queued) + len(self._active)

    async def run(self) -> None:
        """Run the workers until cancelled."""
        async with asyncio.TaskGroup() as group:
            for _ in range(self._workers):
                group.create_task(self._worker())

    async def _worker(self) -> None:
        while True:
            key = await self._queue.get()
            self._queued.discard(key)
            self._active.add(key)
            try:
                await self._reconcile(key)
            except asyncio.CancelledError:
                raise
            except Exception as exc:  # noqa: BLE001 - any failure is retried with backoff
                delay = self.backoff(key)
                log.warning("reconcile %s failed (retry in %.3fs): %s", key, delay, exc)
                self.add_after(key, delay)
            else:
                self._failures.pop(key, None)
            finally:
                self._active.discard(key)
                if key in self._dirty:
                    self._dirty.discard(key)
                    self.add(key)
