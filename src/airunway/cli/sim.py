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


@kaito_app.command("run")
def run(
    kubeconfig: Path | None = typer.Option(None, help="Kubeconfig (default: in-cluster)."),
    ready_delay: float | None = typer.Option(
        None, help="Seconds pods must be Ready before the model counts as loaded (default 3)."
    ),
    namespace: str | None = typer.Option(None, help="Watch only this namespace."),
    log_level: str = typer.Option("INFO", help="Logging level."),
) -> None:
    """Run the KAITO simulator until SIGINT/SIGTERM."""
    flags: dict[str, Any] = {
        "kubeconfig": kubeconfig,
        "ready_delay": ready_delay,
        "namespace": namespace,
    }
    settings = load_settings(SimSettings, "simulator", flags)
    setup_logging(log_level)
    asyncio.run(_main(settings))


async def _main(settings: SimSettings, which: str = "kaito") -> None:
    from airunway.kube.client import Kube  # noqa: PLC0415 - heavy, only when running

    kube = Kube.connect(settings.kubeconfig, field_manager=settings.field_manager)
    simulator = _simulator(which, kube, settings)
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(sig, simulator.stop)
    try:
        await simulator.run()
    finally:
        await kube.close()


def _simulator(which: str, kube: Any, settings: SimSettings) -> Any:  # noqa: ANN401 - any simulator
    """The simulator class, imported only when it runs (each pulls in its own modules)."""
    if which == "dynamo":
        from airunway.sim.dynamo import DynamoSimulator  # noqa: PLC0415

        return DynamoSimulator(kube, settings)
    if which == "kuberay":
        from airunway.sim.kuberay import KubeRaySimulator  # noqa: PLC0415

        return KubeRaySimulator(kube, settings)
    from airunway.sim.kaito import KaitoSimulator  # noqa: PLC0415

    return KaitoSimulator(kube, settings)


def _run_other(which: str, flags: dict[str, Any], log_level: str) -> None:
    """Dynamo and KubeRay: their own field manager unless one is configured."""
    flags.setdefault("field_manager", f"airunway-sim-{which}")
    settings = load_settings(SimSettings, "simulator", flags)
    setup_logging(log_level)
    asyncio.run(_main(settings, which))


@dynamo_app.command("run")
def run_dynamo(
    kubeconfig: Path | None = typer.Option(None, help="Kubeconfig (default: in-cluster)."),
    ready_delay: float | None = typer.Option(
        None, help="Seconds pods must be Ready before the model counts as loaded (default 3)."
    ),
    namespace: str | None = typer.Option(None, help="Watch only this namespace."),
    log_level: str = typer.Option("INFO", help="Logging level."),
) -> None:
    """Run the Dynamo simulator until SIGINT/SIGTERM."""
    flags = {"kubeconfig": kubeconfig, "ready_delay": ready_delay, "namespace": namespace}
    _run_other("dynamo", flags, log_level)


@kuberay_app.command("run")
def run_kuberay(
    kubeconfig: Path | None = typer.Option(None, help="Kubeconfig (default: in-cluster)."),
    ready_delay: float | None = typer.Option(
        None, help="Seconds pods must be Ready before the model counts as loaded (default 3)."
    ),
    namespace: str | None = typer.Option(None, help="Watch only this namespace."),
    log_level: str = typer.Option("INFO", help="Logging level."),
) -> None:
    """Run the KubeRay simulator until SIGINT/SIGTERM."""
    flags = {"kubeconfig": kubeconfig, "ready_delay": ready_delay, "namespace": namespace}
    _run_other("kuberay", flags, log_level)


@app.command("registry")
def registry(
    port: int = typer.Option(5000, help="Port on 127.0.0.1 (0: any free port)."),
) -> None:
    """Serve the stand-in image registry (NOT Docker Hub) until SIGINT/SIGTERM."""
    from airunway.sim.registry import run_registry  # noqa: PLC0415 - only this command needs it

    run_registry(port)


@gateway_app.command("run")
def run_gateway(
    kubeconfig: Path | None = typer.Option(None, help="Kubeconfig (default: in-cluster)."),
    log_level: str = typer.Option("INFO", help="Logging level."),
) -> None:
    """Run the gateway simulator until SIGINT/SIGTERM."""
    flags: dict[str, Any] = {"kubeconfig": kubeconfig, "field_manager": "airunway-sim-gateway"}
    settings = load_settings(SimSettings, "simulator", flags)
    setup_logging(log_level)
    asyncio.run(_main_gateway(settings))


async def _main_gateway(settings: SimSettings) -> None:
    from airunway.kube.client import Kube  # noqa: PLC0415 - heavy, only when running
    from airunway.sim.gateway import GatewaySimulator  # noqa: PLC0415 - only when running

    kube = Kube.connect(settings.kubeconfig, field_manager=settings.field_manager)
    simulator = GatewaySimulator(kube, settings)
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(sig, simulator.stop)
    try:
        await simulator.run()
    finally:
        await kube.close()


@volumes_app.command("run")
def run_volumes(
    kubeconfig: Path | None = typer.Option(None, help="Kubeconfig (default: in-cluster)."),
    log_level: str = typer.Option("INFO", help="Logging level."),
) -> None:
    """Run the volume provisioner simulator until SIGINT/SIGTERM."""
    flags: dict[str, Any] = {"kubeconfig": kubeconfig, "field_manager": "airunway-sim-volumes"}
    settings = load_settings(SimSettings, "simulator", flags)
    setup_logging(log_level)
    asyncio.run(_main_volumes(settings))


async def _main_volumes(settings: SimSettings) -> None:
    from airunway.kube.client import Kube  # noqa: PLC0415 - heavy, only when running
    from airunway.sim.volumes import VolumeSimulator  # noqa: PLC0415 - only when running

    kube = Kube.connect(settings.kubeconfig, field_manager=settings.field_manager)
    simulator = VolumeSimulator(kube, settings)
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(sig, simulator.stop)
    try:
        await simulator.run()
    finally:
        await kube.close()
