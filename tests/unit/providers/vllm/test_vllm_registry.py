"""The OCI registry client (spec §5.4) against the local stand-in registry, on loopback only."""

from __future__ import annotations

import asyncio
import hashlib
import json
import time
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager

import pytest
from aiohttp import web

from airunway.providers.vllm.image import DigestResolver
from airunway.providers.vllm.registry import (
    RegistryError,
    RegistryReference,
    RegistryResolver,
    parse_reference,
    rfc3339_utc,
)
from airunway.sim.registry import (
    DEFAULT_CATALOGUE,
    OCI_INDEX,
    RunningRegistry,
    StandInImage,
    start_registry,
)

NIGHTLY = "vllm/vllm-openai:cu130-nightly"
REVISION = "org.opencontainers.image.revision"
CREATED = "org.opencontainers.image.created"
DIGEST = "sha256:" + "ab" * 32
Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]


@pytest.fixture
async def registry() -> AsyncIterator[RunningRegistry]:
    running = await start_registry("127.0.0.1", 0)
    yield running
    await running.stop()


def resolver(url: str, host: str = "registry-1.docker.io", timeout: float = 5) -> RegistryResolver:
    return RegistryResolver(endpoint_overrides={host: url}, timeout=timeout)


@asynccontextmanager
async def serving(handler: Handler) -> AsyncIterator[str]:
    """A one-route test server on loopback answering every path with ``handler``."""
    app = web.Application()
    app.router.add_route("*", "/{tail:.*}", handler)
    runner = web.AppRunner(app, access_log=None)
    await runner.setup()
    await web.TCPSite(runner, "127.0.0.1", 0).start()
    try:
        yield f"http://127.0.0.1:{runner.addresses[0][1]}"
    finally:
        await runner.cleanup()


async def test_resolves_the_nightly_tag_through_the_stand_in(registry: RunningRegistry) -> None:
    resolved = await resolver(registry.url).resolve(NIGHTLY)
    image = DEFAULT_CATALOGUE[NIGHTLY]
    assert resolved.digest == registry.digest(NIGHTLY)
    assert resolved.created_at == "2025-06-11T03:17:05Z"  # RFC 3339 UTC, to the second
    assert resolved.revision == image.labels[REVISION]


async def test_reads_the_linux_amd64_manifest_of_the_index(registry: RunningRegistry) -> None:
    await resolver(registry.url).resolve(NIGHTLY)
    index = registry.registry.objects["vllm/vllm-openai", registry.digest(NIGHTLY)]
    assert index[0] == OCI_INDEX
    entries = {
        e["platform"]["architecture"]: e["digest"] for e in json.loads(index[1])["manifests"]
    }
    paths = " ".join(registry.registry.requests)
    assert f"/manifests/{entries['amd64']} 200" in paths
    assert entries["arm64"] not in paths


async def test_follows_the_bearer_challenge_once_then_reuses_the_token(
    registry: RunningRegistry,
) -> None:
    await resolver(registry.url).resolve(NIGHTLY)
    requests = registry.registry.requests
    assert requests[:3] == [
        "GET /v2/vllm/vllm-openai/manifests/cu130-nightly 401",
        "GET /token 200",
        "GET /v2/vllm/vllm-openai/manifests/cu130-nightly 200",
    ]
    assert len(requests) == 5
    assert all(line.endswith(" 200") for line in requests[3:])
    assert "/blobs/sha256:" in requests[4]


@pytest.mark.parametrize(
    ("image", "override_host"),
    [
        ("docker.io/vllm/vllm-openai:latest", "registry-1.docker.io"),
        ("index.docker.io/vllm/vllm-openai:latest", "registry-1.docker.io"),
        ("vllm/vllm-openai:latest", "docker.io"),
        ("registry-1.docker.io/vllm/vllm-openai:v0.9.1", "index.docker.io"),
    ],
)
async def test_docker_hub_aliases_reach_the_same_registry(
    registry: RunningRegistry, image: str, override_host: str
) -> None:
    resolved = await resolver(registry.url, override_host).resolve(image)
    assert resolved.digest == registry.digest("vllm/vllm-openai:latest")
    assert resolved.digest == registry.digest("vllm/vllm-openai:v0.9.1")  # re-tagged image
    assert resolved.created_at == "2025-06-10T19:42:31Z"
    assert resolved.revision == DEFAULT_CATALOGUE["vllm/vllm-openai:latest"].labels[REVISION]


async def test_single_segment_names_live_under_library() -> None:
    catalogue = {"library/busybox:1.36": StandInImage("2024-01-02T03:04:05Z")}
    running = await start_registry(catalogue=catalogue)
    try:
        for image in ("busybox:1.36", "docker.io/library/busybox:1.36"):
            resolved = await resolver(running.url).resolve(image)
            assert resolved.digest == running.digest("library/busybox:1.36")
            assert (resolved.created_at, resolved.revision) == ("2024-01-02T03:04:05Z", "")
    finally:
        await running.stop()


