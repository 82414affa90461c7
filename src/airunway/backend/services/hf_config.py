"""A model's transformer dimensions from its Hugging Face ``config.json`` (spec §6.4 step 6).

Read from ``<HF_ENDPOINT>/<repo>/resolve/main/config.json`` with the caller's optional
Hugging Face token; successes are kept for an hour (at most 500 entries), failures are not and
simply mean "no architecture" (the estimate is then low-confidence).  Only valid repo ids are
looked up, each path segment percent-encoded.
"""

from __future__ import annotations

import hashlib
import re
import time
from collections import OrderedDict
from typing import Any
from urllib.parse import quote

import httpx

from airunway.backend.services.gpus import Arch

REPO_ID = re.compile(r"^[A-Za-z0-9._-]{1,96}(/[A-Za-z0-9._-]{1,96})?$")
TTL = 3600.0
MAX_ENTRIES = 500
_NESTED = ("text_config", "llm_config", "language_config")


def valid_repo_id(model_id: str) -> bool:
    """One or two segments of ``[A-Za-z0-9._-]``, neither ``.`` nor ``..``."""
    return bool(REPO_ID.match(model_id)) and not any(s in {".", ".."} for s in model_id.split("/"))


def arch_from_config(config: dict[str, Any]) -> tuple[Arch | None, int | None]:
    """Dimensions (top level, else the first nested text config) and max positions."""
    source = config
    if "num_hidden_layers" not in config:
        source = next(
            (
                config[k]
                for k in _NESTED
                if isinstance(config.get(k), dict) and "num_hidden_layers" in config[k]
            ),
            {},
        )
    try:
        layers = int(source["num_hidden_layers"])
        heads = int(source["num_attention_heads"])
        kv_heads = int(source.get("num_key_value_heads") or heads)
        head_dim = int(source.get("head_dim") or int(source["hidden_size"]) // heads)
    except (KeyError, TypeError, ValueError, ZeroDivisionError):
        return None, None
    positions = source.get("max_position_embeddings")
    return Arch(layers, kv_heads, head_dim), int(positions) if isinstance(positions, int) else None


class ArchCache:
    """Successful lookups by (model id, token hash), least recently used evicted."""

    def __init__(self, endpoint: str) -> None:
        self.endpoint = endpoint.rstrip("/")
        self._entries: OrderedDict[str, tuple[float, Arch, int | None]] = OrderedDict()

    async def lookup(self, model_id: str, token: str | None) -> tuple[Arch | None, int | None]:
        """The model's dimensions, or (None, None) when they cannot be read."""
        if not valid_repo_id(model_id):
            return None, None
        key = model_id + (":" + hashlib.sha256(token.encode()).hexdigest() if token else "")
        hit = self._entries.get(key)
        if hit is not None and time.monotonic() - hit[0] < TTL:
            self._entries.move_to_end(key)
            return hit[1], hit[2]
        url = f"{self.endpoint}/{'/'.join(quote(s, safe='') for s in model_id.split('/'))}"
        headers = {"Authorization": f"Bearer {token}"} if token else {}
        try:
            async with httpx.AsyncClient(timeout=5.0, follow_redirects=True) as client:
                response = await client.get(f"{url}/resolve/main/config.json", headers=headers)
            config = response.json() if response.status_code == 200 else None  # noqa: PLR2004
        except (httpx.HTTPError, ValueError):
            config = None
        if not isinstance(config, dict):
            return None, None
        arch, positions = arch_from_config(config)
        if arch is not None:
            self._entries[key] = (time.monotonic(), arch, positions)
            while len(self._entries) > MAX_ENTRIES:
                self._entries.popitem(last=False)
        return arch, positions
