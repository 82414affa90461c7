"""Our generated CRDs on the real API server: the reference's examples, the CEL table, selectors.

They run on a cluster of their own with no controller, so that what is tested is the CRD alone
(the schema and its CEL rules: the API's safety net when the webhook is down).
"""

from __future__ import annotations

import asyncio
import copy
from collections.abc import AsyncIterator
from typing import Any

import pytest

from airunway.api import SELECTED_PROVIDER_FIELD
from airunway.kube.client import Kube
from airunway.kube.errors import InvalidError, KubeError
from airunway.kube.watch import watch_forever
from tests.support.cel_cases import CEL_CASES, CelCase
from tests.support.cluster_fixtures import crds_only_cluster

pytestmark = pytest.mark.cluster
MD_API = "airunway.ai/v1alpha1"
NS = "crd-tests"


def _in(namespace: str, obj: dict[str, Any]) -> dict[str, Any]:
    obj = copy.deepcopy(obj)
    obj["metadata"]["namespace"] = namespace
    obj["metadata"].pop("resourceVersion", None)
    return obj


@pytest.fixture(scope="module")
async def bare() -> AsyncIterator[Kube]:
    """A cluster with only our CRDs and no webhook, and a namespace in it."""
    async with crds_only_cluster("crds", NS) as kube:
        yield kube


async def test_every_reference_example_is_accepted(
    bare: Kube, reference_examples: dict[str, dict[str, Any]]
) -> None:
    kube, namespace = bare, NS
    for name, example in reference_examples.items():
        try:
            await kube.apply(_in(namespace, example), dry_run=True)
        except KubeError as exc:
            pytest.fail(f"{name} rejected: {exc}")


async def _check(kube: Kube, namespace: str, case: CelCase) -> str | None:
    """Return a mismatch description, or None when the API server did what the case expects."""
    if case.old is not None:
        old = _in(namespace, case.old)
        old["metadata"]["name"] = f"{case.name}"[:60]
        await kube.apply(old, force=True)
        if "status" in old:
            await kube.apply_status(
                {k: old[k] for k in ("apiVersion", "kind", "metadata", "status")}
            )
        obj = _in(namespace, case.obj)
        obj["metadata"]["name"] = old["metadata"]["name"]
    else:
        obj = _in(namespace, case.obj)
    try:
        await kube.apply(obj, dry_run=True, force=True)
    except InvalidError as exc:
        if case.error is None:
            return f"{case.name}: rejected unexpectedly: {exc}"
        if case.error not in str(exc):
            return f"{case.name}: expected {case.error!r}, got {exc}"
        return None
    if case.error is not None:
        return f"{case.name}: admitted, expected {case.error!r}"
    return None


async def test_cel_rules_on_the_live_api_server(bare: Kube) -> None:
    kube, namespace = bare, NS
    problems = [p for case in CEL_CASES if (p := await _check(kube, namespace, case))]
    assert not problems, "\n".join(problems)


async def _provider_selected(kube: Kube, name: str, provider: str) -> None:
    md = {
        "apiVersion": MD_API,
        "kind": "ModelDeployment",
        "metadata": {"name": name, "namespace": NS},
        "spec": {"model": {"id": "Qwen/Qwen3-0.6B"}, "engine": {"type": "vllm"}},
    }
    await kube.apply(md, force=True)
    md["status"] = {"provider": {"name": provider}}
    await kube.apply_status(md)


async def test_watch_selected_by_provider_gets_only_that_providers_deployments(bare: Kube) -> None:
    """The CRD's selectable field lets a provider watch its own ModelDeployments only."""
    seen: list[tuple[str, str]] = []
    done = asyncio.Event()

    def handle(event: str, obj: dict[str, Any]) -> None:
        seen.append((event, obj["metadata"]["name"]))
        if obj["metadata"]["name"] == "sel-last":
            done.set()

    watch = asyncio.create_task(
        watch_forever(
            bare,
            MD_API,
            "ModelDeployment",
            NS,
            handle,
            reconnect_delay=0.1,
            fields={SELECTED_PROVIDER_FIELD: "vllm"},
        )
    )
    try:
        await _provider_selected(bare, "sel-other", "kaito")
        await _provider_selected(bare, "sel-mine", "vllm")
        await _provider_selected(bare, "sel-last", "vllm")
        await asyncio.wait_for(done.wait(), timeout=30)
    finally:
        watch.cancel()
    names = {name for _, name in seen}
    assert names == {"sel-mine", "sel-last"}, seen


async def test_watch_forever_drops_a_field_selector_the_server_refuses(bare: Kube) -> None:
    """An older API server without selectable fields: the watch goes on, unselected."""
    done = asyncio.Event()

    def handle(_: str, obj: dict[str, Any]) -> None:
        if obj["metadata"]["name"] == "unselected":
            done.set()

    watch = asyncio.create_task(
        watch_forever(
            bare, "v1", "ConfigMap", NS, handle, reconnect_delay=0.1, fields={"data.x": "y"}
        )
    )
    try:
        await bare.apply(
            {
                "apiVersion": "v1",
                "kind": "ConfigMap",
                "metadata": {"name": "unselected", "namespace": NS},
            }
        )
        await asyncio.wait_for(done.wait(), timeout=30)
    finally:
        watch.cancel()