async def test_a_pinned_digest_is_fetched_and_verified(registry: RunningRegistry) -> None:
    digest = registry.digest(NIGHTLY)
    resolved = await resolver(registry.url).resolve(f"vllm/vllm-openai@{digest}")
    assert resolved.digest == digest
    assert resolved.revision == DEFAULT_CATALOGUE[NIGHTLY].labels[REVISION]
    with pytest.raises(RegistryError, match="HTTP 404") as caught:
        await resolver(registry.url).resolve(f"vllm/vllm-openai@{DIGEST}")
    assert caught.value.status == 404


@pytest.mark.parametrize(
    ("image", "code"),
    [("vllm/vllm-openai:nope", "MANIFEST_UNKNOWN"), ("vllm/no-such-image:v1", "NAME_UNKNOWN")],
)
async def test_unknown_tag_or_repository_is_a_404(
    registry: RunningRegistry, image: str, code: str
) -> None:
    with pytest.raises(RegistryError) as caught:
        await resolver(registry.url).resolve(image)
    message = str(caught.value)
    assert caught.value.status == 404
    assert caught.value.image_ref == image
    assert message.startswith(f'image "{image}": manifest from registry-1.docker.io/')
    assert f"HTTP 404 ({code}: " in message
    assert "\n" not in message


@pytest.mark.parametrize(
    ("created", "labels", "expected"),
    [
        (
            None,
            {CREATED: "2025-01-02T03:04:05+02:00", REVISION: " abc "},
            ("2025-01-02T01:04:05Z", "abc"),
        ),
        ("0001-01-01T00:00:00Z", {CREATED: "2025-01-02T03:04:05Z"}, ("2025-01-02T03:04:05Z", "")),
        ("2025-01-02T03:04:05.999999999-01:00", {CREATED: "x"}, ("2025-01-02T04:04:05Z", "")),
        (None, {CREATED: "yesterday"}, ("yesterday", "")),
        (None, {}, ("", "")),
    ],
)
async def test_created_falls_back_to_the_oci_label(
    created: str | None, labels: dict[str, str], expected: tuple[str, str]
) -> None:
    running = await start_registry(catalogue={"acme/app:v1": StandInImage(created, labels)})
    try:
        resolved = await resolver(running.url, "registry.example.com").resolve(
            "registry.example.com/acme/app:v1"
        )
    finally:
        await running.stop()
    assert (resolved.created_at, resolved.revision) == expected


async def test_content_that_does_not_match_its_digest_is_refused() -> None:
    async def lying(_: web.Request) -> web.Response:
        return web.Response(body=b"{}", headers={"Docker-Content-Digest": DIGEST})

    async with serving(lying) as url:
        with pytest.raises(RegistryError, match=f"content does not match {DIGEST}"):
            await resolver(url).resolve(NIGHTLY)


async def test_an_index_without_linux_amd64_still_pins_the_digest() -> None:
    index = {"schemaVersion": 2, "mediaType": OCI_INDEX, "manifests": []}
    body = json.dumps(index).encode()

    async def only_index(_: web.Request) -> web.Response:
        return web.Response(body=body, content_type=OCI_INDEX)

    async with serving(only_index) as url:
        resolved = await resolver(url).resolve(NIGHTLY)
    assert resolved.digest == "sha256:" + hashlib.sha256(body).hexdigest()
    assert (resolved.created_at, resolved.revision) == ("", "")


async def test_a_non_bearer_challenge_is_a_401() -> None:
    async def basic(_: web.Request) -> web.Response:
        return web.Response(status=401, headers={"WWW-Authenticate": 'Basic realm="x"'})

    async with serving(basic) as url:
        with pytest.raises(RegistryError, match="HTTP 401") as caught:
            await resolver(url).resolve(NIGHTLY)
    assert caught.value.status == 401


async def test_a_refused_token_names_the_token_request() -> None:
    async def handler(request: web.Request) -> web.Response:
        if request.path == "/token":
            return web.json_response({"errors": [{"code": "DENIED", "message": "no"}]}, status=403)
        realm = f'Bearer realm="{request.url.origin()}/token",service="t"'
        return web.Response(status=401, headers={"WWW-Authenticate": realm})

    async with serving(handler) as url:
        with pytest.raises(RegistryError, match=r"token from .*: HTTP 403 \(DENIED: no\)") as err:
            await resolver(url).resolve(NIGHTLY)
    assert err.value.status == 403


