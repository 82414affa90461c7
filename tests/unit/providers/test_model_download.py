"""The model downloader against a local stand-in of the Hub (real huggingface_hub client)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from airunway.providers.sdk.download import DownloadError, download, human
from airunway.providers.sdk.storage import PERMANENT_EXIT_CODE
from tests.support.hub_standin import Repo, hub_standin

MODEL = "acme/tiny-model"
FILES = {"config.json": b'{"model_type": "tiny"}', "model.safetensors": b"\x00" * 4096}


def test_downloads_a_snapshot_into_the_hub_cache(tmp_path: Path) -> None:
    with hub_standin({MODEL: Repo(FILES)}) as (endpoint, requests):
        done = download(MODEL, tmp_path, endpoint=endpoint)
    assert done.files == 2
    assert done.size == sum(len(d) for d in FILES.values())
    assert done.revision == Repo(FILES).sha
    snapshot = tmp_path / "models--acme--tiny-model" / "snapshots" / done.revision
    assert done.path == snapshot
    for name, data in FILES.items():
        assert (snapshot / name).read_bytes() == data
    assert any(r.startswith("GET /acme/tiny-model/resolve/") for r in requests)


def test_a_second_download_reuses_the_cache(tmp_path: Path) -> None:
    with hub_standin({MODEL: Repo(FILES)}) as (endpoint, requests):
        download(MODEL, tmp_path, endpoint=endpoint)
        fetched = sum(1 for r in requests if r.startswith("GET /acme/tiny-model/resolve/"))
        download(MODEL, tmp_path, endpoint=endpoint)
        again = sum(1 for r in requests if r.startswith("GET /acme/tiny-model/resolve/"))
    assert fetched == len(FILES)
    assert again == fetched  # nothing downloaded twice


def test_unknown_and_gated_models_are_permanent_failures(tmp_path: Path) -> None:
    repos = {"acme/gated": Repo(FILES, gated=True)}
    with hub_standin(repos) as (endpoint, _):
        with pytest.raises(DownloadError) as missing:
            download("acme/missing", tmp_path, endpoint=endpoint)
        with pytest.raises(DownloadError) as gated:
            download("acme/gated", tmp_path, endpoint=endpoint)
    assert missing.value.permanent
    assert str(missing.value).startswith("model acme/missing was not found on the Hub")
    assert gated.value.permanent
    assert "spec.secrets.huggingFaceToken" in str(gated.value)


def test_a_volume_too_small_for_the_model_is_refused_before_downloading(tmp_path: Path) -> None:
    huge = Repo(FILES, claimed_sizes={"model.safetensors": 1 << 60})  # 1 EiB
    with hub_standin({MODEL: huge}) as (endpoint, requests), pytest.raises(DownloadError) as caught:
        download(MODEL, tmp_path, endpoint=endpoint)
    assert caught.value.permanent
    assert str(caught.value).startswith(
        f"model {MODEL} needs {human((1 << 60) + 22)} but the model"
    )
    assert "raise the size of the modelCache volume" in str(caught.value)
    assert not any("/resolve/" in r for r in requests)


def test_an_unreachable_hub_is_a_retryable_failure(tmp_path: Path) -> None:
    with hub_standin({}) as (endpoint, _):
        pass  # stopped: nothing listens there any more
    with pytest.raises(DownloadError) as caught:
        download(MODEL, tmp_path, endpoint=endpoint)
    assert not caught.value.permanent


def test_human_sizes() -> None:
    assert human(512) == "512 B"
    assert human(1536) == "1.5 KiB"
    assert human(3 << 30) == "3.0 GiB"


def _run_job_command(model: str, endpoint: str, tmp: Path) -> subprocess.CompletedProcess[str]:
    """``airunway model download`` as the Job runs it: HF_HOME on the volume, HF_ENDPOINT."""
    env = {
        "PATH": os.defpath,
        "HF_HOME": str(tmp / "cache"),
        "HF_ENDPOINT": endpoint,
        "HF_HUB_DISABLE_TELEMETRY": "1",
        "AIRUNWAY_DOWNLOAD_TERMINATION_LOG": str(tmp / "termination-log"),
    }
    return subprocess.run(
        [sys.executable, "-m", "airunway.cli.main", "model", "download", model],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def test_the_job_command_exits_by_kind_of_failure_and_says_why(tmp_path: Path) -> None:
    with hub_standin({MODEL: Repo(FILES)}) as (endpoint, _):
        ok = _run_job_command(MODEL, endpoint, tmp_path)
        missing = _run_job_command("acme/missing", endpoint, tmp_path)
    assert ok.returncode == 0, ok.stderr
    assert ok.stdout.startswith(f"downloaded {MODEL}@")
    assert (tmp_path / "cache" / "hub" / "models--acme--tiny-model").is_dir()
    assert missing.returncode == PERMANENT_EXIT_CODE
    reason = (tmp_path / "termination-log").read_text()
    assert reason.startswith("model acme/missing was not found on the Hub")
    assert reason in missing.stderr
