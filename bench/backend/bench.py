"""Benchmark the REST backend's deployment list under concurrent load.

Issue 7 item 7.  On a side dev cluster of its own (profile "minimal", only AI Runway's CRDs; all
traffic on 127.0.0.1) it creates N ModelDeployments (default 1,000), starts the backend as a
real process under its generated RBAC, and lets C concurrent clients (default 50) call
``GET /api/deployments`` (every namespace, the UI's default view, gzip accepted as browsers do)
for D seconds (default 30).  It prints p50/p99 latency, requests per second, the backend's RSS
and where the CPU went.  Goal: p99 <= 100 ms.

The clients are plain HTTP/1.1 keep-alive connections on asyncio streams rather than a
full-featured client library: on a two-core machine the load generator shares the cores with
the backend, and a heavy client would measure mostly itself.

Usage: python -m bench.backend.bench [--n 1000] [--clients 50] [--duration 30] [--namespaces 10]
       [--keep]
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import time

import httpx
import psutil

from bench.backend.stack import backend_stack
from bench.common import MIB

PATH = "/api/deployments"


class Connection:
    """One keep-alive HTTP/1.1 connection that GETs a path and reads the whole answer."""

    def __init__(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        self.reader = reader
        self.writer = writer

    @classmethod
    async def open(cls, host: str, port: int) -> Connection:
        """Connect to ``host:port``."""
        reader, writer = await asyncio.open_connection(host, port, limit=2**20)
        return cls(reader, writer)

    async def get(self, path: str) -> tuple[int, int]:
        """Status code and body length of ``GET path``."""
        self.writer.write(
            f"GET {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nAccept: application/json\r\n"
            "Accept-Encoding: gzip\r\n\r\n".encode()
        )
        head = await self.reader.readuntil(b"\r\n\r\n")
        lines = head.decode("latin-1").split("\r\n")
        status = int(lines[0].split(" ", 2)[1])
        length = next(
            int(value)
            for key, _, value in (line.partition(":") for line in lines[1:])
            if key.lower() == "content-length"
        )
        await self.reader.readexactly(length)
        return status, length

    async def close(self) -> None:
        """Close the connection."""
        self.writer.close()
        await self.writer.wait_closed()


async def load(host: str, port: int, clients: int, duration: float) -> tuple[list[float], int, int]:
    """Latencies, non-200 answers and the last body size of ``clients`` closed-loop clients."""
    latencies: list[float] = []
    errors = 0
    size = 0
    deadline = time.perf_counter() + duration

    async def client() -> None:
        nonlocal errors, size
        connection = await Connection.open(host, port)
        try:
            while time.perf_counter() < deadline:
                t0 = time.perf_counter()
                status, size = await connection.get(PATH)
                latencies.append(time.perf_counter() - t0)
                errors += status != 200
        finally:
            await connection.close()

    await asyncio.gather(*(client() for _ in range(clients)))
    return latencies, errors, size


def _pct(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(p * len(ordered)))] * 1000


def _cpu(proc: psutil.Process) -> float:
    times = proc.cpu_times()
    return times.user + times.system


async def main(args: argparse.Namespace) -> None:
    """Create the objects, start the backend, load it, print the figures."""
    async with backend_stack("bench-backend", args.n, args.namespaces, keep=args.keep) as stack:
        proc = psutil.Process(stack.pid)
        async with httpx.AsyncClient(base_url=stack.url, timeout=60, trust_env=False) as http:
            first = await http.get(PATH)
            total = first.json()["pagination"]["total"]
        rss_idle = proc.memory_info().rss / MIB
        print(f"backend up on {stack.url}; first list: {total} deployments; RSS {rss_idle:.0f} MiB")
        host, port = stack.url.removeprefix("http://").split(":")
        await load(host, int(port), min(args.clients, 5), 2.0)  # warm-up
        me = psutil.Process()
        cpu_before = (_cpu(proc), _cpu(me))
        latencies, errors, size = await load(host, int(port), args.clients, args.duration)
        cpu_backend, cpu_client = _cpu(proc) - cpu_before[0], _cpu(me) - cpu_before[1]
        rss_after = proc.memory_info().rss / MIB
        print(f"\nGET {PATH}, {args.clients} clients, {args.duration:.0f}s, N={args.n}")
        print(f"  requests      {len(latencies)} ({errors} non-200), {size / 1024:.0f} KiB each")
        print(f"  req/s         {len(latencies) / args.duration:.1f}")
        print(f"  p50           {_pct(latencies, 0.50):.1f} ms")
        print(f"  p99           {_pct(latencies, 0.99):.1f} ms  (goal <= 100 ms)")
        print(f"  mean          {statistics.fmean(latencies) * 1000:.1f} ms")
        print(f"  backend RSS   {rss_idle:.0f} MiB idle, {rss_after:.0f} MiB after the load")
        print(f"  CPU s         backend {cpu_backend:.1f}, load generator {cpu_client:.1f}")


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--n", type=int, default=1000, help="ModelDeployments to create")
    parser.add_argument("--namespaces", type=int, default=10, help="spread over this many")
    parser.add_argument("--clients", type=int, default=50, help="concurrent clients")
    parser.add_argument("--duration", type=float, default=30.0, help="seconds of load")
    parser.add_argument("--keep", action="store_true", help="keep the side cluster")
    asyncio.run(main(parser.parse_args()))
