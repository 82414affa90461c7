"""Golden-file comparison shared by the provider golden tests.

``AIRUNWAY_UPDATE_GOLDEN=1`` rewrites the outputs from the current code (review the diff);
otherwise the parsed outputs must equal the rendering.  Outputs are compared as data.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import yaml
from pydantic_settings import BaseSettings, SettingsConfigDict

from airunway.api import ModelDeployment
from airunway.providers.sdk.base import Rendered

DATA = Path(__file__).resolve().parents[2] / "data"
HEADER = "# Rendered from ../input/{case}.yaml; AIRUNWAY_UPDATE_GOLDEN=1 rewrites it.\n"


class GoldenSettings(BaseSettings):
    """``AIRUNWAY_UPDATE_GOLDEN=1`` rewrites the outputs instead of comparing."""

    model_config = SettingsConfigDict(env_prefix="AIRUNWAY_", extra="ignore")

    update_golden: bool = False


def cases(provider: str) -> list[str]:
    """The input case names of a provider."""
    return sorted(p.stem for p in (DATA / provider / "input").glob("*.yaml"))


def load(provider: str, case: str) -> ModelDeployment:
    """One golden input ModelDeployment."""
    path = DATA / provider / "input" / f"{case}.yaml"
    return ModelDeployment.model_validate(yaml.safe_load(path.read_text()))


def compare(
    provider: str, case: str, transform: Callable[[ModelDeployment], Rendered]
) -> list[dict[str, Any]]:
    """Render the case, (re)write or compare its output; return the rendered objects."""
    objects: list[dict[str, Any]] = json.loads(json.dumps(transform(load(provider, case)).objects))
    output = DATA / provider / "output" / f"{case}.yaml"
    if GoldenSettings().update_golden:
        output.parent.mkdir(parents=True, exist_ok=True)
        output.write_text(
            HEADER.format(case=case) + yaml.safe_dump_all(objects, sort_keys=False, width=100)
        )
    assert output.exists(), f"{output} is missing (AIRUNWAY_UPDATE_GOLDEN=1 writes it)"
    assert objects == list(yaml.safe_load_all(output.read_text()))
    return objects
