"""The deduplicating work queue: one reconcile per key at a time, retries with backoff."""

from __future__ import annotations

import asyncio
from collections import Counter
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager

import pytest

from airunway.runtime.queue import WorkQueue

WAIT = 2.0  # upper bound on any single wait; the tests normally finish in milliseconds


class RecordingQueue(WorkQueue[str]):
    """A WorkQueue that records every backoff delay it hands out."""

    def __init__(
        self, reconcile: Callable[[str], Awaitable[None]], *, base_delay: float, max_delay: float
    ) -> None:
        super().__init__(reconcile, workers=1, base_delay=base_delay, max_delay=max_delay)
        self.delays: list[tuple[str, float]] = []

    def backoff(self, key: str) -> float:
        delay = super().backoff(key)
        self.delays.append((key, delay))
        return delay


@asynccontextmanager
async def running(queue: WorkQueue[str]) -> AsyncIterator[None]:
    """Run ``queue``'s workers for the duration of the block."""
    task = asyncio.create_task(queue.run())
    try:
        yield
    finally:
        task.cancel()
        with pytest.raises(asyncio.CancelledError):
            await task


async def wait(event: asyncio.Event) -> None:
    """Wait for ``event`` in the test body, bounded.

    Reconcile functions wait on their events directly: Python 3.11's ``wait_for`` can swallow
    the cancellation that stops the workers when its inner wait completes at the same moment.
    """
    await asyncio.wait_for(event.wait(), WAIT)


class Recorder:
    """A reconcile function that counts calls and signals when a key's n-th call finished."""

    def __init__(self) -> None:
        self.calls: Counter[str] = Counter()
        self.order: list[str] = []
        self._waiters: dict[tuple[str, int], asyncio.Event] = {}

    def done(self, key: str, count: int = 1) -> asyncio.Event:
        event = self._waiters.setdefault((key, count), asyncio.Event())
        if self.calls[key] >= count:
            event.set()
        return event

    async def __call__(self, key: str) -> None:
        self.calls[key] += 1
        self.order.append(key)
        self.done(key, self.calls[key]).set()


async def test_many_adds_before_a_worker_runs_cost_one_reconcile() -> None:
    recorder = Recorder()
    queue = WorkQueue(recorder, workers=1)
    for _ in range(10):
        queue.add("a")
    queue.add("sentinel")  # FIFO with one worker: once it ran, every "a" was handled
    assert len(queue) == 2
    async with running(queue):
        await wait(recorder.done("sentinel"))
    assert recorder.calls == Counter({"a": 1, "sentinel": 1})
    assert len(queue) == 0


async def test_a_key_added_during_its_reconcile_runs_once_more_afterwards() -> None:
    started, release = asyncio.Event(), asyncio.Event()
    calls: list[str] = []
    finished = Recorder()

    async def reconcile(key: str) -> None:
        calls.append(key)
        if len(calls) == 1:
            started.set()
            await release.wait()
        await finished(key)

    queue = WorkQueue(reconcile, workers=4)
    async with running(queue):
        queue.add("a")
        await wait(started)
        for _ in range(5):
            queue.add("a")  # all while the first reconcile is in flight
        assert len(queue) == 1
        release.set()
        await wait(finished.done("a", 2))
        queue.add("sentinel")
        await wait(finished.done("sentinel"))
    assert calls.count("a") == 2


async def test_never_two_concurrent_reconciles_of_one_key() -> None:
    active: Counter[str] = Counter()
    peak: Counter[str] = Counter()
    gates = [asyncio.Event() for _ in range(3)]
    entered = [asyncio.Event() for _ in range(3)]
    runs = 0

    async def reconcile(key: str) -> None:
        nonlocal runs
        index = runs
        runs += 1
        active[key] += 1
        peak[key] = max(peak[key], active[key])
        entered[index].set()
        await gates[index].wait()
        active[key] -= 1

    queue = WorkQueue(reconcile, workers=4)
    async with running(queue):
        queue.add("a")
        await wait(entered[0])
        queue.add("a")  # dirty: must wait for the first run to end
        for _ in range(3):
            await asyncio.sleep(0)
        assert not entered[1].is_set()
        gates[0].set()
        await wait(entered[1])
        queue.add("a")
        gates[1].set()
        await wait(entered[2])
        gates[2].set()
    assert peak["a"] == 1
    assert runs == 3


async def test_failures_retry_with_growing_backoff_and_success_resets_it() -> None:
    failures_left = 3
    recorder = Recorder()

    async def reconcile(key: str) -> None:
        nonlocal failures_left
        if failures_left > 0:
            failures_left -= 1
            raise RuntimeError("boom")
        await recorder(key)

    queue = RecordingQueue(reconcile, base_delay=0.001, max_delay=10.0)
    async with running(queue):
        queue.add("a")
        await wait(recorder.done("a"))
        assert queue.delays == [("a", 0.001), ("a", 0.002), ("a", 0.004)]
        failures_left = 1
        queue.add("a")
        await wait(recorder.done("a", 2))
    assert queue.delays[3:] == [("a", 0.001)]  # reset by the success in between


def test_backoff_doubles_per_key_up_to_the_maximum() -> None:
    queue: WorkQueue[str] = WorkQueue(Recorder(), base_delay=0.5, max_delay=3.0)
    assert [queue.backoff("a") for _ in range(5)] == [0.5, 1.0, 2.0, 3.0, 3.0]
    assert queue.backoff("b") == 0.5


async def test_different_keys_run_concurrently_up_to_the_worker_count() -> None:
    release = asyncio.Event()
    started: list[str] = []
    two_started = asyncio.Event()
    finished = Recorder()

    async def reconcile(key: str) -> None:
        started.append(key)
        if len(started) == 2:
            two_started.set()
        await release.wait()
        await finished(key)

    queue = WorkQueue(reconcile, workers=2)
    async with running(queue):
        for key in ("a", "b", "c"):
            queue.add(key)
        await wait(two_started)
        for _ in range(5):
            await asyncio.sleep(0)
        assert started == ["a", "b"]  # the third waits for a free worker
        release.set()
        for key in ("a", "b", "c"):
            await wait(finished.done(key))
    assert started == ["a", "b", "c"]


async def test_add_after_replaces_an_earlier_timer_of_the_key() -> None:
    recorder = Recorder()
    queue = WorkQueue(recorder, workers=1)
    async with running(queue):
        queue.add_after("a", 0.001)
        queue.add_after("mid", 0.003)
        queue.add_after("a", 0.006)  # replaces the first timer: "a" must come after "mid"
        await wait(recorder.done("a"))
        queue.add("sentinel")
        await wait(recorder.done("sentinel"))
    assert recorder.order == ["mid", "a", "sentinel"]


async def test_a_failing_key_does_not_block_others() -> None:
    recorder = Recorder()

    async def reconcile(key: str) -> None:
        if key == "bad":
            raise RuntimeError("always")
        await recorder(key)

    queue = WorkQueue(reconcile, workers=1, base_delay=0.001, max_delay=0.002)
    async with running(queue):
        queue.add("bad")
        queue.add("good")
        await wait(recorder.done("good"))
