"""Which watch events make a provider reconcile which ModelDeployment (no cluster needed).

The provider's watches are selected by the API server (ModelDeployments on the selected
provider, upstream objects on their ``airunway.ai/managed-by`` label); an object that stops
matching arrives as DELETED although it still exists, and must still be looked at.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from airunway.api import API_VERSION, MODEL_DEPLOYMENT_KIND
from airunway.providers.sdk.operator import ProviderProcess
from airunway.providers.sdk.settings import ProviderSettings
from airunway.providers.vllm.config import definition
from tests.unit.providers.test_sdk_transient import KUBECONFIG

KEY = ("models", "qwen")


def _process(tmp_path: Path) -> ProviderProcess:
    config = tmp_path / "kubeconfig"
    config.write_text(KUBECONFIG.replace("{port}", "1"))
    return ProviderProcess(definition(), ProviderSettings(kubeconfig=config, identity="test"))


def _md(*, finalizers: list[str], version: str = "7") -> dict[str, Any]:
    return {
        "apiVersion": API_VERSION,
        "kind": MODEL_DEPLOYMENT_KIND,
        "metadata": {
            "namespace": "models",
            "name": "qwen",
            "resourceVersion": version,
            "finalizers": finalizers,
        },
        "spec": {"model": {"id": "Qwen/Qwen3-0.6B"}},
        "status": {"provider": {"name": "vllm"}},
    }


def _service(owner: str) -> dict[str, Any]:
    return {
        "apiVersion": "v1",
        "kind": "Service",
        "metadata": {
            "namespace": "models",
            "name": "qwen",
            "ownerReferences": [
                {"kind": MODEL_DEPLOYMENT_KIND, "name": owner, "controller": True, "uid": "u"}
            ],
        },
    }


async def test_an_upstream_object_leaving_the_selection_reconciles_its_owner(
    tmp_path: Path,
) -> None:
    process = _process(tmp_path)
    try:
        process._md_event("ADDED", _md(finalizers=[]))  # noqa: SLF001
        assert len(process.queue) == 1
        process.queue = type(process.queue)(process._reconcile)  # noqa: SLF001 - an empty queue
        process._upstream_event("DELETED", _service("qwen"))  # noqa: SLF001
        assert len(process.queue) == 1
        process.queue = type(process.queue)(process._reconcile)  # noqa: SLF001
        process._upstream_event("MODIFIED", _service("someone-elses"))  # noqa: SLF001
        assert len(process.queue) == 0  # not a deployment this provider serves
    finally:
        await process.kube.close()


async def test_a_deployment_leaving_the_selection_with_our_finalizer_is_reconciled(
    tmp_path: Path,
) -> None:
    process = _process(tmp_path)
    finalizer = definition().finalizer
    try:
        process._md_event("DELETED", _md(finalizers=[finalizer]))  # noqa: SLF001
        assert len(process.queue) == 1  # still holds our finalizer: the reconcile releases it
        process.queue = type(process.queue)(process._reconcile)  # noqa: SLF001
        process._md_event("DELETED", _md(finalizers=[]))  # noqa: SLF001 - really gone
        assert len(process.queue) == 0
    finally:
        await process.kube.close()


async def test_the_echo_of_our_own_write_is_not_reconciled(tmp_path: Path) -> None:
    process = _process(tmp_path)
    try:
        process.reconciler._wrote(_md(finalizers=[], version="9"))  # noqa: SLF001
        process._md_event("MODIFIED", _md(finalizers=[], version="9"))  # noqa: SLF001
        assert len(process.queue) == 0
        process._md_event("MODIFIED", _md(finalizers=[], version="10"))  # noqa: SLF001
        assert len(process.queue) == 1
    finally:
        await process.kube.close()
