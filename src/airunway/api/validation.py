"""Validation helpers the reference keeps in its API package, shared by webhook and controller.

``ValidateImageFields`` runs at admission (rule V1) and again in the reconciler (step 7), so both
must say exactly the same thing.
"""

from __future__ import annotations

from airunway.api.gostr import go_quote
from airunway.api.modeldeployment import ModelDeploymentSpec


def image_fields_error(spec: ModelDeploymentSpec) -> str | None:
    """The ``ValidateImageFields`` message, or None when the two image fields agree (§1.1.2)."""
    engine_image = spec.engine.image if spec.engine is not None else None
    if spec.image and engine_image and spec.image != engine_image:
        return (
            f"spec.image {go_quote(spec.image)} conflicts with spec.engine.image "
            f"{go_quote(engine_image)}; remove spec.image or set both fields to the same value "
            "(spec.engine.image is preferred)"
        )
    return None
