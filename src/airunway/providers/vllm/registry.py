"""A real OCI Distribution registry client: the Direct vLLM provider's :class:`DigestResolver`.

Why: the provider pins its default nightly tag to the manifest digest the registry serves when it
reconciles (spec §5.4), so every pod of a deployment runs the same bits, and it reports when and
from which commit the image was built.  Only the anonymous, read-only subset of the distribution
API is needed for that: ``GET /v2/<name>/manifests/<tag>`` (following a ``WWW-Authenticate:
Bearer`` challenge to an anonymous token once), then, for an image index, the linux/amd64
manifest, then its config blob for ``created`` and the OCI labels.  Every body is checked against
the digest it was asked for or announced with, so a pinned digest means the bytes we saw.

References are normalised the way Docker does (``ubuntu`` is
``registry-1.docker.io/library/ubuntu:latest``).  ``endpoint_overrides`` maps a registry host to
a base URL: that is how the playground and the tests point this unchanged client at the local
stand-in of :mod:`airunway.sim.registry` (the machines there have no internet).
"""

from __future__ import annotations

import asyncio
import hashlib
import json
import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, Final, NamedTuple

import httpx

from airunway.providers.vllm.image import RESOLVE_TIMEOUT_SECONDS, ResolvedImage, go_quote
from airunway.runtime.single_flight import SingleFlightCache

DOCKER_HUB: Final = "registry-1.docker.io"
_HUB_ALIASES: Final = frozenset({"docker.io", "index.docker.io", DOCKER_HUB})
OCI_INDEX: Final = "application/vnd.oci.image.index.v1+json"
OCI_MANIFEST: Final = "application/vnd.oci.image.manifest.v1+json"
DOCKER_LIST: Final = "application/vnd.docker.distribution.manifest.list.v2+json"
DOCKER_MANIFEST: Final = "application/vnd.docker.distribution.manifest.v2+json"
MANIFEST_ACCEPT: Final = f"{OCI_INDEX}, {OCI_MANIFEST}, {DOCKER_LIST}, {DOCKER_MANIFEST}"
CREATED_LABEL: Final = "org.opencontainers.image.created"
REVISION_LABEL: Final = "org.opencontainers.image.revision"
MAX_BODY_BYTES: Final = 8 * 1024 * 1024  # manifests are capped at 4 MiB by registries

_COMPONENT = r"[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*"
_NAME = re.compile(rf"{_COMPONENT}(?:/{_COMPONENT})*")
_TAG = re.compile(r"[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}")
_DIGEST = re.compile(r"[a-z0-9]+(?:[.+_-][a-z0-9]+)*:[a-zA-Z0-9=_-]{32,}")
_HOST = re.compile(r"(?:[A-Za-z0-9](?:[A-Za-z0-9.-]*[A-Za-z0-9])?|\[[0-9A-Fa-f:]+\])(?::\d+)?")
_TIME = re.compile(r"\d{4}-\d\d-\d\d[Tt]\d\d:\d\d:\d\d(\.\d+)?([Zz]|[+-]\d\d:\d\d)")
_PARAM = re.compile(r'(\w+)=(?:"([^"]*)"|([^\s,]*))')
_HTTP_OK = 200
_HTTP_UNAUTHORIZED = 401


class RegistryError(Exception):
    """A reference that could not be resolved; ``str()`` is one line naming it (and the status)."""

    def __init__(self, image_ref: str, problem: str, status: int | None = None) -> None:
        self.image_ref, self.status = image_ref, status
        line = " ".join(f"image {go_quote(image_ref)}: {problem}".split())
        super().__init__(line if len(line) <= 400 else line[:397] + "...")  # noqa: PLR2004


@dataclass(frozen=True)
class RegistryReference:
    """``image_ref`` normalised Docker's way: the registry host, repository path, tag, digest."""

    registry: str
    repository: str
    tag: str
    digest: str

    @property
    def reference(self) -> str:
        """What the manifest is asked for by: the digest when pinned, else the tag."""
        return self.digest or self.tag


def registry_host(host: str) -> str:
    """The host that serves ``host``'s API (Docker Hub's aliases are one registry)."""
    return DOCKER_HUB if host.lower() in _HUB_ALIASES else host


def parse_reference(image_ref: str) -> RegistryReference:
    """Split and normalise ``[host[:port]/]path[:tag][@digest]``; raises :class:`RegistryError`."""
    name, _, digest = image_ref.strip().partition("@")
    colon, slash = name.rfind(":"), name.rfind("/")
    tag = name[colon + 1 :] if colon > slash else ""
    name = name[:colon] if colon > slash else name
    first, has_path, rest = name.partition("/")
    # The first component is a host when it could not be a path: Docker's rule.
    if has_path and (
        any(c in first for c in ".:") or first == "localhost" or first.lower() != first
    ):
        host, path = first, rest
    else:
        host, path = "docker.io", name
    registry = registry_host(host)
    if registry == DOCKER_HUB and "/" not in path:
        path = f"library/{path}"
    valid = _HOST.fullmatch(host) and _NAME.fullmatch(path) and _TAG.fullmatch(tag or "latest")
    if not valid or ((digest or "@" in image_ref) and not _DIGEST.fullmatch(digest)):
        raise RegistryError(image_ref, "invalid image reference")
    return RegistryReference(registry, path, tag or ("" if digest else "latest"), digest)


