"""The Direct vLLM provider process: the SDK runtime plus image resolution (§5.4).

Before rendering, the requested image (or the provider default) is resolved to a digest through a
real OCI registry client, so every pod of a ModelDeployment runs the same image even when the tag
moves; the outcome is reported in ``status.image`` and its conditions.
"""

from __future__ import annotations

import asyncio
import datetime as dt

from airunway.api import ModelDeployment
from airunway.providers.sdk.operator import ProviderProcess
from airunway.providers.sdk.outcome import Prepared
from airunway.providers.sdk.settings import ProviderSettings
from airunway.providers.sdk.status import Phase
from airunway.providers.vllm.config import UPSTREAM_CRD_VERSION, definition
from airunway.providers.vllm.image import (
    RESOLVE_TIMEOUT_SECONDS,
    DigestResolver,
    ResolvedImage,
    image_status,
    plan_image,
    resolution_error,
)


async def resolve_image(md: ModelDeployment, resolver: DigestResolver) -> Prepared:
    """Plan, resolve (when needed), and report the image as a pre-render step."""
    previous = md.status.image if md.status is not None else None
    plan = plan_image(md, previous)
    outcome: ResolvedImage | Exception | None = None
    if plan.to_resolve is not None:
        try:
            async with asyncio.timeout(RESOLVE_TIMEOUT_SECONDS):
                outcome = await resolver.resolve(plan.to_resolve)
        except Exception as exc:  # noqa: BLE001 - any resolver failure is reported, not raised
            outcome = exc if not isinstance(exc, TimeoutError) else TimeoutError("timed out")
    report = image_status(plan, outcome, dt.datetime.now(dt.UTC))
    conditions = [(ctype, *values) for ctype, values in report.conditions.items()]
    prepared = Prepared(
        status={"image": report.image},
        conditions=conditions,
        transform_kwargs={"resolved_image": report.image.get("resolved") or None},
    )
    if (error := resolution_error(plan, outcome)) is not None:
        prepared.halt, prepared.halt_phase = error, Phase.FAILED
    return prepared


def build(settings: ProviderSettings, resolver: DigestResolver) -> ProviderProcess:
    """The Direct vLLM provider process."""

    async def prepare(md: ModelDeployment) -> Prepared:
        return await resolve_image(md, resolver)

    return ProviderProcess(
        definition(),
        settings,
        prepare=prepare,
        upstream_version=UPSTREAM_CRD_VERSION,
    )
