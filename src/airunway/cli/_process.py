"""What every long-running ``airunway ... run`` command does before it starts its process.

Flags override environment settings (a flag left unset keeps the setting), a bad value stops the
command at once with pydantic's message and exit code 2, and logging is set up the same way in
every process, with the chattiest libraries turned down.
"""

from __future__ import annotations

from typing import Any, TypeVar

import typer
from pydantic import ValidationError
from pydantic_settings import BaseSettings

from airunway.runtime.logs import setup_logging

__all__ = ["load_settings", "setup_logging"]
S = TypeVar("S", bound=BaseSettings)


def load_settings(cls: type[S], what: str, flags: dict[str, Any]) -> S:
    """``cls`` from the environment with the flags that were given on top; exit 2 when invalid."""
    overrides = {key: value for key, value in flags.items() if value is not None}
    try:
        return cls(**overrides)
    except ValidationError as exc:
        typer.secho(f"error: invalid {what} settings:\n{exc}", fg=typer.colors.RED, err=True)
        raise typer.Exit(2) from None
