"""Model-name discovery (spec §4.7): ask the serving Service which model it serves."""

from __future__ import annotations

import httpx

DISCOVERY_TIMEOUT = 5.0
DISCOVERY_LIMIT = 1 << 20
_OK = 200


async def served_model(base_url: str) -> str | None:
    """``data[0].id`` of ``GET <base_url>/v1/models``; None on any failure (falls back)."""
    try:
        async with httpx.AsyncClient(timeout=DISCOVERY_TIMEOUT, trust_env=False) as client:
            response = await client.get(f"{base_url}/v1/models")
        if response.status_code != _OK or len(response.content) > DISCOVERY_LIMIT:
            return None
        data = response.json().get("data") or []
        model = data[0].get("id") if data and isinstance(data[0], dict) else None
    except (httpx.HTTPError, ValueError, AttributeError):
        return None
    return str(model) if model else None
