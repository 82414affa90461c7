"""The retry policy: its delays, which failures it repeats, and a real client that cannot connect.

The policy decides from our own error types only, so most of it is tested with a plain function
raising them; the last tests point a real :class:`Kube` at a loopback port nobody listens on
(a real connection refused, no Kubernetes stand-in) to see the client's methods go through it.
"""

from __future__ import annotations

import json
import socket
from pathlib import Path

import httpx2
import pytest
from lightkube import ApiError

from airunway.kube.client import Kube
from airunway.kube.errors import (
    ConflictError,
    ForbiddenError,
    InvalidError,
    KubeError,
    NotFoundError,
    TooManyRequestsError,
    UnauthorizedError,
    UnavailableError,
    UnreachableError,
    converted,
    from_api_error,
    from_status_response,
)
from airunway.kube.retry import RetryPolicy


class Sleeps:
    """Records the waits instead of waiting."""

    def __init__(self) -> None:
        self.waits: list[float] = []

    async def __call__(self, seconds: float) -> None:
        self.waits.append(seconds)


def _policy(sleeps: Sleeps | None = None, jitter: float = 1.0, **kwargs: float) -> RetryPolicy:
    return RetryPolicy(
        uniform=lambda _low, _high: jitter,
        sleep=sleeps or Sleeps(),
        **kwargs,  # type: ignore[arg-type]
    )


def test_defaults_are_the_documented_ones() -> None:
    policy = RetryPolicy()
    assert (policy.max_retries, policy.initial_delay, policy.max_delay) == (3, 1.0, 10.0)
    assert (policy.factor, policy.jitter) == (2.0, (0.85, 1.15))


def test_delays_double_from_the_initial_one_and_stop_at_the_cap() -> None:
    policy = _policy()
    assert [policy.delay(n) for n in range(7)] == [1.0, 2.0, 4.0, 8.0, 10.0, 10.0, 10.0]
    assert [_policy(jitter=1.15).delay(n) for n in range(5)] == pytest.approx(
        [1.15, 2.3, 4.6, 9.2, 10.0]
    )


def test_jitter_stays_within_its_bounds_and_never_passes_the_cap() -> None:
    asked: set[tuple[float, float]] = set()

    def uniform(low: float, high: float) -> float:
        asked.add((low, high))
        return high

    assert RetryPolicy(uniform=uniform).delay(0) == pytest.approx(1.15)
    assert asked == {(0.85, 1.15)}
    policy = RetryPolicy()  # the real random source
    for retry, base in enumerate([1.0, 2.0, 4.0]):
        samples = [policy.delay(retry) for _ in range(300)]
        assert all(base * 0.85 <= s <= base * 1.15 for s in samples)  # type: ignore[operator]
        assert len(set(samples)) > 1  # really random
    assert all(policy.delay(4) == 10.0 for _ in range(100))  # 16 s times the jitter, capped


def test_retry_after_is_waited_at_least_and_one_beyond_the_cap_gives_up() -> None:
    policy = _policy()
    throttled = TooManyRequestsError("slow down", retry_after=3)
    assert policy.delay(0, throttled) == 3.0
    assert policy.delay(3, throttled) == 8.0  # the backoff is already longer
    assert policy.delay(0, TooManyRequestsError("later", retry_after=60)) is None


RETRIED_ALWAYS = [
    TooManyRequestsError("throttled"),
    UnreachableError("connection refused", unsent=True),
]
RETRIED_IF_IDEMPOTENT = [
    UnavailableError("etcdserver: request timed out", status=500),
    UnavailableError("service unavailable"),
    KubeError("bad gateway", status=502),
    UnreachableError("connection reset by peer"),
    UnreachableError("read timed out"),
]
NEVER_RETRIED = [
    NotFoundError("gone"),
    ForbiddenError("no"),
    UnauthorizedError("who"),
    ConflictError("already exists"),
    InvalidError("failed to create typed patch object", status=422),
    KubeError("bad request", status=400),
    KubeError("method not allowed", status=405),
    UnavailableError("GET /apis/x answered 404", status=404),
]


@pytest.mark.parametrize("error", RETRIED_ALWAYS + RETRIED_IF_IDEMPOTENT + NEVER_RETRIED)
def test_which_failures_are_retried(error: KubeError) -> None:
    policy = RetryPolicy()
    assert policy.retryable(error) is (error not in NEVER_RETRIED)
    assert policy.retryable(error, idempotent=False) is (error in RETRIED_ALWAYS)


async def test_a_transient_failure_is_repeated_until_it_succeeds() -> None:
    sleeps = Sleeps()
    failures = [UnavailableError("down"), TooManyRequestsError("busy")]
    calls = 0

    async def call() -> str:
        nonlocal calls
        calls += 1
        if failures:
            raise failures.pop(0)
        return "ok"

    assert await _policy(sleeps).run(call) == "ok"
    assert calls == 3
    assert sleeps.waits == [1.0, 2.0]


