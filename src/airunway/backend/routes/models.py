"""``/api/models``: the curated catalogue (spec §8.2)."""

from __future__ import annotations

from typing import Annotated

from fastapi import Path

from airunway.backend.errors import ResourceMissingError
from airunway.backend.routes.common import PROTECTED, RESPONSES, Router
from airunway.backend.schemas.models import Model, Models
from airunway.backend.services import catalogue

api = Router(prefix="/api/models", tags=["models"], dependencies=PROTECTED, responses=RESPONSES)


@api.get("", operation_id="models-list")
async def list_models() -> Models:
    """The curated models the deploy form offers."""
    return catalogue.models()


@api.get("/{model_id:path}", operation_id="models-get")
async def get_model(
    model_id: Annotated[str, Path(min_length=1, max_length=200, pattern=r"^[A-Za-z0-9._/-]+$")],
) -> Model:
    """One curated model by id (ids contain a slash, e.g. ``Qwen/Qwen3-0.6B``)."""
    found = catalogue.find(model_id)
    if found is None:
        raise ResourceMissingError("Model not found", details={"modelId": model_id})
    return found
