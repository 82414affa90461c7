"""A provider does not reconcile the watch echo of its own ModelDeployment writes.

Each status or finalizer write comes back on the watch; deciding again on exactly what we wrote
cost a reconcile per write (a model parse and a render) with nothing new to see.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from airunway.kube.client import Kube
from airunway.providers.sdk.cache import WatchCache, md_stub
from airunway.providers.sdk.reconcile import ProviderReconciler
from airunway.providers.vllm.config import definition
from airunway.runtime.events import EventRecorder
from tests.unit.providers.test_sdk_transient import KUBECONFIG


def _body(version: str) -> dict[str, Any]:
    return md_stub("ns", "md") | {
        "metadata": {"namespace": "ns", "name": "md", "resourceVersion": version}
    }


async def test_only_the_exact_version_we_wrote_is_an_echo(tmp_path: Path) -> None:
    config = tmp_path / "kubeconfig"
    config.write_text(KUBECONFIG.replace("{port}", "1"))
    kube = Kube.from_kubeconfig(config, field_manager="test")
    cache = WatchCache()
    reconciler = ProviderReconciler(kube, definition(), EventRecorder(kube, "test"), cache=cache)
    try:
        assert not reconciler.own_writes.is_echo(_body("5"))
        reconciler._wrote(_body("5"))  # noqa: SLF001 - what a status or finalizer write records
        assert reconciler.own_writes.is_echo(_body("5"))
        reconciler._wrote(_body("5"))  # noqa: SLF001
        assert not reconciler.own_writes.is_echo(_body("6"))  # a later change: reconcile
        fetched: list[str] = []

        async def get() -> dict[str, Any]:
            fetched.append("GET")
            return _body("0")

        read = await cache.read(md_stub("ns", "md"), get)
        assert read["metadata"]["resourceVersion"] == "5"  # the next pass reads our write
        assert fetched == []
        reconciler.own_writes.forget(("ns", "md"))  # the deployment is gone
        assert not reconciler.own_writes.is_echo(_body("5"))
    finally:
        await kube.close()