async def test_a_registry_that_never_answers_times_out() -> None:
    connections: list[asyncio.StreamWriter] = []

    async def silent(_: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        connections.append(writer)  # accepted, read by nobody, never answered

    server = await asyncio.start_server(silent, "127.0.0.1", 0)
    port = server.sockets[0].getsockname()[1]
    started = time.monotonic()
    try:
        with pytest.raises(RegistryError, match=r"timed out after 0\.3s") as caught:
            await resolver(f"http://127.0.0.1:{port}", timeout=0.3).resolve(NIGHTLY)
    finally:
        server.close()
        for writer in connections:
            writer.close()
        await server.wait_closed()
    assert connections  # the request reached the server
    assert time.monotonic() - started < 3
    assert caught.value.status is None
    assert str(caught.value).startswith(f'image "{NIGHTLY}": ')


async def test_an_unreachable_registry_is_an_error() -> None:
    server = await asyncio.start_server(lambda *_: None, "127.0.0.1", 0)
    port = server.sockets[0].getsockname()[1]
    server.close()
    await server.wait_closed()  # the port is now closed: connection refused
    with pytest.raises(RegistryError, match=r"cannot reach http://127\.0\.0\.1"):
        await resolver(f"http://127.0.0.1:{port}").resolve(NIGHTLY)


def test_the_resolver_is_a_digest_resolver() -> None:
    resolver: DigestResolver = RegistryResolver()
    assert callable(resolver.resolve)
    assert RegistryResolver().base_url("ghcr.io") == "https://ghcr.io"


@pytest.mark.parametrize(
    ("image", "expected"),
    [
        (NIGHTLY, ("registry-1.docker.io", "vllm/vllm-openai", "cu130-nightly", "")),
        ("ubuntu", ("registry-1.docker.io", "library/ubuntu", "latest", "")),
        ("docker.io/ubuntu:22.04", ("registry-1.docker.io", "library/ubuntu", "22.04", "")),
        (
            "index.docker.io/library/ubuntu:22.04",
            ("registry-1.docker.io", "library/ubuntu", "22.04", ""),
        ),
        (" ghcr.io/org/sub/img:v1.2_rc-1 ", ("ghcr.io", "org/sub/img", "v1.2_rc-1", "")),
        ("localhost:5000/img:tag", ("localhost:5000", "img", "tag", "")),
        ("localhost/img", ("localhost", "img", "latest", "")),
        ("[::1]:5000/img:tag", ("[::1]:5000", "img", "tag", "")),
        ("localhost:5000", ("registry-1.docker.io", "library/localhost", "5000", "")),
        (
            f"registry.example.com:8443/a/b@{DIGEST}",
            ("registry.example.com:8443", "a/b", "", DIGEST),
        ),
        (f"img:tag@{DIGEST}", ("registry-1.docker.io", "library/img", "tag", DIGEST)),
        ("my.registry/a__b/c-d/e.f:x", ("my.registry", "a__b/c-d/e.f", "x", "")),
    ],
)
def test_parse_reference(image: str, expected: tuple[str, str, str, str]) -> None:
    reference = parse_reference(image)
    assert reference == RegistryReference(*expected)
    assert reference.reference == (expected[3] or expected[2])


@pytest.mark.parametrize(
    "image",
    [
        "",
        "vllm/Vllm-openai:x",
        "img:bad tag",
        "img:-dash",
        "img@sha256:short",
        "img@",
        "a//b",
        "ghcr.io/",
        "img:" + "t" * 129,
        "bad_host!/img",
    ],
)
def test_invalid_references_are_rejected(image: str) -> None:
    with pytest.raises(RegistryError, match="invalid image reference") as caught:
        parse_reference(image)
    assert caught.value.image_ref == image


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("2025-06-09T23:14:07.482913264Z", "2025-06-09T23:14:07Z"),
        ("2025-06-09t23:14:07z", "2025-06-09T23:14:07Z"),
        ("2025-06-10T01:14:07+02:00", "2025-06-09T23:14:07Z"),
        ("2025-06-09", ""),
        ("2025-13-09T23:14:07Z", ""),
        ("0001-01-01T00:00:00Z", ""),
        (None, ""),
        (1749510847, ""),
    ],
)
def test_rfc3339_utc(value: object, expected: str) -> None:
    assert rfc3339_utc(value) == expected


async def test_a_fleet_asking_at_once_shares_one_resolution(registry: RunningRegistry) -> None:
    shared = resolver(registry.url)
    results = await asyncio.gather(*(shared.resolve(NIGHTLY) for _ in range(20)))
    assert len({r.digest for r in results}) == 1
    assert len(registry.registry.requests) == 5  # one resolution: challenge, token, 3 reads
    await shared.resolve(NIGHTLY)
    assert len(registry.registry.requests) == 5  # still fresh: no new round trip


async def test_a_failed_resolution_is_not_kept(registry: RunningRegistry) -> None:
    shared = resolver(registry.url)
    for _ in range(2):
        with pytest.raises(RegistryError, match="HTTP 404"):
            await shared.resolve("vllm/vllm-openai:no-such-tag")
    assert len([r for r in registry.registry.requests if "no-such-tag" in r]) >= 2
