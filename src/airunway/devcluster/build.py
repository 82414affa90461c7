"""Build the control-plane binaries from the Go module proxy, once per version set.

Each component is built from a small Go module under ``tools/`` whose committed ``go.mod`` and
``go.sum`` pin every dependency, with ``GOTOOLCHAIN=local`` so a too-new requirement fails loudly
instead of fetching a toolchain.  Outputs land in ``<cache>/bin/<name>-<version>-<key>/`` where the
key hashes everything that changes the binary (Go version, go.mod, go.sum, packages, ldflags); a
present directory is reused and a version bump builds a new one.  The build goes to a temporary
directory that is renamed into place, so a killed build never leaves a half-filled cache entry.
"""

from __future__ import annotations

import hashlib
import shutil
import subprocess
import time
from dataclasses import dataclass, field
from pathlib import Path

from airunway.devcluster import versions
from airunway.devcluster.errors import BuildError
from airunway.devcluster.settings import DevClusterSettings, child_env


def _version_ldflags(version: str, major: str, minor: str) -> str:
    """Stamp the version the way Kubernetes' own build does, so ``/version`` tells the truth."""
    flags = ["-s", "-w"]
    for pkg in ("k8s.io/component-base/version", "k8s.io/client-go/pkg/version"):
        flags += [
            f"-X {pkg}.gitVersion={version}",
            f"-X {pkg}.gitMajor={major}",
            f"-X {pkg}.gitMinor={minor}",
            f"-X {pkg}.gitTreeState=clean",
            f"-X {pkg}.gitCommit={version}",
            f"-X {pkg}.buildDate=1970-01-01T00:00:00Z",
        ]
    return " ".join(flags)


def _helm_ldflags() -> str:
    minor = versions.HELM_K8S_MINOR
    return " ".join(
        [
            "-s -w",
            f"-X helm.sh/helm/v3/internal/version.version={versions.HELM}",
            "-X helm.sh/helm/v3/pkg/chartutil.k8sVersionMajor=1",
            f"-X helm.sh/helm/v3/pkg/chartutil.k8sVersionMinor={minor}",
            "-X helm.sh/helm/v3/pkg/lint/rules.k8sVersionMajor=1",
            f"-X helm.sh/helm/v3/pkg/lint/rules.k8sVersionMinor={minor}",
        ]
    )


@dataclass(frozen=True)
class GoBuild:
    """One ``go build`` invocation: packages of a tool module and the binaries they produce."""

    name: str
    version: str
    module: str
    packages: tuple[str, ...]
    binaries: tuple[str, ...]
    ldflags: str = "-s -w"
    single_output: bool = field(default=False)

    def key(self, settings: DevClusterSettings, go_version: str) -> str:
        """Hash of everything that changes the output, so a new pin means a new cache entry."""
        digest = hashlib.sha256()
        mod = settings.tools_dir / self.module
        for part in (go_version, self.ldflags, *self.packages, *self.binaries):
            digest.update(part.encode())
        for name in ("go.mod", "go.sum"):
            digest.update((mod / name).read_bytes())
        return digest.hexdigest()[:12]


K8S_MINOR = versions.KUBERNETES.split(".")[1]

COMPONENTS: tuple[GoBuild, ...] = (
    GoBuild(
        name="kubernetes",
        version=versions.KUBERNETES,
        module="k8s",
        packages=(
            "k8s.io/kubernetes/cmd/kube-apiserver",
            "k8s.io/kubernetes/cmd/kube-controller-manager",
            "k8s.io/kubernetes/cmd/kube-scheduler",
        ),
        binaries=("kube-apiserver", "kube-controller-manager", "kube-scheduler"),
        ldflags=_version_ldflags(versions.KUBERNETES, "1", K8S_MINOR),
    ),
    GoBuild(
        name="etcd",
        version=versions.ETCD,
        module="k8s",
        packages=("go.etcd.io/etcd/server/v3",),
        binaries=("etcd",),
        single_output=True,
    ),
    GoBuild(
        name="kwok",
        version=versions.KWOK,
        module="kwok",
        packages=("sigs.k8s.io/kwok/cmd/kwok",),
        binaries=("kwok",),
        single_output=True,
    ),
    GoBuild(
        name="helm",
        version=versions.HELM,
        module="helm",
        packages=("helm.sh/helm/v3/cmd/helm",),
        binaries=("helm",),
        ldflags=_helm_ldflags(),
        single_output=True,
    ),
)


@dataclass(frozen=True)
class BuildResult:
    """Where a component's binaries are and whether this call had to build them."""

    component: GoBuild
    directory: Path
    built: bool
    seconds: float


