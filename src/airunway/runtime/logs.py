"""One log format for every process we run (CLI commands and the children they spawn)."""

from __future__ import annotations

import logging

_NOISY = ("kopf", "httpx", "httpx2", "aiohttp.access")


def setup_logging(level: str) -> None:
    """One log format for every process; library chatter only from WARNING up."""
    logging.basicConfig(
        level=level.upper(), format="%(asctime)s %(levelname)s %(name)s: %(message)s"
    )
    for name in _NOISY:
        logging.getLogger(name).setLevel(logging.WARNING)
