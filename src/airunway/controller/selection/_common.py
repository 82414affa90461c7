"""Vocabulary shared by engine and provider selection: outcome kinds, the error type, hasGPU.

Both selections classify their outcome the same way (the user chose, an earlier reconcile chose,
or this reconcile chose) and fail with a message that the reconciler copies verbatim into a
condition, so the kinds and the error type live here once.  ``has_gpu`` is here because the two
selections must agree on it exactly: the reference computes it twice, identically, from the
*literal* ``spec.serving.mode`` rather than the resolved one (the two only differ when
``serving`` is absent, where both are "not disaggregated").
"""

from __future__ import annotations

from enum import StrEnum
from typing import Final

from airunway.api import ModelDeploymentSpec, ServingMode

#: Error of both selections when no InferenceProviderConfig exists at all (§3.4, §3.6).
NO_PROVIDERS_REGISTERED: Final = (
    "no providers registered (InferenceProviderConfig resources not found)"
)


class SelectionSource(StrEnum):
    """Where a selected engine or provider came from.

    ``EXPLICIT`` and ``AUTO`` decisions carry a status entry for the reconciler to write;
    ``STICKY`` ones keep what an earlier reconcile recorded, untouched.
    """

    EXPLICIT = "explicit"
    STICKY = "sticky"
    AUTO = "auto"


class SelectionError(Exception):
    """No engine or provider can be selected; ``str(error)`` is the exact condition message."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


def gpu_count(spec: ModelDeploymentSpec) -> int:
    """Return ``spec.resources.gpu.count``, or 0 when resources or gpu are absent."""
    if spec.resources is None or spec.resources.gpu is None:
        return 0
    return spec.resources.gpu.count


def is_literally_disaggregated(spec: ModelDeploymentSpec) -> bool:
    """Return whether ``spec.serving.mode`` is present and ``disaggregated``."""
    return spec.serving is not None and spec.serving.mode == ServingMode.DISAGGREGATED


def has_gpu(spec: ModelDeploymentSpec) -> bool:
    """Return whether the deployment runs on GPUs: GPUs requested, or disaggregated serving."""
    return gpu_count(spec) > 0 or is_literally_disaggregated(spec)


def go_bool(value: bool) -> str:  # noqa: FBT001 - mirrors Go's %v of one bool
    """Render a bool as Go's ``%v`` does (``true``/``false``)."""
    return "true" if value else "false"
