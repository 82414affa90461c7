"""Wait until a condition holds, within a deadline: the only way this project waits.

A fixed sleep either wastes time or flakes; a condition with a deadline does neither, and its
timeout message says what was awaited.  The check interval starts small and grows, so fast
conditions return fast and slow ones do not hammer the API server.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Callable


class WaitTimeoutError(TimeoutError):
    """The condition did not hold before the deadline."""


async def wait_for(
    condition: Callable[[], Awaitable[bool]],
    *,
    timeout: float,
    what: str,
    interval: float = 0.05,
    max_interval: float = 0.5,
) -> None:
    """Await ``condition()`` until it is True; :class:`WaitTimeoutError` after ``timeout``."""
    deadline = time.monotonic() + timeout
    delay = interval
    while True:
        if await condition():
            return
        if time.monotonic() >= deadline:
            raise WaitTimeoutError(f"timed out after {timeout:.0f}s waiting for {what}")
        await asyncio.sleep(delay)
        delay = min(delay * 1.5, max_interval)
