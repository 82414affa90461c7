"""One way every long-running process starts its event loop: uvloop's, when it is installed.

The controller, the providers, the simulators and the backend spend much of their time in
socket I/O and callbacks (watch streams, TLS to the API server, webhook requests); uvloop does
that work in C.  kopf and uvicorn pick it up the same way, so all processes behave alike.
"""

from __future__ import annotations

import asyncio
from collections.abc import Coroutine
from typing import Any, TypeVar

T = TypeVar("T")


def run(main: Coroutine[Any, Any, T]) -> T:
    """Run ``main`` to completion on a fresh loop (uvloop's if available), as ``asyncio.run``."""
    try:
        import uvloop  # noqa: PLC0415 - optional speed-up
    except ImportError:  # pragma: no cover - it is a dependency; kept optional for embedders
        return asyncio.run(main)
    with asyncio.Runner(loop_factory=uvloop.new_event_loop) as runner:
        return runner.run(main)
