"""``airunway backend run``: the REST API (and the web UI) on one port.

Flags override the environment (``PORT``, ``AUTH_ENABLED``...); a bad value stops the process at
start with pydantic's message.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import typer

from airunway.cli._process import load_settings, setup_logging

app = typer.Typer(help="The REST API backend.", no_args_is_help=True)


@app.command("run")
def run(
    kubeconfig: Path | None = typer.Option(None, help="Kubeconfig (default: in-cluster)."),
    port: int | None = typer.Option(None, help="Listen port (default 3001, env PORT)."),
    host: str | None = typer.Option(None, help="Listen address (default 127.0.0.1)."),
    auth: bool | None = typer.Option(
        None, "--auth/--no-auth", help="Require bearer tokens and act as their user."
    ),
    log_level: str = typer.Option("INFO", help="Logging level."),
) -> None:
    """Serve the API until SIGINT/SIGTERM."""
    import uvicorn  # noqa: PLC0415 - only when serving

    from airunway.backend.app import create_app  # noqa: PLC0415 - heavy, only here
    from airunway.backend.settings import BackendSettings  # noqa: PLC0415

    flags: dict[str, Any] = {
        "kubeconfig": kubeconfig,
        "port": port,
        "host": host,
        "auth_enabled": auth,
    }
    settings = load_settings(BackendSettings, "backend", flags)
    setup_logging(log_level)
    typer.echo(f"AI Runway backend running on http://localhost:{settings.port}")
    uvicorn.run(
        create_app(settings),
        host=settings.host,
        port=settings.port,
        log_config=None,
        access_log=False,
        timeout_keep_alive=255,
    )
