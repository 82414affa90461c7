"""``airunway controller run``: one replica of the core controller.

Flags override ``AIRUNWAY_CONTROLLER_*`` environment settings; a bad value stops the process at
start with pydantic's message instead of failing later.
"""

from __future__ import annotations

import asyncio
import logging
import signal
from pathlib import Path
from typing import Any

import typer

from airunway.cli._process import load_settings, setup_logging
from airunway.controller.settings import ControllerSettings
from airunway.kube.errors import KubeError
from airunway.runtime.loop import run as run_loop

app = typer.Typer(help="The core controller.", no_args_is_help=True)


@app.command("run")
def run(  # noqa: PLR0913, PLR0917 - one parameter per flag (typer)
    kubeconfig: Path | None = typer.Option(None, help="Kubeconfig (default: in-cluster)."),
    namespace: str | None = typer.Option(None, help="Namespace of the Lease and Events."),
    leader_elect: bool | None = typer.Option(None, help="Hold a Lease before reconciling."),
    identity: str | None = typer.Option(None, help="Identity of this replica in the Lease."),
    webhook_port: int | None = typer.Option(None, help="Webhook port (0: off)."),
    webhook_cert_dir: Path | None = typer.Option(None, help="Directory with tls.crt/tls.key."),
    register_webhooks_url: str | None = typer.Option(
        None, help="Register the webhooks by URL (dev cluster), e.g. https://127.0.0.1:9443."
    ),
    webhook_ca_file: Path | None = typer.Option(None, help="CA bundle for the registration."),
    manage_webhook_certs: bool | None = typer.Option(
        None, help="Keep the webhook certificate in a Secret and inject its CA (real clusters)."
    ),
    webhook_process: bool | None = typer.Option(
        None, help="Serve admission from a child process (default) or the controller's loop."
    ),
    health_port: int | None = typer.Option(None, help="/healthz, /readyz port (0: off)."),
    metrics_port: int | None = typer.Option(None, help="/metrics port (0: off)."),
    enable_provider_selector: bool | None = typer.Option(
        None, help="Auto-select engine and provider."
    ),
    gateway_name: str | None = typer.Option(None, help="Gateway routes attach to (+namespace)."),
    gateway_namespace: str | None = typer.Option(None, help="Namespace of --gateway-name."),
    epp_service_port: int | None = typer.Option(None, help="Endpoint picker port (9002)."),
    epp_image: str | None = typer.Option(None, help="Default endpoint picker image."),
    patch_gateway_allowed_routes: bool | None = typer.Option(
        None, help="Admit ModelDeployment namespaces in the Gateway's listeners."
    ),
    log_level: str = typer.Option("INFO", help="Logging level."),
) -> None:
    """Run one controller replica until SIGINT/SIGTERM."""
    flags: dict[str, Any] = {
        "kubeconfig": kubeconfig,
        "namespace": namespace,
        "leader_elect": leader_elect,
        "identity": identity,
        "webhook_port": webhook_port,
        "webhook_cert_dir": webhook_cert_dir,
        "register_webhooks_url": register_webhooks_url,
        "webhook_ca_file": webhook_ca_file,
        "manage_webhook_certs": manage_webhook_certs,
        "webhook_process": webhook_process,
        "health_port": health_port,
        "metrics_port": metrics_port,
        "enable_provider_selector": enable_provider_selector,
        "gateway_name": gateway_name,
        "gateway_namespace": gateway_namespace,
        "epp_service_port": epp_service_port,
        "epp_image": epp_image,
        "patch_gateway_allowed_routes": patch_gateway_allowed_routes,
    }
    settings = load_settings(ControllerSettings, "controller", flags)
    setup_logging(log_level)
    run_loop(_main(settings))


async def _main(settings: ControllerSettings) -> None:
    from airunway.controller.operator import Controller  # noqa: PLC0415 - heavy, only here

    controller = Controller(settings)
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(sig, controller.stop)
    try:
        await controller.run()
    except* KubeError as group:
        for exc in _leaves(group):
            logging.getLogger("airunway.controller").error("stopping: %s", exc)  # noqa: TRY400 - one line, no traceback, by design
        raise SystemExit(1) from None


def _leaves(group: BaseExceptionGroup[KubeError]) -> list[BaseException]:
    out: list[BaseException] = []
    for exc in group.exceptions:
        out += _leaves(exc) if isinstance(exc, BaseExceptionGroup) else [exc]
    return out
