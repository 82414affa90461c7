"""Rules of the project itself that a linter cannot check."""

from __future__ import annotations

import re
import tomllib

from airunway.devcluster.settings import REPO_ROOT


def test_every_ruff_ignore_says_why() -> None:
    text = (REPO_ROOT / "pyproject.toml").read_text()
    tomllib.loads(text)
    block = re.search(r"^ignore = \[(.*?)^\]", text, re.MULTILINE | re.DOTALL)
    assert block
    entries = [line.strip() for line in block.group(1).splitlines() if line.strip()]
    assert entries
    for entry in entries:
        assert re.fullmatch(r'"[A-Z]+\d*",\s+# \S.*', entry), f"ignore without a reason: {entry}"


def test_ci_runs_exactly_the_readme_test_command() -> None:
    ci = [
        line
        for line in (REPO_ROOT / ".ci" / "run").read_text().splitlines()
        if line.strip() and not line.startswith(("#", "set ", "cd "))
    ]
    assert ci == ["make test"]
    assert "make test" in (REPO_ROOT / "README.md").read_text()


def test_makefile_targets_all_have_help() -> None:
    text = (REPO_ROOT / "Makefile").read_text()
    targets = re.findall(r"^([a-z][a-z0-9-]*):", text, re.MULTILINE)
    documented = re.findall(r"^([a-z][a-z0-9-]*):.*## ", text, re.MULTILINE)
    assert targets
    assert set(targets) == set(documented)
