"""Benchmark the dev cluster: cold build (on request), warm start, memory of each component.

Warm start is measured the way a user meets it: the wall time of the ``airunway dev cluster up``
command, from process start until every node is Ready and every CRD Established.  Goals (issue
"Foundation"): warm start <= 20 s, cold build <= 30 min on the 2-core machine.

Usage: python bench/devcluster/bench.py [--runs N] [--cold]
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path

from airunway.devcluster.cluster import DevCluster
from airunway.devcluster.settings import child_env

AIRUNWAY = Path(sys.executable).parent / "airunway"
MIB = 1024 * 1024


def _timed(args: list[str], env: dict[str, str] | None = None) -> float:
    started = time.monotonic()
    subprocess.run(args, check=True, env=env, stdout=subprocess.DEVNULL)
    return time.monotonic() - started


def cold_build() -> None:
    """Build every component into an empty cache (module downloads included)."""
    with tempfile.TemporaryDirectory(prefix="airunway-cold-") as cache:
        env = child_env(AIRUNWAY_CACHE_DIR=cache)
        seconds = _timed([str(AIRUNWAY), "dev", "build"], env)
        print(f"cold build (empty module and build caches): {seconds / 60:.1f} min  (goal <= 30)")
        subprocess.run(["chmod", "-R", "u+w", cache], check=False)


def warm_start(runs: int) -> None:
    """Start and stop a cluster ``runs`` times; print start times and memory."""
    times: list[float] = []
    rss: dict[str, list[int]] = {}
    for _ in range(runs):
        name = f"bench-{uuid.uuid4().hex[:6]}"
        try:
            times.append(_timed([str(AIRUNWAY), "dev", "cluster", "up", "--name", name]))
            for comp in DevCluster(name).status().components:
                rss.setdefault(comp.name, []).append(comp.rss_bytes)
        finally:
            DevCluster(name).down()
    print(
        f"warm start, {runs} runs: median {statistics.median(times):.1f} s, "
        f"min {min(times):.1f} s, max {max(times):.1f} s  (goal <= 20 s)"
    )
    total = 0
    for name, values in rss.items():
        value = statistics.median(values)
        total += int(value)
        print(f"  RSS {name:<24} {value / MIB:7.0f} MiB")
    print(f"  RSS {'total':<24} {total / MIB:7.0f} MiB")


def main() -> None:
    """Parse arguments and run the requested measurements."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=3, help="warm starts to measure")
    parser.add_argument("--cold", action="store_true", help="also time a from-scratch build")
    args = parser.parse_args()
    if args.cold:
        cold_build()
    warm_start(args.runs)


if __name__ == "__main__":
    main()
