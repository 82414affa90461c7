"""``airunway sim kaito run``, ``sim gateway run``: SIMULATORS of upstream parts, for kwok.

Not the real operator: see :mod:`airunway.sim`.  Flags override ``AIRUNWAY_SIM_*`` environment
settings; a bad value stops the process at start with pydantic's message.
"""

from __future__ import annotations

import asyncio
import signal
from pathlib import Path
from typing import Any

import typer

from airunway.cli._process import load_settings, setup_logging
from airunway.runtime.loop import run as run_loop
from airunway.sim.settings import SimSettings

app = typer.Typer(
    help="Simulators of upstream operators (not the real ones).", no_args_is_help=True
)
kaito_app = typer.Typer(
    help="Simulated KAITO workspace operator (kaito-project/kaito v0.10).", no_args_is_help=True
)
app.add_typer(kaito_app, name="kaito")
dynamo_app = typer.Typer(
    help="Simulated NVIDIA Dynamo operator (ai-dynamo/dynamo 1.1).", no_args_is_help=True
)
app.add_typer(dynamo_app, name="dynamo")
kuberay_app = typer.Typer(
    help="Simulated KubeRay operator (ray-project/kuberay v1.3).", no_args_is_help=True
)
app.add_typer(kuberay_app, name="kuberay")
gateway_app = typer.Typer(
    help="Simulated Gateway API implementation (statuses only, no data plane).",
    no_args_is_help=True,
)
app.add_typer(gateway_app, name="gateway")
volumes_app = typer.Typer(
    help="Simulated volume provisioner (StorageClass airunway-sim; no real disks).",
    no_args_is_help=True,
)
app.add_typer(volumes_app, name="volumes")


#: simulator -> (module of airunway.sim, class): imported only when it runs
_SIMULATORS: dict[str, tuple[str, str]] = {
    "kaito": ("kaito", "KaitoSimulator"),
    "dynamo": ("dynamo", "DynamoSimulator"),
    "kuberay": ("kuberay", "KubeRaySimulator"),
    "gateway": ("gateway", "GatewaySimulator"),
    "volumes": ("volumes", "VolumeSimulator"),
}


async def _main(settings: SimSettings, which: str) -> None:
    """Run simulator ``which`` until SIGINT/SIGTERM, then close its client."""
    import importlib  # noqa: PLC0415 - only when running

    from airunway.kube.client import Kube  # noqa: PLC0415 - heavy, only when running

    module, cls = _SIMULATORS[which]
    kube = Kube.connect(settings.kubeconfig, field_manager=settings.field_manager)
    simulator = getattr(importlib.import_module(f"airunway.sim.{module}"), cls)(kube, settings)
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(sig, simulator.stop)
    try:
        await simulator.run()
    finally:
        await kube.close()


def _start(which: str, flags: dict[str, Any], log_level: str) -> None:
    """Settings from flags over the environment, logging, then the simulator.

    Every simulator but KAITO's (the first, which keeps the configured default) has its own
    field manager, ``airunway-sim-<which>``, unless one is configured.
    """
    if which != "kaito":
        flags.setdefault("field_manager", f"airunway-sim-{which}")
    settings = load_settings(SimSettings, "simulator", flags)
    setup_logging(log_level)
    run_loop(_main(settings, which))


def _operator_command(sub: typer.Typer, which: str, label: str) -> None:
    """``sim <which> run`` of a simulated operator (a ready delay, one namespace or all)."""

    @sub.command("run")
    def run(
        kubeconfig: Path | None = typer.Option(None, help="Kubeconfig (default: in-cluster)."),
        ready_delay: float | None = typer.Option(
            None, help="Seconds pods must be Ready before the model counts as loaded (default 3)."
        ),
        namespace: str | None = typer.Option(None, help="Watch only this namespace."),
        log_level: str = typer.Option("INFO", help="Logging level."),
    ) -> None:
        flags = {"kubeconfig": kubeconfig, "ready_delay": ready_delay, "namespace": namespace}
        _start(which, flags, log_level)

    run.__doc__ = f"Run the {label} until SIGINT/SIGTERM."


def _cluster_command(sub: typer.Typer, which: str, label: str) -> None:
    """``sim <which> run`` of a cluster-wide simulator (no options but the kubeconfig)."""

    @sub.command("run")
    def run(
        kubeconfig: Path | None = typer.Option(None, help="Kubeconfig (default: in-cluster)."),
        log_level: str = typer.Option("INFO", help="Logging level."),
    ) -> None:
        _start(which, {"kubeconfig": kubeconfig}, log_level)

    run.__doc__ = f"Run the {label} until SIGINT/SIGTERM."


_operator_command(kaito_app, "kaito", "KAITO simulator")
_operator_command(dynamo_app, "dynamo", "Dynamo simulator")
_operator_command(kuberay_app, "kuberay", "KubeRay simulator")
_cluster_command(gateway_app, "gateway", "gateway simulator")
_cluster_command(volumes_app, "volumes", "volume provisioner simulator")


@app.command("registry")
def registry(
    port: int = typer.Option(5000, help="Port on 127.0.0.1 (0: any free port)."),
) -> None:
    """Serve the stand-in image registry (NOT Docker Hub) until SIGINT/SIGTERM."""
    from airunway.sim.registry import run_registry  # noqa: PLC0415 - only this command needs it

    run_registry(port)
