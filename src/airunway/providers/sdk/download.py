"""The model downloader the download Job runs (``airunway model download MODEL_ID``).

It fills the Hugging Face cache on the shared model-cache volume (``HF_HOME``, set by the Job)
with one snapshot of the model, so serving pods that mount the same volume with the same
``HF_HOME`` find it there instead of each downloading it.  Built on ``huggingface_hub`` (which
reads ``HF_HOME``, ``HF_TOKEN`` and ``HF_ENDPOINT`` itself).

Failures are split by whether a retry can help.  An unknown or gated repository, an unknown
revision, a refused token, or a volume that cannot hold the model are *permanent*: exit code
:data:`~airunway.providers.sdk.storage.PERMANENT_EXIT_CODE`, which the Job's pod failure policy
turns into an immediate Job failure.  Anything else (network, Hub outage) exits 1 and the Job
retries with back-off.  The reason is written as the container's termination message, which the
provider copies into the ModelDeployment's ``ModelDownloaded`` condition.
"""

from __future__ import annotations

import shutil
from dataclasses import dataclass
from pathlib import Path

from huggingface_hub import HfApi, snapshot_download
from huggingface_hub.errors import (
    GatedRepoError,
    HfHubHTTPError,
    RepositoryNotFoundError,
    RevisionNotFoundError,
)

_UNITS = ("B", "KiB", "MiB", "GiB", "TiB", "PiB")
_HTTP_UNAUTHORIZED, _HTTP_FORBIDDEN = 401, 403


class DownloadError(Exception):
    """The download failed; ``permanent`` when retrying cannot help."""

    def __init__(self, message: str, *, permanent: bool) -> None:
        super().__init__(message)
        self.permanent = permanent


@dataclass(frozen=True)
class Downloaded:
    """Where the snapshot is and what it holds."""

    path: Path
    revision: str
    files: int
    size: int


def human(size: int) -> str:
    """``size`` bytes in binary units, e.g. ``1.5 GiB``."""
    value = float(size)
    for unit in _UNITS:
        if value < 1024 or unit == _UNITS[-1]:  # noqa: PLR2004
            return f"{value:.0f} {unit}" if unit == "B" else f"{value:.1f} {unit}"
        value /= 1024
    raise AssertionError  # pragma: no cover - the loop always returns


def _existing(path: Path) -> Path:
    """``path`` or its nearest existing parent (the cache directory may not exist yet)."""
    for candidate in (path, *path.parents):
        if candidate.exists():
            return candidate
    return Path("/")


def _cached_size(cache_dir: Path, model_id: str) -> int:
    """Bytes of this model already in the cache (a retried Job resumes, it does not restart)."""
    repo = cache_dir / ("models--" + model_id.replace("/", "--"))
    if not repo.is_dir():
        return 0
    return sum(f.stat().st_size for f in repo.rglob("*") if f.is_file() and not f.is_symlink())


def download(
    model_id: str,
    cache_dir: Path,
    *,
    revision: str | None = None,
    endpoint: str | None = None,
    token: str | None = None,
) -> Downloaded:
    """Download one snapshot of ``model_id`` into ``cache_dir`` (a Hugging Face hub cache)."""
    api = HfApi(endpoint=endpoint, token=token)
    try:
        info = api.model_info(model_id, revision=revision, files_metadata=True)
    except GatedRepoError as exc:
        raise DownloadError(
            f"model {model_id} is gated: accept its terms on the Hub and set "
            "spec.secrets.huggingFaceToken to a token that has access",
            permanent=True,
        ) from exc
    except RepositoryNotFoundError as exc:
        raise DownloadError(
            f"model {model_id} was not found on the Hub (or is private and no token with access "
            "was given)",
            permanent=True,
        ) from exc
    except RevisionNotFoundError as exc:
        raise DownloadError(
            f"revision {revision} of model {model_id} was not found", permanent=True
        ) from exc
    except HfHubHTTPError as exc:
        code = exc.response.status_code if exc.response is not None else 0
        permanent = code in {_HTTP_UNAUTHORIZED, _HTTP_FORBIDDEN}
        raise DownloadError(f"reading model {model_id} failed: {exc}", permanent=permanent) from exc
    except Exception as exc:
        raise DownloadError(f"reading model {model_id} failed: {exc}", permanent=False) from exc
    files = info.siblings or []
    needed = sum(f.size or 0 for f in files)
    cache_dir.mkdir(parents=True, exist_ok=True)
    free = shutil.disk_usage(_existing(cache_dir)).free + _cached_size(cache_dir, model_id)
    if needed > free:
        raise DownloadError(
            f"model {model_id} needs {human(needed)} but the model cache volume has only "
            f"{human(free)} free; raise the size of the modelCache volume in "
            "spec.model.storage.volumes",
            permanent=True,
        )
    sha = info.sha or revision
    try:
        path = snapshot_download(
            model_id, revision=sha, cache_dir=cache_dir, endpoint=endpoint, token=token
        )
    except Exception as exc:
        raise DownloadError(f"downloading model {model_id} failed: {exc}", permanent=False) from exc
    return Downloaded(Path(path), sha or "", len(files), needed)