async def test_retries_are_bounded_and_the_last_error_comes_out_unchanged() -> None:
    sleeps = Sleeps()
    errors = [UnavailableError(f"down {n}") for n in range(10)]
    calls = 0

    async def call() -> str:
        nonlocal calls
        calls += 1
        raise errors[calls - 1]

    with pytest.raises(UnavailableError) as raised:
        await _policy(sleeps, max_retries=2).run(call)
    assert raised.value is errors[2]
    assert calls == 3
    assert sleeps.waits == [1.0, 2.0]


@pytest.mark.parametrize("error", NEVER_RETRIED)
async def test_a_final_failure_is_raised_at_once(error: KubeError) -> None:
    sleeps = Sleeps()
    calls = 0

    async def call() -> None:
        nonlocal calls
        calls += 1
        raise error

    with pytest.raises(type(error)):
        await _policy(sleeps).run(call)
    assert (calls, sleeps.waits) == (1, [])


async def test_a_non_idempotent_write_is_not_repeated_after_a_5xx() -> None:
    sleeps = Sleeps()
    calls = 0

    async def create() -> None:
        nonlocal calls
        calls += 1
        raise UnavailableError("the create may have happened", status=500)

    with pytest.raises(UnavailableError):
        await _policy(sleeps).run(create, idempotent=False)
    assert calls == 1


async def test_calls_inside_a_retried_call_do_not_multiply_attempts() -> None:
    sleeps = Sleeps()
    policy = _policy(sleeps, max_retries=2)
    inner_calls = 0

    async def inner() -> None:
        nonlocal inner_calls
        inner_calls += 1
        raise UnavailableError("down")

    async def outer() -> None:
        await policy.run(inner)

    with pytest.raises(UnavailableError):
        await policy.run(outer)
    assert inner_calls == 3  # not 3 times 3
    assert len(sleeps.waits) == 2


def test_retry_after_and_connection_failures_are_read_from_the_answer() -> None:
    request = httpx2.Request("GET", "https://127.0.0.1:6443/api/v1/pods")
    status = {"kind": "Status", "code": 429, "reason": "TooManyRequests", "message": "slow"}
    answer = httpx2.Response(429, json=status, headers={"Retry-After": "2"}, request=request)
    converted_error = from_api_error(ApiError(request=request, response=answer))
    assert isinstance(converted_error, TooManyRequestsError)
    assert converted_error.retry_after == 2.0
    assert from_status_response(503, "no endpoints", {"retry-after": "1"}).retry_after == 1.0
    assert from_status_response(503, "no endpoints").retry_after is None

    with pytest.raises(UnreachableError) as refused, converted():
        raise httpx2.ConnectError("[Errno 111] Connection refused", request=request)
    assert refused.value.unsent is True
    with pytest.raises(UnreachableError) as timed_out, converted():
        raise httpx2.ReadTimeout("timed out", request=request)
    assert timed_out.value.unsent is False


def _unreachable_kube(tmp_path: Path, policy: RetryPolicy) -> Kube:
    with socket.socket() as probe:  # a loopback port nobody listens on
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    kubeconfig = tmp_path / "kubeconfig"
    config = {
        "apiVersion": "v1",
        "kind": "Config",
        "clusters": [
            {
                "name": "c",
                "cluster": {
                    "server": f"https://127.0.0.1:{port}",
                    "insecure-skip-tls-verify": True,
                },
            }
        ],
        "users": [{"name": "u", "user": {"token": "t"}}],
        "contexts": [{"name": "x", "context": {"cluster": "c", "user": "u"}}],
        "current-context": "x",
    }
    kubeconfig.write_text(json.dumps(config))  # JSON is YAML
    return Kube.from_kubeconfig(kubeconfig, field_manager="test").with_retry(policy)


async def test_a_real_client_repeats_reads_and_unsent_creates_then_reports_unreachable(
    tmp_path: Path,
) -> None:
    sleeps = Sleeps()
    kube = _unreachable_kube(tmp_path, _policy(sleeps, max_retries=2))
    try:
        with pytest.raises(UnreachableError) as read:
            await kube.get("v1", "ConfigMap", "x", "default")
        assert read.value.unsent is True
        assert sleeps.waits == [1.0, 2.0]
        sleeps.waits.clear()
        config_map = {"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "x"}}
        with pytest.raises(UnreachableError):  # never sent: safe to repeat even a create
            await kube.create(config_map | {"metadata": {"name": "x", "namespace": "default"}})
        assert sleeps.waits == [1.0, 2.0]
        sleeps.waits.clear()
        with pytest.raises(UnreachableError):
            await kube.with_retry(None).get("v1", "ConfigMap", "x", "default")
        assert sleeps.waits == []
        token_client = kube.for_token("someone-else")
        assert token_client.retry is kube.retry  # per-user clients inherit the policy
        await token_client.close()
    finally:
        await kube.close()
