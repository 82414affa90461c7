"""Startup migration of legacy InferenceProviderConfigs (spec §3.2): flat capabilities → per engine.

Early InferenceProviderConfigs described a provider with flat keys on ``spec.capabilities``
(``engines: ["vllm"]`` plus one ``servingModes`` / ``gpuSupport`` / ``cpuSupport`` /
``requiresCRD`` / ``gateway`` for all engines).  The current API puts those keys on each engine.
The leader rewrites such objects once, before anything parses them with the typed models, because
a string engine does not fit :class:`~airunway.api.EngineCapability` and would make the first
reconcile see a provider without engines.

Two parts, split so that the rules can be tested by the thousand without a cluster:

* :func:`migrate_capabilities` (in :mod:`.migration_rules`) is the pure transformation, on raw
  dicts.  The legacy shape does not match our pydantic models, so it is never parsed with them.
* :func:`run_migration` is the IO: LIST with a bounded exponential backoff, then for each object
  GET fresh, transform, and write back only if something changed, under an optimistic lock.

The write is a full replace (PUT), not a server-side apply: the legacy keys were set by another
field manager (``kubectl``, a provider's client-side write), and an apply never removes fields
that another manager owns, so an apply would leave the flat keys in place.
"""

from __future__ import annotations

import asyncio
import logging
import random
from collections.abc import Awaitable, Callable, Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any, Final, Literal, Protocol

from airunway.api import API_VERSION, INFERENCE_PROVIDER_CONFIG_KIND
from airunway.controller.migration_rules import (
    CRD_ABSENT_MESSAGE,
    LEGACY_FLAT_KEYS,
    LIST_FAILED_MESSAGE,
    Action,
    MalformedEngineError,
    MigrationError,
    json_type_name,
    migrate_capabilities,
)
from airunway.kube.client import Manifest
from airunway.kube.errors import (
    ConflictError,
    ForbiddenError,
    KubeError,
    NotFoundError,
    UnauthorizedError,
)

log = logging.getLogger(__name__)
Sleep = Callable[[float], Awaitable[None]]


# -- the runner ----------------------------------------------------------------------------


class MigrationKube(Protocol):
    """What the runner needs from :class:`airunway.kube.client.Kube` (a fake in unit tests)."""

    async def list(
        self,
        api_version: str,
        kind: str,
        namespace: str | None = None,
        labels: Mapping[str, str] | None = None,
    ) -> list[Manifest]:
        """List objects of a kind."""
        ...

    async def get(
        self, api_version: str, kind: str, name: str, namespace: str | None = None
    ) -> Manifest:
        """Read one object."""
        ...

    async def replace(self, manifest: Mapping[str, Any]) -> Manifest:
        """PUT a whole object (optimistic lock on ``metadata.resourceVersion``)."""
        ...


@dataclass(frozen=True)
class Backoff:
    """An exponential backoff: ``initial`` seconds, times ``factor`` per step, capped at ``cap``.

    Each delay is stretched by up to ``jitter`` of itself (``wait.Jitter`` in client-go), so
    replicas restarted together do not retry in lock-step.
    """

    initial: float
    factor: float
    jitter: float
    cap: float

    def delays(self, attempts: int, rand: Callable[[], float]) -> Iterator[float]:
        """The waits between ``attempts`` tries (one fewer than the tries)."""
        base = self.initial
        for _ in range(attempts - 1):
            yield base * (1.0 + self.jitter * rand())
            base = min(base * self.factor, self.cap)


#: LIST backoff of the reference: 1 s, doubling, jitter 0.1, cap 16 s; 5 tries ≈ 15 s of waiting.
LIST_BACKOFF: Final = Backoff(initial=1.0, factor=2.0, jitter=0.1, cap=16.0)
LIST_ATTEMPTS: Final = 5
#: client-go's ``retry.DefaultRetry`` used by ``RetryOnConflict``: 5 tries, 10 ms apart.
CONFLICT_BACKOFF: Final = Backoff(initial=0.01, factor=1.0, jitter=0.1, cap=0.01)
CONFLICT_ATTEMPTS: Final = 5

Outcome = Literal["cleaned", "hoisted", "migrated", "unchanged", "vanished", "conflicted"]


@dataclass
class MigrationReport:
    """What one migration pass did, per object name.

    ``crd_present`` is False when the API does not serve InferenceProviderConfigs (nothing
    else is then filled).  ``written`` maps each rewritten object to its action; ``vanished``
    were deleted between LIST and GET; ``conflicted`` kept answering 409 and are assumed
    migrated by the concurrent writer; ``failed`` maps each object that could not be migrated
    to the error, and the pass went on with the next object.
    """

    crd_present: bool = True
    total: int = 0
    written: dict[str, Action] = field(default_factory=dict)
    unchanged: list[str] = field(default_factory=list)
    vanished: list[str] = field(default_factory=list)
    conflicted: list[str] = field(default_factory=list)
    failed: dict[str, str] = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        """No object failed (a partial failure still finishes the pass: :func:`run_migration`)."""
        return not self.failed

    @property
    def succeeded(self) -> int:
        """Objects that need nothing more: written, unchanged, vanished or conflicted."""
        return self.total - len(self.failed)


