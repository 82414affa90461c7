"""Settings of the local control plane, read once from ``AIRUNWAY_*`` environment variables.

The defaults put every cache outside the repository (so a clean checkout stays clean and a
reused machine skips the Go builds) and find the repository's own ``tools/`` and the shared
upstream CRDs relative to the source tree, never by an absolute path of one machine.
"""

from __future__ import annotations

import os
from pathlib import Path

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict

#: The repository root when running from a checkout (src layout: src/airunway/devcluster/...).
REPO_ROOT = Path(__file__).resolve().parents[3]


class DevClusterSettings(BaseSettings):
    """Where the dev cluster finds its sources and keeps its caches and state."""

    model_config = SettingsConfigDict(env_prefix="AIRUNWAY_", extra="ignore")

    cache_dir: Path = Field(
        default=Path.home() / ".cache" / "airunway",
        description="Root of the binary, Go module and Go build caches (outside the repo).",
    )
    tools_dir: Path = Field(
        default=REPO_ROOT / "tools",
        description="The Go tool modules (k8s, kwok, helm) whose go.mod pins what is built.",
    )
    upstream_crds: Path = Field(
        default=REPO_ROOT.parent / "shared" / "crds" / "upstream",
        description="Upstream CRDs (KAITO, Dynamo, KubeRay, Gateway API...) to install.",
    )
    project_crds: Path = Field(
        default=REPO_ROOT / "deploy" / "crds",
        description="AI Runway's own generated CRDs, installed after the upstream ones.",
    )
    state_dir: Path | None = Field(
        default=None,
        description="Where cluster state lives; defaults to <cache_dir>/clusters.",
    )
    go: str = Field(default="go", description="The Go command used for the builds.")
    build_parallelism: int = Field(
        default=2,
        ge=1,
        description="go build -p: two keeps the peak memory of the k8s build safe on 2 cores.",
    )

    @property
    def clusters_dir(self) -> Path:
        """Directory holding one sub-directory per named cluster."""
        return self.state_dir or self.cache_dir / "clusters"


def child_env(**overrides: str) -> dict[str, str]:
    """The environment a child process inherits, with ``overrides`` on top.

    Kept here because this is the one module allowed to touch ``os.environ``.
    """
    env = dict(os.environ)
    env.update(overrides)
    return env
