"""A STAND-IN container registry for the playground and the tests, NOT Docker Hub nor a registry.

Why: the Direct vLLM provider resolves its default image tag to a digest through a real OCI
Distribution client (:mod:`airunway.providers.vllm.registry`), but the playground and the test
machines have no internet.  This local aiohttp server answers exactly the requests that client
makes, so the client runs unchanged, pointed here with
``RegistryResolver(endpoint_overrides={"registry-1.docker.io": running.url})``.

What it serves, read-only, for a catalogue of ``repository:tag`` (registry-side names, e.g.
``vllm/vllm-openai:latest``, ``library/busybox:1.36``) → :class:`StandInImage`:

* ``GET|HEAD /v2/<name>/manifests/<tag or digest>``: for a tag, an OCI image index listing a
  linux/arm64 and a linux/amd64 manifest (arm64 first, so the client must choose); each manifest
  points at its config blob (``created``, ``config.Labels``) and one empty layer.
* ``GET|HEAD /v2/<name>/blobs/<digest>``: those config and layer blobs.
* ``GET /token``: anonymous Bearer tokens.  Every ``/v2/`` request without a token for its
  repository gets 401 and ``WWW-Authenticate: Bearer realm="<this server>/token",...``, as Docker
  Hub does, so the client's token dance runs.

Digests are the real sha256 of the bytes served (``Docker-Content-Digest``), so the client's
verification runs too; equal catalogue entries share a digest, like re-tagged images.  Errors
use the distribution API's shape (``MANIFEST_UNKNOWN``, ``NAME_UNKNOWN``, ``BLOB_UNKNOWN``).
Revisions and times in :data:`DEFAULT_CATALOGUE` are invented stand-in values.
"""

from __future__ import annotations

import asyncio
import gzip
import hashlib
import json
import secrets
import signal
import sys
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass, field
from typing import Any, Final

from aiohttp import web

from airunway.runtime.loop import run as run_loop

OCI_INDEX: Final = "application/vnd.oci.image.index.v1+json"
OCI_MANIFEST: Final = "application/vnd.oci.image.manifest.v1+json"
OCI_CONFIG: Final = "application/vnd.oci.image.config.v1+json"
OCI_LAYER: Final = "application/vnd.oci.image.layer.v1.tar+gzip"
SERVICE: Final = "airunway-stand-in-registry"
PLATFORMS: Final = ("arm64", "amd64")  # index order: the client must pick linux/amd64
_EMPTY_TAR: Final = b"\0" * 1024  # two zero blocks: a valid empty tar archive
_MAX_TOKENS: Final = 10_000


@dataclass(frozen=True)
class StandInImage:
    """What the stand-in says about one tag: config ``created`` (None: omitted) and labels."""

    created: str | None
    labels: Mapping[str, str] = field(default_factory=dict)


_SOURCE = {"org.opencontainers.image.source": "https://github.com/vllm-project/vllm"}
_STABLE = StandInImage(
    "2025-06-10T19:42:31.904117526Z",
    _SOURCE | {"org.opencontainers.image.revision": "b6553be1bc75f046b00046a4ad7576364d03c835"},
)
DEFAULT_CATALOGUE: Final[Mapping[str, StandInImage]] = {
    "vllm/vllm-openai:cu130-nightly": StandInImage(
        "2025-06-11T03:17:05.482913264Z",
        _SOURCE | {"org.opencontainers.image.revision": "7e8d685775d4fd4e7e6f7cc9d6a2e3ab8c4c2b1f"},
    ),
    "vllm/vllm-openai:latest": _STABLE,
    "vllm/vllm-openai:v0.9.1": _STABLE,
}


def _json(document: Mapping[str, Any]) -> tuple[str, bytes]:
    body = json.dumps(document, indent=2).encode()
    return "sha256:" + hashlib.sha256(body).hexdigest(), body


def _descriptor(media_type: str, digest: str, body: bytes, **extra: object) -> dict[str, Any]:
    return {"mediaType": media_type, "digest": digest, "size": len(body), **extra}


