"""The curated model catalogue, a data file shipped with the package (spec §8.2)."""

from __future__ import annotations

import json
from functools import cache
from importlib import resources

from airunway.backend.schemas.models import Model, Models


@cache
def models() -> Models:
    """All curated models, parsed (and so checked) once."""
    text = (resources.files("airunway.backend") / "data" / "models.json").read_text()
    return Models.model_validate(json.loads(text))


def find(model_id: str) -> Model | None:
    """The curated entry with exactly this id."""
    return next((m for m in models().models if m.id == model_id), None)
