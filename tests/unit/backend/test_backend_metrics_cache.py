"""The metrics cache (spec §9.9): a success lives 15 s, a failure 5 s, one scrape at a time."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable

from airunway.backend.schemas.deployments import Metrics
from airunway.backend.services.workloads import metrics_cache


class Clock:
    """A monotonic clock the test moves by hand."""

    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


class Scraper:
    """Counts scrapes; each answers with its number as the timestamp."""

    def __init__(self, *, available: bool) -> None:
        self.available = available
        self.count = 0

    async def __call__(self) -> Metrics:
        self.count += 1
        if self.available:
            return Metrics(available=True, timestamp=str(self.count), metrics=[])
        return Metrics(available=False, error="down", timestamp=str(self.count), metrics=[])


async def test_a_success_is_reused_for_15_seconds_and_then_scraped_again() -> None:
    clock = Clock()
    cache = metrics_cache(clock)
    scrape = Scraper(available=True)
    assert (await cache.get("k", scrape)).timestamp == "1"
    clock.now += 14.9
    assert (await cache.get("k", scrape)).timestamp == "1"
    clock.now += 0.2
    assert (await cache.get("k", scrape)).timestamp == "2"  # a fresh answer, not a stale one
    assert scrape.count == 2


async def test_a_failure_is_reused_for_5_seconds_only() -> None:
    clock = Clock()
    cache = metrics_cache(clock)
    scrape = Scraper(available=False)
    assert (await cache.get("k", scrape)).timestamp == "1"
    clock.now += 4.9
    assert (await cache.get("k", scrape)).timestamp == "1"
    clock.now += 0.2
    assert (await cache.get("k", scrape)).timestamp == "2"
    scrape.available = True  # the model came up: its success now lives the longer time
    clock.now += 5.1
    assert (await cache.get("k", scrape)).timestamp == "3"
    clock.now += 10
    assert (await cache.get("k", scrape)).timestamp == "3"


async def test_concurrent_identical_requests_share_one_scrape_and_keys_stay_apart() -> None:
    cache = metrics_cache(Clock())
    gate = asyncio.Event()
    scrapes: list[str] = []

    def scraper(who: str) -> Callable[[], Awaitable[Metrics]]:
        inner = Scraper(available=True)

        async def scrape() -> Metrics:
            scrapes.append(who)
            await gate.wait()
            return await inner()

        return scrape

    alice = [
        asyncio.create_task(cache.get(("alice", "ns", "m"), scraper("alice"))) for _ in range(10)
    ]
    bob = asyncio.create_task(cache.get(("bob", "ns", "m"), scraper("bob")))
    await asyncio.sleep(0)
    gate.set()
    assert len({id(m) for m in await asyncio.gather(*alice)}) == 1
    await bob
    assert sorted(scrapes) == ["alice", "bob"]
