"""AdmissionReview in, AdmissionReview out: the glue between HTTP and the pure admission rules.

Only :func:`prefetch_provider` does I/O (the one rule that needs another object); ``mutate``
and ``validate`` are pure and unit-tested with recorded reviews.
"""

from __future__ import annotations

import base64
import json
import logging
from collections.abc import Sequence
from typing import Any

from pydantic import ValidationError

from airunway.api import API_VERSION, InferenceProviderConfig, ModelDeployment
from airunway.controller.admission import (
    ProviderLookup,
    ProviderLookupResult,
    default_model_deployment,
    prefetched,
    provider_to_verify,
    validate_create,
    validate_update,
)
from airunway.controller.store import Store
from airunway.kube.client import Kube
from airunway.kube.errors import ForbiddenError, KubeError, NotFoundError, UnauthorizedError

log = logging.getLogger(__name__)
REVIEW_API = "admission.k8s.io/v1"


def _response(
    review: dict[str, Any],
    *,
    allowed: bool,
    message: str = "",
    warnings: Sequence[str] = (),
    patch: list[dict[str, Any]] | None = None,
) -> dict[str, Any]:
    response: dict[str, Any] = {"uid": review["request"].get("uid", ""), "allowed": allowed}
    if not allowed:
        response["status"] = {"code": 403, "reason": "Forbidden", "message": message}
    if warnings:
        response["warnings"] = list(warnings)
    if patch:
        response["patchType"] = "JSONPatch"
        response["patch"] = base64.b64encode(json.dumps(patch).encode()).decode()
    return {"apiVersion": REVIEW_API, "kind": "AdmissionReview", "response": response}


def mutate(review: dict[str, Any]) -> dict[str, Any]:
    """Apply the defaulter (spec §2.2) and answer with its JSONPatch."""
    obj = review["request"].get("object")
    if not isinstance(obj, dict):
        return _response(review, allowed=False, message="request.object is missing")
    result = default_model_deployment(obj)
    return _response(review, allowed=True, patch=result.patch)


def validate(review: dict[str, Any], lookup: ProviderLookup | None) -> dict[str, Any]:
    """Run the CREATE or UPDATE rules (spec §2.3-§2.7)."""
    request = review["request"]
    obj = request.get("object")
    if not isinstance(obj, dict):
        return _response(review, allowed=False, message="request.object is missing")
    if request.get("operation") == "UPDATE" and isinstance(request.get("oldObject"), dict):
        result = validate_update(request["oldObject"], obj, lookup)
    elif request.get("operation") in {"CREATE", "UPDATE"}:
        result = validate_create(obj, lookup)
    else:
        return _response(review, allowed=True)
    return _response(
        review, allowed=result.allowed, message=result.message, warnings=result.warnings
    )


async def prefetch_provider(review: dict[str, Any], store: Store, kube: Kube) -> ProviderLookup:
    """Look up the provider rule V9 needs: cache first, then the API server (authoritative)."""
    obj = review["request"].get("object")
    try:
        md = ModelDeployment.model_validate(obj)
    except ValidationError:
        return prefetched(ProviderLookupResult.not_found())  # parse errors deny anyway
    name = provider_to_verify(md)
    if name is None:
        return prefetched(ProviderLookupResult.not_found())
    cached = store.configs.get(name)
    if cached is not None:
        return prefetched(ProviderLookupResult.found(cached))
    return prefetched(await _uncached(kube, name))


async def _uncached(kube: Kube, name: str) -> ProviderLookupResult:
    try:
        body = await kube.get(API_VERSION, "InferenceProviderConfig", name)
    except NotFoundError as exc:
        if exc.reason == "NotFound":
            return ProviderLookupResult.not_found()
        return ProviderLookupResult.crd_absent()
    except (ForbiddenError, UnauthorizedError) as exc:
        return ProviderLookupResult.forbidden(str(exc))
    except KubeError as exc:
        return ProviderLookupResult.error(str(exc))
    try:
        return ProviderLookupResult.found(InferenceProviderConfig.model_validate(body))
    except ValidationError as exc:
        return ProviderLookupResult.error(f"InferenceProviderConfig {name} does not parse: {exc}")
