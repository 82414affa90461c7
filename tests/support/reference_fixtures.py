"""Fixtures shared by unit and cluster tests: the repository root, reference CRDs and examples.

The reference (the compatibility oracle) lives outside the repository, in ``../shared/crds/
reference`` next to the checkout; ``AIRUNWAY_REFERENCE_CRDS`` points elsewhere (a relative value is
taken from the repository root). A missing reference is an error, never a skip: these tests are
the only thing that proves our CRDs still accept what the reference accepts.
"""

from pathlib import Path
from typing import Any

import pytest
import yaml
from pydantic_settings import BaseSettings, SettingsConfigDict

REPO_ROOT = Path(__file__).resolve().parents[2]


class _ReferenceSettings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="AIRUNWAY_")

    reference_crds: Path = Path("../shared/crds/reference")


@pytest.fixture(scope="session")
def repo_root() -> Path:
    return REPO_ROOT


@pytest.fixture(scope="session")
def reference_dir() -> Path:
    directory = REPO_ROOT / _ReferenceSettings().reference_crds
    if not (directory / "airunway.ai_modeldeployments.yaml").is_file():
        pytest.fail(f"reference CRDs not found in {directory} (set AIRUNWAY_REFERENCE_CRDS)")
    return directory.resolve()


@pytest.fixture(scope="session")
def reference_examples(reference_dir: Path) -> dict[str, dict[str, Any]]:
    """Every reference example that is a ModelDeployment, by file name."""
    examples = {}
    for path in sorted((reference_dir / "examples").glob("*.yaml")):
        for doc in yaml.safe_load_all(path.read_text(encoding="utf-8")):
            if doc and doc.get("kind") == "ModelDeployment":
                examples[path.name] = doc
    assert examples, f"no ModelDeployment examples in {reference_dir / 'examples'}"
    return examples


def load_crd(path: Path) -> dict[str, Any]:
    docs = [d for d in yaml.safe_load_all(path.read_text(encoding="utf-8")) if d]
    assert len(docs) == 1, path
    crd: dict[str, Any] = docs[0]
    return crd


@pytest.fixture(scope="session")
def reference_crds(reference_dir: Path) -> dict[str, dict[str, Any]]:
    """The reference CRDs by file name."""
    return {p.name: load_crd(p) for p in sorted(reference_dir.glob("airunway.ai_*.yaml"))}


@pytest.fixture(scope="session")
def committed_crds(repo_root: Path) -> dict[str, dict[str, Any]]:
    """Our committed, generated CRDs by file name."""
    return {p.name: load_crd(p) for p in sorted((repo_root / "deploy" / "crds").glob("*.yaml"))}
