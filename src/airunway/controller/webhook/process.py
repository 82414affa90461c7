"""The admission webhook served by a child process of the controller.

Admission is on the critical path of every ``kubectl apply``; the reconcile loop is not.  In one
event loop, a burst of creates made each admission wait behind reconciles (p99 above 100 ms while
1,000 objects were being selected).  A child process has its own interpreter and GIL, so the API
server's calls are answered at idle latency while the parent reconciles, and the second core is
used.  The child keeps its own cache of provider configs (a watch), falling back to a GET for a
config it has not seen yet, exactly as the in-process server does.

The child dies with the parent (``PR_SET_PDEATHSIG``): a controller killed with SIGKILL must not
leave a server holding the port that its restarted self needs.
"""

from __future__ import annotations

import asyncio
import contextlib
import ctypes
import logging
import multiprocessing
import signal
from multiprocessing.process import BaseProcess
from multiprocessing.synchronize import Event as MPEvent

from airunway.api import API_VERSION
from airunway.controller.settings import ControllerSettings
from airunway.controller.store import Store
from airunway.controller.webhook import certs
from airunway.controller.webhook.server import WebhookServer, register_webhooks
from airunway.kube.client import Kube
from airunway.kube.errors import KubeError
from airunway.runtime.logs import setup_logging
from airunway.runtime.loop import run as run_loop

log = logging.getLogger(__name__)
_PR_SET_PDEATHSIG = 1
_START_TIMEOUT = 60.0
_WATCH_RETRY = 2.0


class WebhookProcess:
    """Same interface as :class:`WebhookServer` (start, register, stop, serving), out of process."""

    def __init__(self, kube: Kube, settings: ControllerSettings) -> None:
        self._kube = kube
        self._settings = settings
        self._process: BaseProcess | None = None
        self._started = False

    @property
    def serving(self) -> bool:
        """Whether the child listens and the configurations point at it (readiness)."""
        return self._started and self._process is not None and self._process.is_alive()

    async def start(self) -> None:
        """Prepare certificates (here: one writer), start the child, then register (dev cluster)."""
        if not self._settings.webhook_port:
            return
        await certs.prepare(self._kube, self._settings)
        child_settings = self._settings.model_copy(
            update={"manage_webhook_certs": False, "register_webhooks_url": None}
        )
        context = multiprocessing.get_context("spawn")
        ready = context.Event()
        level = logging.getLevelName(logging.getLogger().getEffectiveLevel())
        process = context.Process(
            target=serve_in_child,
            args=(child_settings, ready, str(level)),
            name="airunway-webhook",
            daemon=True,
        )
        process.start()
        self._process = process
        started = await asyncio.to_thread(ready.wait, _START_TIMEOUT)
        if not started or not process.is_alive():
            await self.stop()
            raise RuntimeError(
                f"the webhook server process did not start within {_START_TIMEOUT:.0f} s "
                f"(exit code {process.exitcode}); see its log lines above"
            )
        if self._settings.register_webhooks_url:
            await self.register()
        self._started = True

    async def register(self) -> None:
        """Point both webhook configurations at ``register_webhooks_url``."""
        await register_webhooks(self._kube, self._settings)

    async def stop(self, timeout: float = 10.0) -> None:
        """SIGTERM the child and wait for it; SIGKILL when it does not go."""
        self._started = False
        process, self._process = self._process, None
        if process is None:
            return
        if process.is_alive():
            process.terminate()
            await asyncio.to_thread(process.join, timeout)
        if process.is_alive():
            process.kill()
            await asyncio.to_thread(process.join, timeout)


def serve_in_child(settings: ControllerSettings, ready: MPEvent, level: str) -> None:
    """Child entry point: serve admission until SIGTERM or the parent's death."""
    with contextlib.suppress(OSError, AttributeError):
        libc = ctypes.CDLL("libc.so.6", use_errno=True)
        libc.prctl(_PR_SET_PDEATHSIG, signal.SIGTERM)
    setup_logging(level)
    run_loop(_serve(settings, ready))


async def _serve(settings: ControllerSettings, ready: MPEvent) -> None:
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for signum in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(signum, stop.set)
    kube = Kube.connect(settings.kubeconfig, field_manager=settings.field_manager)
    store = Store()
    server = WebhookServer(kube, store, settings)
    watcher = asyncio.create_task(_watch_configs(kube, store))
    try:
        await server.start()
        ready.set()
        log.info("webhook server process listening on port %d", settings.webhook_port)
        await stop.wait()
    finally:
        watcher.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await watcher
        await server.stop()
        await kube.close()


async def _watch_configs(kube: Kube, store: Store) -> None:
    """Keep the provider-config cache current; a broken watch is re-established."""
    while True:
        try:
            async for event, body in kube.watch(API_VERSION, "InferenceProviderConfig"):
                if event == "DELETED":
                    store.delete_config(str(body["metadata"]["name"]))
                else:
                    store.put_config(body)
        except KubeError as exc:
            log.warning("watching InferenceProviderConfigs failed (%s); retrying", exc)
        await asyncio.sleep(_WATCH_RETRY)
