"""Test-run wiring: one real control plane per run, shared by every xdist worker.

The controlling process picks a cluster name and hands it to the workers; the first worker that
asks for the ``cluster`` fixture starts it under a file lock (the components run detached, so
they outlive that worker), the others reuse it, and the controlling process stops it at the end.
A control plane that cannot start makes every test that needs it ERROR with the reason: never a
skip.
"""

from __future__ import annotations

import uuid
from typing import Any

import pytest
from pydantic_settings import BaseSettings, SettingsConfigDict

CLUSTER_NAME_KEY = "airunway_cluster_name"


def pytest_configure(config: pytest.Config) -> None:
    workerinput: dict[str, Any] | None = getattr(config, "workerinput", None)
    if workerinput is not None:
        config.stash[_NAME] = str(workerinput[CLUSTER_NAME_KEY])
    else:
        config.stash[_NAME] = f"test-{uuid.uuid4().hex[:8]}"


@pytest.hookimpl(optionalhook=True)
def pytest_configure_node(node: Any) -> None:  # xdist's WorkerController
    node.workerinput[CLUSTER_NAME_KEY] = node.config.stash[_NAME]


def pytest_unconfigure(config: pytest.Config) -> None:
    if getattr(config, "workerinput", None) is not None or _NAME not in config.stash:
        return
    from airunway.devcluster.cluster import DevCluster  # noqa: PLC0415 - only when tests ran

    cluster = DevCluster(config.stash[_NAME])
    if _TestRunSettings().test_keep_cluster and cluster.status().exists:
        print(f"\nkept cluster {cluster.name}: airunway dev cluster down --name {cluster.name}")  # noqa: T201
        return
    cluster.down()
    (cluster.settings.clusters_dir / f"{cluster.name}.lock").unlink(missing_ok=True)


_NAME = pytest.StashKey[str]()


class _TestRunSettings(BaseSettings):
    """``AIRUNWAY_TEST_KEEP_CLUSTER=1`` keeps the run's cluster (and its logs) for debugging."""

    model_config = SettingsConfigDict(env_prefix="AIRUNWAY_", extra="ignore")

    test_keep_cluster: bool = False


@pytest.fixture(scope="session")
def cluster_name(pytestconfig: pytest.Config) -> str:
    return pytestconfig.stash[_NAME]


pytest_plugins = [
    "tests.support.cluster_fixtures",
    "tests.support.reference_fixtures",
    "tests.support.backend_fixtures",
]
