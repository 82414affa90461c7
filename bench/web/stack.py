"""The backend over N ModelDeployments for ``bench/web/bench.ts``; runs until stdin closes.

The stack is :func:`bench.backend.stack.backend_stack` (a side cluster, N ModelDeployments, the
backend serving the built UI).  Writes ``{"baseUrl", "n"}`` as JSON to ``--info`` and prints
"stack ready".

Usage: python -m bench.web.stack --info FILE [--n 1000]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import signal
import sys
from pathlib import Path

from bench.backend.stack import backend_stack

NAMESPACES = 10


async def main(info: Path, n: int) -> None:
    """Start everything, report where, wait for stdin to close, stop everything."""
    stop = asyncio.Event()

    def stdin_closed() -> None:
        if not sys.stdin.read(1):
            stop.set()

    loop = asyncio.get_running_loop()
    loop.add_reader(sys.stdin.fileno(), stdin_closed)
    for sig in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(sig, stop.set)
    async with backend_stack("bench-web", n, NAMESPACES) as stack:
        body = json.dumps({"baseUrl": stack.url, "n": n})
        await asyncio.to_thread(info.write_text, body)
        print(f"stack ready: {n} ModelDeployments", flush=True)
        await stop.wait()


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--info", type=Path, required=True, help="where to write the JSON")
    parser.add_argument("--n", type=int, default=1000, help="ModelDeployments to create")
    args = parser.parse_args()
    asyncio.run(main(args.info, args.n))
