"""Schema fuzzing of the whole API against the app on the real cluster (schemathesis).

Every operation of the OpenAPI document gets generated requests, valid and invalid; the gate
is zero 5xx, every status code documented, and every response matching its schema.  Bounded
(a few hundred requests) so it runs in well under two minutes.
"""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Iterator
from typing import Any

import pytest
import schemathesis
import uvicorn
from hypothesis import HealthCheck, given, settings
from hypothesis.errors import Unsatisfiable
from schemathesis import GenerationMode
from schemathesis.checks import (
    content_type_conformance,
    not_a_server_error,
    response_schema_conformance,
    status_code_conformance,
)
from schemathesis.schemas import APIOperation

from airunway.backend.app import create_app
from airunway.backend.settings import BackendSettings
from airunway.devcluster.cluster import DevCluster
from airunway.devcluster.ports import free_ports
from airunway.kube.wait import wait_for
from tests.support.backend import NO_INTERNET, backend_kubeconfig

pytestmark = pytest.mark.cluster
CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
]


@pytest.fixture(scope="module")
def backend_url(cluster: DevCluster) -> Iterator[str]:
    """The backend under its generated RBAC, served by uvicorn on a loopback port."""
    kubeconfig = asyncio.run(backend_kubeconfig(cluster))
    port = free_ports(1)[0]
    app = create_app(BackendSettings(kubeconfig=kubeconfig, port=port, hf_endpoint=NO_INTERNET))
    server = uvicorn.Server(
        uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning", lifespan="on")
    )
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()

    async def up() -> bool:
        if not thread.is_alive():
            pytest.fail("the backend exited during start-up", pytrace=False)
        return bool(server.started)

    asyncio.run(wait_for(up, timeout=30, what="the backend to start"))
    yield f"http://127.0.0.1:{port}"
    server.should_exit = True
    thread.join(timeout=10)


def _operations(backend_url: str) -> list[APIOperation[Any, Any, Any, Any]]:
    schema = schemathesis.openapi.from_url(f"{backend_url}/api/openapi.json")
    return [result.ok() for result in schema.get_all_operations()]  # type: ignore[union-attr]


def _has_inputs(operation: APIOperation[Any, Any, Any, Any]) -> bool:
    definition = operation.definition.raw
    return bool(definition.get("parameters") or definition.get("requestBody"))


@pytest.mark.parametrize("mode", [GenerationMode.POSITIVE, GenerationMode.NEGATIVE])
def test_every_operation_conforms(backend_url: str, mode: GenerationMode) -> None:
    """Each operation, valid (or invalid) requests: no 5xx, documented codes and bodies."""
    operations = _operations(backend_url)
    assert len(operations) >= 20
    failures: list[str] = []
    for operation in operations:

        @given(case=operation.as_strategy(generation_mode=mode))
        @settings(
            max_examples=6,
            deadline=None,
            database=None,
            derandomize=True,
            suppress_health_check=list(HealthCheck),
        )
        def run(case: schemathesis.Case[Any]) -> None:
            case.call_and_validate(base_url=backend_url, checks=CHECKS)

        try:
            run()
        except Unsatisfiable:
            # an operation without parameters or body has no invalid request to generate
            if mode is GenerationMode.POSITIVE or _has_inputs(operation):
                failures.append(f"{operation.method.upper()} {operation.path}: no cases")
        except Exception as exc:  # noqa: BLE001 - collect every operation's failure, then fail
            failures.append(f"{operation.method.upper()} {operation.path}: {exc}")
    assert not failures, "\n\n".join(failures)