async def run_migration(
    kube: MigrationKube,
    *,
    attempts: int = LIST_ATTEMPTS,
    sleep: Sleep = asyncio.sleep,
    rand: Callable[[], float] = random.random,
) -> MigrationReport:
    """Migrate every legacy InferenceProviderConfig in the cluster (leader only, before priming).

    Parameters
    ----------
    kube
        The controller's client (uncached reads, like the reference's direct client).
    attempts
        LIST tries before giving up (:data:`LIST_BACKOFF` between them).
    sleep, rand
        Injected so unit tests neither wait nor depend on the jitter.

    Returns
    -------
    MigrationReport
        Per-object outcomes.  A partial failure (``report.failed``) is logged here and returned,
        not raised: one bad object must not stop the controller, and the pass is idempotent, so
        the next leader retries it.

    Raises
    ------
    ForbiddenError, UnauthorizedError
        The identity may not list InferenceProviderConfigs: a configuration error, not retried.
    MigrationError
        LIST failed ``attempts`` times in a row (``__cause__`` is the last error).

    Notes
    -----
    Only :class:`~airunway.kube.errors.KubeError` failures are handled; anything else is a bug
    and propagates.  An absent CRD (``NotFoundError``) ends the pass quietly.
    """
    if attempts < 1:
        raise ValueError(f"attempts must be at least 1, got {attempts}")
    report = MigrationReport()
    listed = await _list(kube, attempts, sleep, rand)
    if listed is None:
        log.info(CRD_ABSENT_MESSAGE)
        report.crd_present = False
        return report
    report.total = len(listed)
    for item in listed:
        meta = item.get("metadata") or {}
        name, namespace = str(meta.get("name", "")), meta.get("namespace")
        key = f"{namespace}/{name}" if namespace else name
        try:
            outcome = await _migrate_one(kube, name, namespace, sleep, rand)
        except (KubeError, MalformedEngineError) as exc:
            report.failed[key] = str(exc)
            log.error(  # noqa: TRY400 - an expected per-object failure, no traceback wanted
                "failed to migrate InferenceProviderConfig %s; leaving it untouched and "
                "continuing: %s",
                key,
                exc,
            )
            continue
        _record(report, key, outcome)
    log.info(
        "legacy InferenceProviderConfig migration finished: total=%d succeeded=%d failed=%d",
        report.total,
        report.succeeded,
        len(report.failed),
    )
    return report


def _record(report: MigrationReport, key: str, outcome: Outcome) -> None:
    if outcome == "unchanged":
        report.unchanged.append(key)
    elif outcome == "vanished":
        report.vanished.append(key)
    elif outcome == "conflicted":
        report.conflicted.append(key)
    else:
        report.written[key] = outcome


async def _list(
    kube: MigrationKube, attempts: int, sleep: Sleep, rand: Callable[[], float]
) -> list[Manifest] | None:
    """LIST with backoff; None when the kind is not served."""
    delays = LIST_BACKOFF.delays(attempts, rand)
    for attempt in range(1, attempts + 1):
        try:
            return await kube.list(API_VERSION, INFERENCE_PROVIDER_CONFIG_KIND)
        except NotFoundError:
            return None
        except (ForbiddenError, UnauthorizedError):
            raise
        except KubeError as exc:
            if attempt == attempts:
                raise MigrationError(f"{LIST_FAILED_MESSAGE}: {exc}") from exc
            log.info("transient error listing InferenceProviderConfig; will retry: %s", exc)
            await sleep(next(delays))
    raise AssertionError("unreachable: the loop returns or raises")  # pragma: no cover


async def _migrate_one(
    kube: MigrationKube,
    name: str,
    namespace: str | None,
    sleep: Sleep,
    rand: Callable[[], float],
) -> Outcome:
    """GET fresh, transform, PUT if changed; retry the whole on 409 (``RetryOnConflict``).

    Re-reading inside the loop is what makes a retry useful: it picks up the new
    resourceVersion and the other writer's changes.  A conflict that outlasts the retries means
    someone keeps writing the object (a former leader, a provider, a human); the pass is
    idempotent and that writer's result will be migrated on the next start, so it counts as done.
    """
    delays = CONFLICT_BACKOFF.delays(CONFLICT_ATTEMPTS, rand)
    for attempt in range(1, CONFLICT_ATTEMPTS + 1):
        try:
            fresh = await kube.get(API_VERSION, INFERENCE_PROVIDER_CONFIG_KIND, name, namespace)
        except NotFoundError:
            return "vanished"
        spec = fresh.get("spec")
        if not isinstance(spec, dict):
            return "unchanged"
        new_spec, action = migrate_capabilities(spec)
        if action is None:
            return "unchanged"
        log.info("writing migrated InferenceProviderConfig %s (%s)", name, action)
        try:
            await kube.replace(_updated(fresh, new_spec))
        except ConflictError:
            if attempt == CONFLICT_ATTEMPTS:
                log.info(
                    "InferenceProviderConfig %s was updated concurrently; assuming the "
                    "migration was completed by another writer",
                    name,
                )
                return "conflicted"
            await sleep(next(delays))
            continue
        return action
    raise AssertionError("unreachable: the loop returns")  # pragma: no cover


def _updated(fresh: Mapping[str, Any], spec: dict[str, Any]) -> Manifest:
    """The object to PUT: as read (labels, annotations, resourceVersion), with the new spec.

    ``managedFields`` is left out so that the API server keeps its own record instead of
    comparing ours, re-serialised by the client library, with it.
    """
    body = dict(fresh)
    body["metadata"] = {k: v for k, v in fresh["metadata"].items() if k != "managedFields"}
    body["spec"] = spec
    return body


__all__ = [
    "CRD_ABSENT_MESSAGE",
    "LEGACY_FLAT_KEYS",
    "LIST_FAILED_MESSAGE",
    "Action",
    "MalformedEngineError",
    "MigrationError",
    "MigrationReport",
    "json_type_name",
    "migrate_capabilities",
    "run_migration",
]
