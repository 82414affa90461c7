from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest

from airunway.devcluster import versions
from airunway.devcluster.build import COMPONENTS, Builder
from airunway.devcluster.errors import BuildError
from airunway.devcluster.settings import REPO_ROOT, DevClusterSettings


def _required(module: str, path: str) -> str:
    text = (REPO_ROOT / "tools" / module / "go.mod").read_text()
    match = re.search(rf"^\s*(?:require\s+)?{re.escape(path)} (v\S+)", text, re.MULTILINE)
    assert match, f"{path} not required in tools/{module}/go.mod"
    return match.group(1)


def test_pinned_versions_match_the_go_modules() -> None:
    assert _required("k8s", "k8s.io/kubernetes") == versions.KUBERNETES
    assert _required("k8s", "go.etcd.io/etcd/server/v3") == versions.ETCD
    assert _required("kwok", "sigs.k8s.io/kwok") == versions.KWOK
    assert _required("helm", "helm.sh/helm/v3") == versions.HELM


def test_every_staging_module_is_replaced_at_the_matching_version() -> None:
    text = (REPO_ROOT / "tools" / "k8s" / "go.mod").read_text()
    staging = versions.KUBERNETES.replace("v1.", "v0.", 1)
    replaced = re.findall(r"^\s*(k8s\.io/\S+) => k8s\.io/\S+ (v\S+)$", text, re.MULTILINE)
    assert len(replaced) == 29
    assert {v for _, v in replaced} == {staging}


def test_kubernetes_binaries_are_version_stamped() -> None:
    k8s = next(c for c in COMPONENTS if c.name == "kubernetes")
    assert f"k8s.io/component-base/version.gitVersion={versions.KUBERNETES}" in k8s.ldflags
    assert f"k8s.io/client-go/pkg/version.gitVersion={versions.KUBERNETES}" in k8s.ldflags


def test_cache_key_changes_when_the_pins_change(tmp_path: Path) -> None:
    tools = tmp_path / "tools"
    shutil.copytree(REPO_ROOT / "tools" / "kwok", tools / "kwok")
    settings = DevClusterSettings(tools_dir=tools, cache_dir=tmp_path / "cache")
    kwok = next(c for c in COMPONENTS if c.name == "kwok")
    before = kwok.key(settings, "go version go1.26.8 linux/amd64")
    assert before == kwok.key(settings, "go version go1.26.8 linux/amd64")
    assert before != kwok.key(settings, "go version go1.27.0 linux/amd64")
    (tools / "kwok" / "go.sum").write_text("changed\n")
    assert before != kwok.key(settings, "go version go1.26.8 linux/amd64")


def test_missing_go_is_a_one_line_error_naming_the_step(tmp_path: Path) -> None:
    settings = DevClusterSettings(go="no-such-go-binary", cache_dir=tmp_path)
    with pytest.raises(BuildError) as err:
        Builder(settings).ensure_all()
    message = str(err.value)
    assert "\n" not in message
    assert "step 'find go'" in message


def test_a_failed_build_names_the_step_and_the_log(tmp_path: Path) -> None:
    tools = tmp_path / "tools"
    (tools / "kwok").mkdir(parents=True)
    (tools / "kwok" / "go.mod").write_text("module broken\n\ngo 1.26.0\n")
    (tools / "kwok" / "go.sum").write_text("")
    settings = DevClusterSettings(tools_dir=tools, cache_dir=tmp_path / "cache")
    kwok = next(c for c in COMPONENTS if c.name == "kwok")
    with pytest.raises(BuildError) as err:
        Builder(settings).ensure(kwok)
    message = str(err.value)
    assert "step 'go build kwok v0.8.0' failed" in message
    log = Path(message.rsplit("log: ", 1)[1])
    assert log.is_file()
    assert "sigs.k8s.io/kwok" in log.read_text()
    assert not list((tmp_path / "cache" / "bin").glob("kwok-*[!l]"))  # no half-filled entry
