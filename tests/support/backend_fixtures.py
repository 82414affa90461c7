"""Fixtures of the backend cluster tests: the backend's own client and the app in-process.

A pytest plugin (``tests/conftest.py``) so every backend test file gets the same ones; a file
that needs the app configured otherwise (auth on) overrides ``api`` with its own.
"""

from __future__ import annotations

from collections.abc import AsyncIterator

import httpx
import pytest

from airunway.devcluster.cluster import DevCluster
from airunway.kube.client import Kube
from tests.support.backend import api_client, backend_kube


@pytest.fixture(scope="module")
async def backend_sa(cluster: DevCluster) -> AsyncIterator[Kube]:
    """A client acting as the backend's ServiceAccount (its generated RBAC)."""
    kube = await backend_kube(cluster)
    yield kube
    await kube.close()


@pytest.fixture
async def api(backend_sa: Kube) -> AsyncIterator[httpx.AsyncClient]:
    """The backend app (auth off) in-process, as an HTTP client."""
    async with api_client(backend_sa) as client:
        yield client