def _error(
    status: int, code: str, message: str, headers: Mapping[str, str] | None = None
) -> web.Response:
    body = {"errors": [{"code": code, "message": message, "detail": None}]}
    return web.json_response(body, status=status, headers=headers)


class StandInRegistry:
    """The content and the HTTP handlers of the stand-in; ``requests`` logs what was asked."""

    def __init__(self, catalogue: Mapping[str, StandInImage] = DEFAULT_CATALOGUE) -> None:
        self.tags: dict[tuple[str, str], str] = {}  # (repository, tag) -> index digest
        self.objects: dict[tuple[str, str], tuple[str, bytes]] = {}  # (repo, digest) -> body
        self.tokens: dict[str, str] = {}  # token -> repository it may pull
        self.requests: list[str] = []  # "GET /v2/... 401", in order
        layer = gzip.compress(_EMPTY_TAR, mtime=0)
        layer_digest = "sha256:" + hashlib.sha256(layer).hexdigest()
        diff_id = "sha256:" + hashlib.sha256(_EMPTY_TAR).hexdigest()
        for key, image in catalogue.items():
            repository, _, tag = key.rpartition(":")
            self.objects[repository, layer_digest] = (OCI_LAYER, layer)
            entries = []
            for arch in PLATFORMS:
                config: dict[str, Any] = {"architecture": arch, "os": "linux"}
                config |= {"created": image.created} if image.created is not None else {}
                config["config"] = {"Entrypoint": ["vllm", "serve"], "Labels": dict(image.labels)}
                config["rootfs"] = {"type": "layers", "diff_ids": [diff_id]}
                config_digest, config_body = _json(config)
                manifest_digest, manifest_body = _json(
                    {
                        "schemaVersion": 2,
                        "mediaType": OCI_MANIFEST,
                        "config": _descriptor(OCI_CONFIG, config_digest, config_body),
                        "layers": [_descriptor(OCI_LAYER, layer_digest, layer)],
                    }
                )
                self.objects[repository, config_digest] = (OCI_CONFIG, config_body)
                self.objects[repository, manifest_digest] = (OCI_MANIFEST, manifest_body)
                platform = {"architecture": arch, "os": "linux"}
                entries.append(
                    _descriptor(OCI_MANIFEST, manifest_digest, manifest_body, platform=platform)
                )
            index = {"schemaVersion": 2, "mediaType": OCI_INDEX, "manifests": entries}
            index_digest, index_body = _json(index)
            self.objects[repository, index_digest] = (OCI_INDEX, index_body)
            self.tags[repository, tag] = index_digest

    def digest(self, image: str) -> str:
        """The manifest (index) digest served for ``repository:tag``."""
        repository, _, tag = image.rpartition(":")
        return self.tags[repository, tag]

    def app(self) -> web.Application:
        """The aiohttp application (``add_get`` also answers HEAD)."""
        app = web.Application(middlewares=[self._log])
        app.router.add_get("/token", self._token)
        app.router.add_get("/v2/", self._base)
        app.router.add_get(r"/v2/{name:.+}/manifests/{reference}", self._manifest)
        app.router.add_get(r"/v2/{name:.+}/blobs/{reference}", self._blob)
        return app

    @web.middleware
    async def _log(
        self, request: web.Request, handler: Callable[[web.Request], Awaitable[web.StreamResponse]]
    ) -> web.StreamResponse:
        try:
            response = await handler(request)
        except web.HTTPException as exc:
            self.requests.append(f"{request.method} {request.path} {exc.status}")
            raise
        self.requests.append(f"{request.method} {request.path} {response.status}")
        return response

    async def _token(self, request: web.Request) -> web.Response:
        scope = request.query.get("scope", "")  # repository:<name>:pull
        kind, _, rest = scope.partition(":")
        repository = rest.rpartition(":")[0] if kind == "repository" else ""
        token = secrets.token_urlsafe(24)
        self.tokens[token] = repository
        while len(self.tokens) > _MAX_TOKENS:
            del self.tokens[next(iter(self.tokens))]
        return web.json_response({"token": token, "access_token": token, "expires_in": 300})

    def _challenge(self, request: web.Request, repository: str) -> web.Response | None:
        """None when the request carries a token for ``repository``, else the 401 to send."""
        scheme, _, token = request.headers.get("Authorization", "").partition(" ")
        granted = self.tokens.get(token.strip()) if scheme.lower() == "bearer" else None
        if granted is not None and granted == (repository or granted):
            return None
        realm = f"{request.url.origin()}/token"
        challenge = f'Bearer realm="{realm}",service="{SERVICE}"'
        if repository:
            challenge += f',scope="repository:{repository}:pull"'
        headers = {"WWW-Authenticate": challenge}
        return _error(401, "UNAUTHORIZED", "authentication required", headers)

    async def _base(self, request: web.Request) -> web.Response:
        refused = self._challenge(request, "")
        return refused or web.json_response({})

    async def _manifest(self, request: web.Request) -> web.Response:
        name, reference = request.match_info["name"], request.match_info["reference"]
        if refused := self._challenge(request, name):
            return refused
        if not any(repository == name for repository, _ in self.tags):
            return _error(404, "NAME_UNKNOWN", "repository name not known to registry")
        digest = reference if ":" in reference else self.tags.get((name, reference), "")
        found = self.objects.get((name, digest))
        if found is None or found[0] in {OCI_CONFIG, OCI_LAYER}:
            return _error(404, "MANIFEST_UNKNOWN", "manifest unknown")
        return self._content(digest, *found)

    async def _blob(self, request: web.Request) -> web.Response:
        name, digest = request.match_info["name"], request.match_info["reference"]
        if refused := self._challenge(request, name):
            return refused
        found = self.objects.get((name, digest))
        if found is None:
            return _error(404, "BLOB_UNKNOWN", "blob unknown to registry")
        return self._content(digest, *found)

    @staticmethod
    def _content(digest: str, media_type: str, body: bytes) -> web.Response:
        headers = {
            "Docker-Content-Digest": digest,
            "Docker-Distribution-Api-Version": "registry/2.0",
        }
        return web.Response(body=body, content_type=media_type, headers=headers)


