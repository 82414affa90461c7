"""``airunway model download MODEL_ID``: what the model download Job runs (spec §2.5).

Fills the Hugging Face cache under ``HF_HOME`` (the Job mounts the model-cache volume there).
Exit 0 when the snapshot is complete, :data:`~airunway.providers.sdk.storage.PERMANENT_EXIT_CODE`
when retrying cannot help (the Job then fails at once), 1 otherwise (the Job retries).  The
reason of a failure goes to stderr and to the container's termination message.
"""

from __future__ import annotations

import contextlib
from pathlib import Path

import typer
from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict

from airunway.cli._process import load_settings, setup_logging

app = typer.Typer(help="Model files.", no_args_is_help=True)


class DownloadSettings(BaseSettings):
    """The downloader's knobs (``AIRUNWAY_DOWNLOAD_*``); the Hub client reads its own ``HF_*``."""

    model_config = SettingsConfigDict(env_prefix="AIRUNWAY_DOWNLOAD_", extra="forbid")

    cache_dir: Path | None = Field(
        default=None, description="Hub cache directory; none = huggingface_hub's ($HF_HOME/hub)."
    )
    termination_log: Path = Field(
        default=Path("/dev/termination-log"),
        description="Where Kubernetes reads the container's termination message.",
    )


@app.command("download")
def download_command(
    model_id: str = typer.Argument(..., help="Hugging Face model id, e.g. Qwen/Qwen3-0.6B."),
    revision: str | None = typer.Option(None, help="Branch, tag or commit (default: main)."),
    cache_dir: Path | None = typer.Option(None, help="Hub cache directory."),
    log_level: str = typer.Option("INFO", help="Logging level."),
) -> None:
    """Download one snapshot of a model into the Hugging Face cache."""
    from huggingface_hub import constants  # noqa: PLC0415 - only this command needs it

    from airunway.providers.sdk.download import DownloadError, download, human  # noqa: PLC0415
    from airunway.providers.sdk.storage import PERMANENT_EXIT_CODE  # noqa: PLC0415

    settings = load_settings(DownloadSettings, "download", {"cache_dir": cache_dir})
    setup_logging(log_level)
    target = settings.cache_dir or Path(constants.HF_HUB_CACHE)
    try:
        done = download(model_id, target, revision=revision)
    except DownloadError as exc:
        typer.echo(f"error: {exc}", err=True)
        with contextlib.suppress(OSError):
            settings.termination_log.write_text(str(exc))
        raise typer.Exit(PERMANENT_EXIT_CODE if exc.permanent else 1) from None
    typer.echo(
        f"downloaded {model_id}@{done.revision}: {done.files} files, {human(done.size)} "
        f"in {done.path}"
    )
