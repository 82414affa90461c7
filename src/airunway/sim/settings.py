"""Settings of the upstream-operator simulators (``AIRUNWAY_SIM_*``), validated at start.

The simulators stand in for real operators (KAITO, ...) on clusters whose nodes are simulated
by kwok, where the real operators cannot run their real workloads.  They read their knobs from
the environment or the command line like every other AI Runway process.
"""

from __future__ import annotations

from pathlib import Path

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict


class SimSettings(BaseSettings):
    """Everything a simulator reads from its environment or command line."""

    model_config = SettingsConfigDict(env_prefix="AIRUNWAY_SIM_", extra="forbid")

    kubeconfig: Path | None = Field(
        default=None, description="Kubeconfig file; none means in-cluster or $KUBECONFIG."
    )
    ready_delay: float = Field(
        default=3.0,
        ge=0,
        description=(
            "Seconds the inference pods must have been Ready before the workload counts as "
            "serving: stands in for the model-loading time of a real inference server."
        ),
    )
    field_manager: str = Field(
        default="airunway-sim-kaito",
        min_length=1,
        description="Server-side apply field manager of every write the simulator makes.",
    )
    namespace: str | None = Field(
        default=None,
        description="Watch only this namespace (tests); none means the whole cluster.",
    )
    install_upstream: bool = Field(
        default=True,
        description="Create the upstream controller's Deployment so health probes find it.",
    )
    workers: int = Field(default=4, ge=1, description="Concurrent reconciles (distinct objects).")
    node_recheck: float = Field(
        default=2.0,
        gt=0,
        description="Seconds between re-checks while too few nodes match (nodes are not watched).",
    )
    reconnect_delay: float = Field(
        default=0.5, gt=0, description="First delay before re-opening a failed watch (doubles)."
    )
