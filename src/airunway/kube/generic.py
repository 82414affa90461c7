"""Dict-backed lightkube classes for any kind, built once per kind (see ``Kube._resource``)."""

from __future__ import annotations

from typing import Any

from lightkube.generic_resource import (
    GenericGlobalResource,
    GenericGlobalStatus,
    GenericNamespacedResource,
    GenericNamespacedStatus,
    _create_subresource,
    create_api_info,
)

GENERIC: dict[tuple[str, str], Any] = {}


def generic_class(group: str, version: str, kind: str, plural: str, *, namespaced: bool) -> Any:  # noqa: ANN401
    """Build (once) a dict-backed lightkube class, kept out of lightkube's global registry."""
    api_version = f"{group}/{version}" if group else version
    info = create_api_info(group, version, kind, plural)
    main = GenericNamespacedResource if namespaced else GenericGlobalResource
    status = GenericNamespacedStatus if namespaced else GenericGlobalStatus
    cls = type(
        kind,
        (main,),
        {
            "_api_info": info,
            "Status": _create_subresource(status, info, action="status"),
        },
    )
    GENERIC[(api_version, kind)] = cls
    return cls
