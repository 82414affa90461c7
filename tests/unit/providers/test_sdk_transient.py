"""A busy or unreachable API server is a reason to retry, never to mark a deployment Failed.

Found by the mixed-fleet benchmark: under load a write timed out and the provider reported
``Failed`` with "Kubernetes API unreachable: " (a timeout's empty text), for good.  Here the
API server is a loopback port nobody listens on: a real connection refusal, no stand-in.
"""

from __future__ import annotations

import socket
from pathlib import Path

import pytest

from airunway.kube.client import Kube
from airunway.kube.errors import UnavailableError
from airunway.providers.sdk.outcome import StatusDraft
from airunway.providers.sdk.reconcile import ProviderReconciler
from airunway.providers.vllm.config import definition
from airunway.runtime.events import EventRecorder
from tests.unit.providers.vllm.vllm_builders import vllm_md

KUBECONFIG = """apiVersion: v1
kind: Config
clusters: [{name: c, cluster: {server: "https://127.0.0.1:{port}", insecure-skip-tls-verify: true}}]
users: [{name: u, user: {token: t}}]
contexts: [{name: x, context: {cluster: c, user: u}}]
current-context: x
"""


def _closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


async def test_an_unreachable_api_server_is_retried_not_failed(tmp_path: Path) -> None:
    config = tmp_path / "kubeconfig"
    config.write_text(KUBECONFIG.replace("{port}", str(_closed_port())))
    kube = Kube.from_kubeconfig(config, field_manager="test")
    reconciler = ProviderReconciler(kube, definition(), EventRecorder(kube, "test"))
    md = vllm_md()
    st = StatusDraft(md)
    try:
        with pytest.raises(UnavailableError, match=r"Kubernetes API unreachable: .+"):
            await reconciler._apply_one(definition().transform(md).primary, st, dry_run=False)  # noqa: SLF001
    finally:
        await kube.close()
    assert "phase" not in st.fields
    assert not [c for c in st.conditions if c.type == "ResourceCreated"]
