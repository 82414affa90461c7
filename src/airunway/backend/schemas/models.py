"""The curated model catalogue (spec §8.2)."""

from __future__ import annotations

from typing import Literal

from airunway.backend.schemas.base import Schema


class Model(Schema):
    """One curated model the deploy form offers."""

    id: str
    name: str
    description: str
    size: str
    task: Literal["text-generation", "image-text-to-text"]
    conversational: bool | None = None
    parameters: int | None = None
    context_length: int | None = None
    license: str | None = None
    supported_engines: list[Literal["vllm", "sglang", "trtllm", "llamacpp"]]
    min_gpu_memory: str | None = None
    min_gpus: int | None = None
    gated: bool | None = None


class Models(Schema):
    """The catalogue."""

    models: list[Model]
