"""Settings of a provider controller process (``AIRUNWAY_PROVIDER_*``)."""

from __future__ import annotations

import socket
import uuid
from pathlib import Path

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict

from airunway import __version__


class ProviderSettings(BaseSettings):
    """What every provider process reads from its environment or command line."""

    model_config = SettingsConfigDict(env_prefix="AIRUNWAY_PROVIDER_", extra="forbid")

    kubeconfig: Path | None = Field(default=None, description="Kubeconfig; none = in-cluster.")
    namespace: str = Field(default="airunway-system", description="Namespace of the Lease.")
    identity: str = Field(
        default_factory=lambda: f"{socket.gethostname()}_{uuid.uuid4().hex[:8]}",
        description="This replica's identity in the Lease.",
    )
    leader_elect: bool = Field(default=True, description="Hold a Lease before reconciling.")
    lease_duration: float = Field(default=15.0, gt=0, description="Lease duration (seconds).")
    renew_deadline: float = Field(default=10.0, gt=0, description="Step down after (seconds).")
    retry_period: float = Field(default=2.0, gt=0, description="Renew/retry period (seconds).")
    heartbeat_interval: float = Field(
        default=60.0, gt=0, description="How often the provider re-reports its readiness."
    )
    version: str = Field(default="dev", description="Reported as <name>-provider:<version>.")
    workers: int = Field(default=16, ge=1, description="Concurrent reconciles (mostly I/O waits).")
    health_port: int = Field(default=8081, ge=0, description="/healthz and /readyz; 0 off.")
    metrics_port: int = Field(default=8080, ge=0, description="/metrics; 0 off.")
    probe_host: str = Field(default="0.0.0.0", description="Address of health/metrics.")  # noqa: S104
    download_job_image: str = Field(
        default=f"ghcr.io/ai-runway/airunway:{__version__}",
        description="Image of the model download Job (runs `airunway model download`).",
    )
    watch_reconnect_delay: float = Field(
        default=1.0, gt=0, description="First wait before a failed watch is re-opened (seconds)."
    )
    deletion_timeout: float = Field(
        default=300.0, gt=0, description="Give up waiting for upstream deletion after (seconds)."
    )
