"""Failures of the dev cluster, one type per kind, each with a one-line message.

The CLI prints ``str(error)`` and exits non-zero; the message names the step and, where there is
one, the log file, so nobody has to read a traceback to know what broke.
"""

from __future__ import annotations


class DevClusterError(Exception):
    """Base of every dev-cluster failure."""


class BuildError(DevClusterError):
    """A component could not be built (missing Go, a failed ``go build``)."""


class StartError(DevClusterError):
    """A component did not start or did not become ready within its deadline."""

    def __init__(self, message: str, log: str = "") -> None:
        super().__init__(message)
        self.log = log


class NotRunningError(DevClusterError):
    """An operation needs a running cluster and there is none under that name."""
