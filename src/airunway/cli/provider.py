"""``airunway provider run NAME``: one replica of a provider controller.

Flags override ``AIRUNWAY_PROVIDER_*`` settings.  Provider-specific settings come from their
own prefixes (``AIRUNWAY_KAITO_*`` for node auto-provisioning, ``AIRUNWAY_VLLM_*`` for the image
registry).
"""

from __future__ import annotations

import asyncio
import json
import signal
from enum import StrEnum
from pathlib import Path
from typing import Any

import typer
from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict

from airunway.cli._process import load_settings, setup_logging
from airunway.providers.sdk.settings import ProviderSettings
from airunway.runtime.loop import run as run_loop

app = typer.Typer(help="Provider controllers.", no_args_is_help=True)


class ProviderName(StrEnum):
    """Providers this build ships."""

    KAITO = "kaito"
    VLLM = "vllm"
    DYNAMO = "dynamo"
    KUBERAY = "kuberay"
    LLMD = "llmd"


class KaitoSettings(BaseSettings):
    """KAITO node auto-provisioning (spec providers.md §1.2)."""

    model_config = SettingsConfigDict(env_prefix="AIRUNWAY_KAITO_", extra="ignore")

    node_auto_provisioning: str = Field(default="", description="Truthy enables instanceType.")
    gpu_instance_type: str = Field(default="", description="instanceType for GPU workspaces.")
    cpu_instance_type: str = Field(default="", description="instanceType for CPU workspaces.")


class VllmSettings(BaseSettings):
    """Where the Direct vLLM provider resolves image digests."""

    model_config = SettingsConfigDict(env_prefix="AIRUNWAY_VLLM_", extra="ignore")

    registry_overrides: str = Field(
        default="{}",
        description='JSON map of registry host to base URL, e.g. {"registry-1.docker.io": '
        '"http://127.0.0.1:5000"} (the playground points the client at a local stand-in).',
    )


def _process(name: ProviderName, settings: ProviderSettings) -> Any:  # noqa: ANN401 - ProviderProcess
    if name is ProviderName.DYNAMO:
        from airunway.providers.dynamo.controller import build as build_dynamo  # noqa: PLC0415

        return build_dynamo(settings)
    if name is ProviderName.KUBERAY:
        from airunway.providers.kuberay.controller import build as build_kuberay  # noqa: PLC0415

        return build_kuberay(settings)
    if name is ProviderName.LLMD:
        from airunway.providers.llmd.controller import build as build_llmd  # noqa: PLC0415

        return build_llmd(settings)
    if name is ProviderName.KAITO:
        from airunway.providers.kaito.controller import build as build_kaito  # noqa: PLC0415
        from airunway.providers.kaito.transform import KaitoEnv  # noqa: PLC0415

        k = KaitoSettings()
        env = KaitoEnv.from_raw(k.node_auto_provisioning, k.gpu_instance_type, k.cpu_instance_type)
        return build_kaito(settings, env)
    from airunway.providers.vllm.controller import build as build_vllm  # noqa: PLC0415
    from airunway.providers.vllm.registry import RegistryResolver  # noqa: PLC0415

    overrides = json.loads(VllmSettings().registry_overrides)
    return build_vllm(settings, RegistryResolver(endpoint_overrides=overrides))


@app.command("run")
def run(  # noqa: PLR0913, PLR0917 - one parameter per flag (typer)
    name: ProviderName = typer.Argument(..., help="Which provider."),
    kubeconfig: Path | None = typer.Option(None, help="Kubeconfig (default: in-cluster)."),
    identity: str | None = typer.Option(None, help="Identity of this replica in the Lease."),
    leader_elect: bool | None = typer.Option(None, help="Hold a Lease before reconciling."),
    health_port: int | None = typer.Option(None, help="/healthz, /readyz port (0: off)."),
    metrics_port: int | None = typer.Option(None, help="/metrics port (0: off)."),
    heartbeat_interval: float | None = typer.Option(None, help="Readiness report period (s)."),
    log_level: str = typer.Option("INFO", help="Logging level."),
) -> None:
    """Run one provider replica until SIGINT/SIGTERM."""
    flags: dict[str, Any] = {
        "kubeconfig": kubeconfig,
        "identity": identity,
        "leader_elect": leader_elect,
        "health_port": health_port,
        "metrics_port": metrics_port,
        "heartbeat_interval": heartbeat_interval,
    }
    settings = load_settings(ProviderSettings, "provider", flags)
    setup_logging(log_level)
    run_loop(_main(name, settings))


async def _main(name: ProviderName, settings: ProviderSettings) -> None:
    process = _process(name, settings)
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(sig, process.stop)
    await process.run()
