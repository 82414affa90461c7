"""Provider failure kinds, each mapped once to a condition by the reconcile loop."""

from __future__ import annotations


class ProviderError(Exception):
    """Base of every provider failure."""


class IncompatibleError(ProviderError):
    """The provider cannot serve this ModelDeployment (ProviderCompatible=False)."""


class TransformError(ProviderError):
    """The ModelDeployment cannot be rendered into upstream objects (ResourceCreated=False)."""


class OverrideError(TransformError):
    """``spec.provider.overrides`` is not usable (not an object, or a blocked key)."""
