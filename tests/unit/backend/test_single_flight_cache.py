"""The list cache: one load for concurrent identical requests, per key, cleared by writes."""

from __future__ import annotations

import asyncio

import pytest

from airunway.runtime.single_flight import SingleFlightCache


async def test_concurrent_requests_share_one_load_and_keys_stay_apart() -> None:
    cache: SingleFlightCache[str] = SingleFlightCache(ttl=60)
    calls: list[str] = []
    gate = asyncio.Event()

    async def load(who: str) -> str:
        calls.append(who)
        await gate.wait()
        return f"list of {who}"

    first = [
        asyncio.create_task(cache.get(("alice", None), lambda: load("alice"))) for _ in range(10)
    ]
    other = asyncio.create_task(cache.get(("bob", None), lambda: load("bob")))
    await asyncio.sleep(0)
    gate.set()
    assert set(await asyncio.gather(*first)) == {"list of alice"}
    assert await other == "list of bob"
    assert sorted(calls) == ["alice", "bob"]
    assert await cache.get(("alice", None), lambda: load("again")) == "list of alice"
    cache.clear()
    assert await cache.get(("alice", None), lambda: load("fresh")) == "list of fresh"


async def test_failures_are_not_cached_and_reach_every_waiter() -> None:
    cache: SingleFlightCache[str] = SingleFlightCache(ttl=60)

    async def boom() -> str:
        await asyncio.sleep(0)
        raise RuntimeError("forbidden")

    results = await asyncio.gather(
        *(cache.get("k", boom) for _ in range(3)), return_exceptions=True
    )
    assert all(isinstance(r, RuntimeError) for r in results)

    async def ok() -> str:
        return "fine"

    assert await cache.get("k", ok) == "fine"


async def test_ttl_zero_always_loads() -> None:
    cache: SingleFlightCache[int] = SingleFlightCache(ttl=0)
    count = 0

    async def load() -> int:
        nonlocal count
        count += 1
        return count

    assert [await cache.get("k", load) for _ in range(3)] == [1, 2, 3]


async def test_stale_result_is_answered_while_exactly_one_refresh_runs() -> None:
    cache: SingleFlightCache[int] = SingleFlightCache(ttl=0.01)
    loads = 0
    gate = asyncio.Event()

    async def load() -> int:
        nonlocal loads
        loads += 1
        if loads > 1:
            await gate.wait()
        return loads

    assert await cache.get("k", load) == 1
    await asyncio.sleep(0.02)  # stale now
    answers = await asyncio.gather(*(cache.get("k", load) for _ in range(20)))
    assert answers == [1] * 20  # nobody waits for the API server
    gate.set()
    for _ in range(5):
        await asyncio.sleep(0)
    assert loads == 2  # one background refresh, not twenty
    assert await cache.get("k", load) == 2


def test_write_during_a_load_is_not_stored_stale() -> None:
    async def scenario() -> str:
        cache: SingleFlightCache[str] = SingleFlightCache(ttl=60)
        gate = asyncio.Event()

        async def slow() -> str:
            await gate.wait()
            return "before the write"

        task = asyncio.create_task(cache.get("k", slow))
        await asyncio.sleep(0)
        cache.clear()  # a create happened while the list was being read
        gate.set()
        await task

        async def fresh() -> str:
            return "after the write"

        return await cache.get("k", fresh)

    assert asyncio.run(scenario()) == "after the write"


pytestmark = pytest.mark.filterwarnings("error")
