"""What every route module shares: the protected-route dependency and query types."""

from __future__ import annotations

from collections.abc import Callable
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Path, Query

from airunway.backend.auth import require_user
from airunway.backend.errors import ERROR_RESPONSES
from airunway.backend.schemas.base import NAME_PATTERN, NAMESPACE_PATTERN

PROTECTED = [Depends(require_user)]


class Router(APIRouter):
    """An APIRouter whose responses leave unset (None) fields out, as the reference does."""

    def add_api_route(self, path: str, endpoint: Callable[..., Any], **kwargs: Any) -> None:  # noqa: ANN401
        """Register a route with ``response_model_exclude_none`` on."""
        kwargs["response_model_exclude_none"] = True
        super().add_api_route(path, endpoint, **kwargs)


RESPONSES = ERROR_RESPONSES

NamePath = Annotated[
    str,
    Path(
        min_length=1,
        max_length=253,
        pattern=NAME_PATTERN,
        description="Lowercase alphanumeric with hyphens/dots, starting and ending with "
        "alphanumeric.",
    ),
]
NamespaceQuery = Annotated[
    str | None,
    Query(min_length=1, max_length=63, pattern=NAMESPACE_PATTERN, description="Namespace."),
]