def rfc3339_utc(value: object) -> str:
    """An RFC 3339 time as UTC to the second (``2025-06-09T23:14:07Z``), or "" if not one."""
    text = value.strip() if isinstance(value, str) else ""
    if not _TIME.fullmatch(text):
        return ""
    try:
        moment = datetime.fromisoformat(text.upper())
    except ValueError:
        return ""
    if moment.year <= 1:  # Go's zero time: "not recorded"
        return ""
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def _linux_amd64_digest(index: Mapping[str, Any]) -> str:
    """The digest of an index's linux/amd64 manifest, or ""."""
    for entry in index.get("manifests") or []:
        platform = entry.get("platform") if isinstance(entry, Mapping) else None
        wanted = {"os": "linux", "architecture": "amd64"}
        if isinstance(platform, Mapping) and all(platform.get(k) == v for k, v in wanted.items()):
            return str(entry.get("digest") or "")
    return ""


def _provenance(config: Mapping[str, Any]) -> tuple[str, str]:
    """(createdAt, revision) from an image config: ``created``, else the OCI created label."""
    inner = config.get("config")
    labels = inner.get("Labels") if isinstance(inner, Mapping) else None
    labels = labels if isinstance(labels, Mapping) else {}
    label_created = str(labels.get(CREATED_LABEL) or "").strip()
    created = rfc3339_utc(config.get("created")) or rfc3339_utc(label_created) or label_created
    return created, str(labels.get(REVISION_LABEL) or "").strip()


class _Reply(NamedTuple):
    """A registry response with its body read."""

    status: int
    headers: httpx.Headers
    body: bytes


class _Resolution:
    """One resolution: the HTTP client, the reference and the bearer token obtained so far."""

    def __init__(self, client: httpx.AsyncClient, base: str, image_ref: str) -> None:
        self.client, self.image_ref = client, image_ref
        self.ref = parse_reference(image_ref)
        self.base = f"{base.rstrip('/')}/v2/{self.ref.repository}"
        self.token = ""

    def error(self, what: str, status: int | None, problem: str = "") -> RegistryError:
        text = f"{what} from {self.ref.registry}/{self.ref.repository}"
        if status is not None:
            text += f": HTTP {status}" + (f" ({problem})" if problem else "")
        elif problem:
            text += f": {problem}"
        return RegistryError(self.image_ref, text, status)

    async def fetch(self, url: str, headers: Mapping[str, str], what: str) -> _Reply:
        """GET ``url`` with its body read, refusing bodies larger than :data:`MAX_BODY_BYTES`."""
        async with self.client.stream("GET", url, headers=headers) as response:
            body = bytearray()
            async for chunk in response.aiter_bytes():
                body += chunk
                if len(body) > MAX_BODY_BYTES:
                    raise self.error(what, response.status_code, "response body too large")
        return _Reply(response.status_code, response.headers, bytes(body))

    async def get(self, path: str, what: str, accept: str = "") -> _Reply:
        """GET ``<base>/<path>``, answering one Bearer challenge with an anonymous token."""
        url, headers = f"{self.base}/{path}", {"Accept": accept} if accept else {}
        response = await self.fetch(url, headers | self.authorization(), what)
        if response.status == _HTTP_UNAUTHORIZED:
            challenge = response.headers.get("WWW-Authenticate", "")
            if not challenge.lower().startswith("bearer "):
                raise self.error(what, 401, "authentication required (only anonymous pull)")
            await self.authenticate(challenge)
            response = await self.fetch(url, headers | self.authorization(), what)
        if response.status != _HTTP_OK:
            raise self.error(what, response.status, _registry_problem(response))
        return response

    def authorization(self) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.token}"} if self.token else {}

    async def authenticate(self, challenge: str) -> None:
        """Fetch an anonymous token from the challenge's realm (``service`` and ``scope``)."""
        params = {m[1].lower(): m[2] or m[3] for m in _PARAM.finditer(challenge[len("bearer ") :])}
        realm = params.pop("realm", "")
        if not realm.startswith(("https://", "http://")):
            raise self.error("token", 401, f"unusable Bearer realm {realm!r}")
        query = {k: v for k, v in params.items() if k in {"service", "scope"}}
        query.setdefault("scope", f"repository:{self.ref.repository}:pull")
        response = await self.fetch(str(httpx.URL(realm, params=query)), {}, "token")
        if response.status != _HTTP_OK:
            raise self.error("token", response.status, _registry_problem(response))
        document = self.json(response, "token")
        self.token = str(document.get("token") or document.get("access_token") or "")
        if not self.token:
            raise self.error("token", response.status, "token response has no token")

    def verified(self, response: _Reply, what: str, expected: str = "") -> str:
        """The body's digest: checked against the announced and the expected one."""
        body = response.body
        computed = "sha256:" + hashlib.sha256(body).hexdigest()
        announced = response.headers.get("Docker-Content-Digest", "").strip()
        for claim in (announced, expected):
            algorithm, _, value = claim.partition(":")
            if claim and algorithm in {"sha256", "sha384", "sha512"}:
                if hashlib.new(algorithm, body).hexdigest() != value:
                    raise self.error(what, response.status, f"content does not match {claim}")
            elif claim:
                raise self.error(what, response.status, f"unsupported digest {claim}")
        return expected or announced or computed

    def json(self, response: _Reply, what: str) -> Mapping[str, Any]:
        try:
            document = json.loads(response.body)
        except ValueError:
            document = None
        if not isinstance(document, Mapping):
            raise self.error(what, response.status, "response is not a JSON object")
        return document

    async def run(self) -> ResolvedImage:
        response = await self.get(f"manifests/{self.ref.reference}", "manifest", MANIFEST_ACCEPT)
        digest = self.verified(response, "manifest", self.ref.digest)
        document = self.json(response, "manifest")
        media_type = response.headers.get("Content-Type", "").partition(";")[0].strip()
        if media_type in {OCI_INDEX, DOCKER_LIST} or "manifests" in document:
            child = _linux_amd64_digest(document)
            if not child:  # no linux/amd64 image: the digest still pins the tag
                return ResolvedImage(digest)
            response = await self.get(f"manifests/{child}", "linux/amd64 manifest", MANIFEST_ACCEPT)
            self.verified(response, "linux/amd64 manifest", child)
            document = self.json(response, "linux/amd64 manifest")
        config = document.get("config")
        config_digest = str(config.get("digest") or "") if isinstance(config, Mapping) else ""
        if not config_digest:  # e.g. a schema 1 manifest: nothing more to read
            return ResolvedImage(digest)
        response = await self.get(f"blobs/{config_digest}", "image config")
        self.verified(response, "image config", config_digest)
        created, revision = _provenance(self.json(response, "image config"))
        return ResolvedImage(digest, created, revision)


