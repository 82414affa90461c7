"""Settings of the backend process, read once at start from the reference's variable names.

The names are the reference backend's own (``PORT``, ``AUTH_ENABLED``, ``CORS_ORIGIN``,
``DEFAULT_NAMESPACE``...) so a manifest written for it configures this one unchanged; options
that only this implementation has use the ``AIRUNWAY_BACKEND_`` prefix.
"""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

from pydantic import AliasChoices, Field, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from airunway import __version__
from airunway.kube.retry import RetryPolicy

#: Where a built web UI is looked for when no directory is configured (src layout).
DEFAULT_UI_DIR = Path(__file__).resolve().parents[3] / "web" / "dist"


def _env(name: str) -> AliasChoices:
    return AliasChoices(name, name.lower())


class BackendSettings(BaseSettings):
    """Everything the backend reads from its environment or command line."""

    model_config = SettingsConfigDict(extra="ignore", populate_by_name=True)

    port: int = Field(default=3001, ge=0, le=65535, validation_alias=_env("PORT"))
    host: str = Field(default="127.0.0.1", validation_alias=_env("AIRUNWAY_BACKEND_HOST"))
    log_level: str = Field(default="info", validation_alias=_env("LOG_LEVEL"))
    auth_enabled: bool = Field(
        default=False,
        validation_alias=_env("AUTH_ENABLED"),
        description="Require a bearer token and call Kubernetes as its user (true/1).",
    )
    cors_origin: str | None = Field(
        default=None,
        validation_alias=_env("CORS_ORIGIN"),
        description="Unset: loopback origins only; '*': any; else a comma-separated list.",
    )
    default_namespace: str = Field(
        default="airunway-system", validation_alias=_env("DEFAULT_NAMESPACE")
    )
    kubeconfig: Path | None = Field(
        default=None,
        validation_alias=_env("AIRUNWAY_BACKEND_KUBECONFIG"),
        description="Kubeconfig of the backend's own identity; none: in-cluster or $KUBECONFIG.",
    )
    ui_dir: Path = Field(
        default=DEFAULT_UI_DIR,
        validation_alias=_env("AIRUNWAY_BACKEND_UI_DIR"),
        description="The built web UI; a placeholder page is served while it does not exist.",
    )
    max_body_bytes: int = Field(
        default=1024 * 1024,
        ge=1024,
        validation_alias=_env("AIRUNWAY_BACKEND_MAX_BODY_BYTES"),
        description="Larger request bodies are refused with 413 before they are parsed.",
    )
    list_cache_seconds: float = Field(
        default=1.0,
        ge=0,
        validation_alias=_env("AIRUNWAY_BACKEND_LIST_CACHE_SECONDS"),
        description="Identical deployment lists within this time share one read (0: off).",
    )
    hf_endpoint: str = Field(
        default="https://huggingface.co",
        validation_alias=_env("HF_ENDPOINT"),
        description="Hugging Face Hub base URL (model configs for the throughput estimate).",
    )
    provider_health_staleness_ms: float = Field(
        default=180_000, validation_alias=_env("PROVIDER_HEALTH_STALENESS_MS")
    )
    kube_retries: int = Field(
        default=3,
        ge=0,
        le=10,
        validation_alias=_env("AIRUNWAY_BACKEND_KUBE_RETRIES"),
        description="Extra attempts of a Kubernetes call that failed transiently (429, 5xx).",
    )
    kube_retry_initial_ms: float = Field(
        default=1000,
        ge=0,
        validation_alias=_env("AIRUNWAY_BACKEND_KUBE_RETRY_INITIAL_MS"),
        description="Wait before the first retry; doubled (with jitter) for each further one.",
    )
    kube_retry_max_ms: float = Field(
        default=10_000,
        ge=0,
        validation_alias=_env("AIRUNWAY_BACKEND_KUBE_RETRY_MAX_MS"),
        description="The longest wait between two attempts.",
    )
    version: str = Field(default=f"v{__version__}", validation_alias=_env("VERSION"))
    git_commit: str = Field(default="unknown", validation_alias=_env("GIT_COMMIT"))
    build_time: str = Field(
        default_factory=lambda: datetime.now(UTC).isoformat().replace("+00:00", "Z"),
        validation_alias=_env("BUILD_TIME"),
    )

    def retry_policy(self) -> RetryPolicy:
        """The retry policy of every Kubernetes call the backend makes (spec §1.5.2)."""
        return RetryPolicy(
            max_retries=self.kube_retries,
            initial_delay=self.kube_retry_initial_ms / 1000,
            max_delay=self.kube_retry_max_ms / 1000,
        )

    @field_validator("provider_health_staleness_ms")
    @classmethod
    def _positive(cls, value: float) -> float:
        """A non-positive threshold falls back to the default, as the reference does."""
        return value if value > 0 else 180_000

    @field_validator("auth_enabled", mode="before")
    @classmethod
    def _truthy(cls, value: object) -> bool:
        """Only ``true`` (any case) and ``1`` turn auth on; anything else leaves it off."""
        if isinstance(value, bool):
            return value
        return str(value).strip().lower() in {"true", "1"}
