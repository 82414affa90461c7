"""Our generated CRDs on the real API server: the reference's examples and the CEL table.

They run on a cluster of their own with no controller, so that what is tested is the CRD alone
(the schema and its CEL rules: the API's safety net when the webhook is down).
"""

from __future__ import annotations

import copy
from collections.abc import AsyncIterator
from typing import Any

import pytest

from airunway.kube.client import Kube
from airunway.kube.errors import InvalidError, KubeError
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
