"""One way every long-running process starts its event loop: uvloop's.

The controller, the providers, the simulators and the backend spend much of their time in
socket I/O and callbacks (watch streams, TLS to the API server, webhook requests); uvloop does
that work in C.  kopf and uvicorn pick it up the same way, so all processes behave alike.
"""

from __future__ import annotations

from collections.abc import Coroutine
from typing import Any, TypeVar

import uvloop

T = TypeVar("T")


def run(main: Coroutine[Any, Any, T]) -> T:
    """Run ``main`` to completion on a fresh uvloop loop, as ``asyncio.run`` would."""
    return uvloop.run(main)