def _registry_problem(response: _Reply) -> str:
    """``CODE: message`` of the first error in a distribution-API error body, else ""."""
    try:
        errors = json.loads(response.body).get("errors") or []
        return f"{errors[0].get('code', '')}: {errors[0].get('message', '')}".strip(": ")
    except (ValueError, AttributeError, IndexError, TypeError):
        return ""


class RegistryResolver:
    """:class:`~airunway.providers.vllm.image.DigestResolver` over the OCI Distribution API.

    ``endpoint_overrides`` maps a registry host (``registry-1.docker.io``; ``docker.io`` means the
    same) to the base URL to use instead of ``https://<host>``; ``timeout`` bounds a whole
    resolution (every request of it), 30 s by default as the spec says.

    A successful resolution is shared for ``cache_seconds`` (concurrent asks for the same
    reference wait for one resolution): a fleet created at once pins every deployment to the
    same digest with one registry round trip instead of one per deployment (that was a fifth of
    the provider's CPU for 400 deployments).  A moving tag is therefore seen at most that much
    later; failures are never kept.
    """

    def __init__(
        self,
        endpoint_overrides: Mapping[str, str] | None = None,
        timeout: float = RESOLVE_TIMEOUT_SECONDS,
        user_agent: str = "airunway-vllm-image-resolver",
        cache_seconds: float = 60.0,
    ) -> None:
        overrides = endpoint_overrides or {}
        self.endpoints = {registry_host(host): url for host, url in overrides.items()}
        self.timeout, self.user_agent = timeout, user_agent
        # one client for the process: building its TLS context per resolution was a quarter of
        # the provider's CPU when a fleet of deployments was created at once
        self._client: httpx.AsyncClient | None = None
        self._resolved: SingleFlightCache[ResolvedImage] = SingleFlightCache(
            cache_seconds, serve_stale=False
        )

    def _http(self) -> httpx.AsyncClient:
        if self._client is None:
            self._client = httpx.AsyncClient(
                timeout=self.timeout,
                follow_redirects=True,
                headers={"User-Agent": self.user_agent},
            )
        return self._client

    async def aclose(self) -> None:
        """Close the connection pool."""
        if self._client is not None:
            await self._client.aclose()
            self._client = None

    def base_url(self, registry: str) -> str:
        """Where ``registry``'s API is reached."""
        return self.endpoints.get(registry) or f"https://{registry}"

    async def resolve(self, image_ref: str) -> ResolvedImage:
        """The manifest digest and provenance of ``image_ref``; raises :class:`RegistryError`."""
        return await self._resolved.get(image_ref, lambda: self._resolve(image_ref))

    async def _resolve(self, image_ref: str) -> ResolvedImage:
        base = self.base_url(parse_reference(image_ref).registry)
        try:
            async with asyncio.timeout(self.timeout):
                return await _Resolution(self._http(), base, image_ref).run()
        except (TimeoutError, httpx.TimeoutException):
            raise RegistryError(image_ref, f"registry timed out after {self.timeout:g}s") from None
        except httpx.HTTPError as exc:
            problem = f"cannot reach {base}: {type(exc).__name__} {exc}"
            raise RegistryError(image_ref, problem) from exc
