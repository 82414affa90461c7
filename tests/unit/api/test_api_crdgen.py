"""``python -m airunway.api.crdgen``: deterministic output, a working ``--check``, sane CEL."""

import re
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml

from airunway.api import cel
from airunway.api.crdgen import CRDS, HEADER, main, render_all


def test_committed_crds_are_up_to_date(repo_root: Path) -> None:
    assert main(["--check", "--out", str(repo_root / "deploy" / "crds")]) == 0


def test_module_entry_point_checks_the_committed_output(repo_root: Path) -> None:
    result = subprocess.run(
        [sys.executable, "-m", "airunway.api.crdgen", "--check"],
        cwd=repo_root,
        capture_output=True,
        text=True,
        check=False,
    )
    assert (result.returncode, result.stderr) == (0, "")


def test_output_is_deterministic() -> None:
    assert render_all() == render_all()


def test_every_file_starts_with_the_header_and_holds_one_crd() -> None:
    for name, content in render_all().items():
        assert content.startswith(HEADER), name
        docs = [d for d in yaml.safe_load_all(content) if d]
        assert [d["kind"] for d in docs] == ["CustomResourceDefinition"], name


def test_write_then_check(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "crds"
    assert main(["--out", str(out)]) == 0
    assert sorted(p.name for p in out.iterdir()) == sorted(render_all())
    capsys.readouterr()
    assert main(["--check", "--out", str(out)]) == 0
    assert capsys.readouterr().err == ""


def test_check_names_a_drifted_file(
    repo_root: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "crds"
    shutil.copytree(repo_root / "deploy" / "crds", out)
    drifted = out / CRDS[0].file_name
    drifted.write_text(drifted.read_text(encoding="utf-8") + "# edited\n", encoding="utf-8")
    assert main(["--check", "--out", str(out)]) == 1
    err = capsys.readouterr().err
    assert err.count("\n") == 1
    assert str(drifted) in err
    assert CRDS[1].file_name not in err


def test_check_reports_a_missing_file(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["--check", "--out", str(tmp_path)]) == 1
    err = capsys.readouterr().err
    assert all(name in err for name in render_all())


def _rule_nodes(node: dict[str, Any]) -> Iterator[tuple[dict[str, Any], dict[str, Any]]]:
    for rule in node.get("x-kubernetes-validations", []):
        yield node, rule
    for sub in node.get("properties", {}).values():
        yield from _rule_nodes(sub)
    if isinstance(node.get("items"), dict):
        yield from _rule_nodes(node["items"])


def _resolves(node: dict[str, Any], field_path: str) -> bool:
    for name in field_path.lstrip(".").split("."):
        if name not in node.get("properties", {}):
            return False
        node = node["properties"][name]
    return True


def test_cel_rules_are_well_formed(committed_crds: dict[str, dict[str, Any]]) -> None:
    messages = [v for k, v in vars(cel).items() if k.startswith("MSG_") and isinstance(v, str)]
    templates = [re.compile(".+".join(map(re.escape, re.split(r"\{\w+\}", m)))) for m in messages]
    rules = 0
    for doc in committed_crds.values():
        schema = doc["spec"]["versions"][0]["schema"]["openAPIV3Schema"]
        for node, rule in _rule_nodes(schema):
            rules += 1
            assert set(rule) <= {
                "rule",
                "message",
                "messageExpression",
                "fieldPath",
                "reason",
                "optionalOldSelf",
            }
            assert rule["message"].strip(), rule
            assert "'" not in rule["rule"] or rule["rule"].count("'") % 2 == 0
            if "fieldPath" in rule:
                assert _resolves(node, rule["fieldPath"]), rule
            # a static message is one of the webhook's texts (a messageExpression builds it instead)
            if "messageExpression" not in rule:
                assert any(t.fullmatch(rule["message"]) for t in templates), rule["message"]
    assert rules > 0


def test_inference_provider_config_has_no_cel_rules(
    committed_crds: dict[str, dict[str, Any]],
) -> None:
    schema = committed_crds["airunway.ai_inferenceproviderconfigs.yaml"]["spec"]["versions"][0]
    assert list(_rule_nodes(schema["schema"]["openAPIV3Schema"])) == []