@dataclass
class RunningRegistry:
    """A started stand-in: its base ``url`` (the value for ``endpoint_overrides``)."""

    url: str
    registry: StandInRegistry
    runner: web.AppRunner

    def digest(self, image: str) -> str:
        """The manifest digest served for ``repository:tag``."""
        return self.registry.digest(image)

    async def stop(self) -> None:
        """Stop serving and close the listening socket."""
        await self.runner.cleanup()


async def start_registry(
    host: str = "127.0.0.1",
    port: int = 0,
    catalogue: Mapping[str, StandInImage] = DEFAULT_CATALOGUE,
) -> RunningRegistry:
    """Serve a stand-in registry on ``host:port`` (0: any free port) until ``stop()``."""
    registry = StandInRegistry(catalogue)
    runner = web.AppRunner(registry.app(), access_log=None)
    await runner.setup()
    await web.TCPSite(runner, host, port).start()
    bound_host, bound_port = runner.addresses[0][:2]
    shown = f"[{bound_host}]" if ":" in bound_host else bound_host
    return RunningRegistry(f"http://{shown}:{bound_port}", registry, runner)


def run_registry(port: int, host: str = "127.0.0.1") -> None:
    """Serve the default catalogue until SIGINT/SIGTERM (``airunway sim registry``)."""
    run_loop(_serve(host, port))


async def _serve(host: str, port: int) -> None:
    running = await start_registry(host, port)
    stopping = asyncio.Event()
    loop = asyncio.get_running_loop()
    for signum in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(signum, stopping.set)
    lines = [f"stand-in registry (NOT Docker Hub) serving {running.url}"]
    lines.append(f"  resolver: endpoint_overrides={{'registry-1.docker.io': '{running.url}'}}")
    lines += [f"  {image} -> {running.digest(image)}" for image in DEFAULT_CATALOGUE]
    sys.stdout.write("\n".join(lines) + "\n")
    sys.stdout.flush()
    try:
        await stopping.wait()
    finally:
        await running.stop()