class Builder:
    """Builds (or finds cached) binaries for every component."""

    def __init__(self, settings: DevClusterSettings | None = None) -> None:
        self.settings = settings or DevClusterSettings()
        self._go_version: str | None = None

    @property
    def go_env(self) -> dict[str, str]:
        """Environment for every go command: local toolchain, caches under our cache dir."""
        cache = self.settings.cache_dir / "go"
        return child_env(
            GOTOOLCHAIN="local",
            GOMODCACHE=str(cache / "mod"),
            GOCACHE=str(cache / "build"),
            GOFLAGS="-mod=readonly",
            CGO_ENABLED="0",
        )

    def go_version(self) -> str:
        """``go version`` output; a missing Go is a one-line BuildError."""
        if self._go_version is None:
            go = shutil.which(self.settings.go)
            if go is None:
                raise BuildError(
                    f"step 'find go': '{self.settings.go}' is not on PATH; "
                    "install Go >= 1.26 (GOTOOLCHAIN=local is used, nothing is downloaded)"
                )
            out = subprocess.run(
                [go, "version"], capture_output=True, text=True, check=False, env=self.go_env
            )
            if out.returncode != 0:
                raise BuildError(f"step 'go version' failed: {out.stderr.strip()}")
            self._go_version = out.stdout.strip()
        return self._go_version

    def directory(self, component: GoBuild) -> Path:
        """Cache directory of a component's binaries for the current pins."""
        key = component.key(self.settings, self.go_version())
        return self.settings.cache_dir / "bin" / f"{component.name}-{component.version}-{key}"

    def binary(self, name: str) -> Path:
        """Path of one built binary (building its component first if needed)."""
        for component in COMPONENTS:
            if name in component.binaries:
                return self.ensure(component).directory / name
        raise KeyError(name)

    def ensure(self, component: GoBuild) -> BuildResult:
        """Return the cached build of ``component``, building it when absent."""
        started = time.monotonic()
        target = self.directory(component)
        if all((target / b).is_file() for b in component.binaries):
            return BuildResult(component, target, built=False, seconds=0.0)
        logs = self.settings.cache_dir / "logs"
        logs.mkdir(parents=True, exist_ok=True)
        log = logs / f"build-{component.name}.log"
        staging = target.with_name(target.name + ".partial")
        shutil.rmtree(staging, ignore_errors=True)
        staging.mkdir(parents=True)
        output = str(staging / component.binaries[0]) if component.single_output else f"{staging}/"
        cmd = [
            self.settings.go,
            "build",
            "-p",
            str(self.settings.build_parallelism),
            "-trimpath",
            "-ldflags",
            component.ldflags,
            "-o",
            output,
            *component.packages,
        ]
        with log.open("w") as fh:
            fh.write(" ".join(cmd) + "\n")
            fh.flush()
            proc = subprocess.run(
                cmd,
                cwd=self.settings.tools_dir / component.module,
                env=self.go_env,
                stdout=fh,
                stderr=subprocess.STDOUT,
                check=False,
            )
        if proc.returncode != 0:
            raise BuildError(
                f"step 'go build {component.name} {component.version}' failed "
                f"(exit {proc.returncode}); log: {log}"
            )
        shutil.rmtree(target, ignore_errors=True)
        staging.rename(target)
        return BuildResult(component, target, built=True, seconds=time.monotonic() - started)

    def ensure_all(self) -> list[BuildResult]:
        """Build every component that is not cached yet, in a fixed order."""
        return [self.ensure(c) for c in COMPONENTS]

    def kwok_stages_dir(self) -> Path:
        """Directory of the default Stage manifests of kwok, read from the Go module cache."""
        self.ensure(next(c for c in COMPONENTS if c.name == "kwok"))
        mod = self.settings.cache_dir / "go" / "mod" / "sigs.k8s.io" / f"kwok@{versions.KWOK}"
        stages = mod / "kustomize" / "stage"
        if not stages.is_dir():
            self._download_module(f"sigs.k8s.io/kwok@{versions.KWOK}", "kwok")
        return stages

    def _download_module(self, module: str, tool: str) -> None:
        proc = subprocess.run(
            [self.settings.go, "mod", "download", module],
            cwd=self.settings.tools_dir / tool,
            env=self.go_env,
            capture_output=True,
            text=True,
            check=False,
        )
        if proc.returncode != 0:
            raise BuildError(f"step 'go mod download {module}' failed: {proc.stderr.strip()}")
