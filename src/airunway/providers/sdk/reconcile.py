"""The reconcile loop every provider runs (spec providers.md §0.5), written once.

Provider packages only say *what* (check, transform, translate, and an optional pre-step); this
module does the *how*: finalizer, compatibility and transform outcomes as conditions, the
ownership check, server-side apply of every rendered object under the provider's field manager
(which also reverts drift of the fields we own), status sync from the primary upstream object,
and deletion.  The loop is triggered by watches on the ModelDeployment and on the upstream
objects, never by a timer.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Callable

from pydantic import ValidationError

from airunway.api import (
    ANNOTATION_RECONCILE_PAUSED,
    API_VERSION,
    MODEL_DEPLOYMENT_KIND,
    ModelDeployment,
)
from airunway.kube.client import Kube
from airunway.kube.errors import ConflictError, KubeError, NotFoundError, UnavailableError
from airunway.providers.sdk.base import Manifest, ProviderDefinition
from airunway.providers.sdk.cache import WatchCache, md_stub, object_key
from airunway.providers.sdk.changes import (
    conflict_message,
    digest,
    live_version,
    metadata_kept,
    owned_by,
)
from airunway.providers.sdk.errors import TransformError
from airunway.providers.sdk.outcome import Prepared, PrepareFn, StatusDraft
from airunway.providers.sdk.status import Phase, ready_condition, synced_fields
from airunway.providers.sdk.storage_reconcile import StorageReconciler
from airunway.runtime.events import EventRecorder
from airunway.runtime.own_writes import OwnWrites

log = logging.getLogger(__name__)


class ProviderReconciler:
    """One provider's reconcile of one ModelDeployment at a time."""

    def __init__(  # noqa: PLR0913 - one keyword per optional collaborator
        self,
        kube: Kube,
        definition: ProviderDefinition,
        recorder: EventRecorder,
        *,
        prepare: PrepareFn | None = None,
        deletion_timeout: float = 300.0,
        requeue_after: Callable[[tuple[str, str], float], None] | None = None,
        storage: StorageReconciler | None = None,
        cache: WatchCache | None = None,
    ) -> None:
        self._kube = kube
        self._storage = storage
        self._cache = cache or WatchCache()
        self._d = definition
        self._recorder = recorder
        self._prepare = prepare
        self._deletion_timeout = deletion_timeout
        self._requeue_after = requeue_after
        # per object: digest of what we last applied, and the live version it produced; when
        # both still hold, the apply would change nothing (no drift) and is skipped
        self._applied: dict[tuple[str, str, str, str], tuple[str, str]] = {}
        #: our last write of each ModelDeployment, whose watch echo needs no reconcile
        self.own_writes = OwnWrites()

    def concerns(self, body: Manifest) -> bool:
        """The watch filter: provider selected or named, or our finalizer still present."""
        spec_name = ((body.get("spec") or {}).get("provider") or {}).get("name")
        status_name = ((body.get("status") or {}).get("provider") or {}).get("name")
        finalizers = body.get("metadata", {}).get("finalizers") or []
        return self._d.name in {spec_name, status_name} or self._d.finalizer in finalizers

    def _wrote(self, body: Manifest) -> None:
        """Remember a write's result: the next reconcile reads it, its echo is skipped."""
        self.own_writes.record(body)
        self._cache.observe("MODIFIED", body)

    async def reconcile(self, key: tuple[str, str]) -> None:
        """§0.5 for one ModelDeployment."""
        namespace, name = key
        try:
            raw = await self._cache.read(
                md_stub(namespace, name),
                lambda: self._kube.get(API_VERSION, MODEL_DEPLOYMENT_KIND, name, namespace),
            )
        except NotFoundError:
            return
        try:
            md = ModelDeployment.model_validate(raw)
        except ValidationError as exc:
            log.warning("%s/%s does not parse; left to the core controller: %s", *key, exc)
            return
        finalizers = md.metadata.finalizers or []
        selected = md.status is not None and md.status.provider is not None
        if not (
            selected
            and md.status
            and md.status.provider
            and md.status.provider.name == self._d.name
        ):
            if self._d.finalizer in finalizers and md.metadata.deletion_timestamp:
                await self._delete(md)
            return
        if (md.metadata.annotations or {}).get(ANNOTATION_RECONCILE_PAUSED) == "true":
            return
        if md.metadata.deletion_timestamp:
            await self._delete(md)
            return
        if self._d.finalizer not in finalizers:
            # go on with the body the write returned: waiting for its watch echo costs a pass
            raw = await self._set_finalizer(md, present=True)
            md = ModelDeployment.model_validate(raw)
        await self._reconcile_live(md, raw)

    async def _reconcile_live(self, md: ModelDeployment, raw: Manifest) -> None:
        st = StatusDraft(md, raw)
        if (reason := self._d.check(md)) is not None:
            st.condition("ProviderCompatible", "False", "IncompatibleConfiguration", reason)
            st.fail(reason)
            await self._write(st)
            return
        st.condition(
            "ProviderCompatible",
            "True",
            "CompatibilityVerified",
            f"Configuration compatible with {self._d.display}",
        )
        prepared = await self._prepare(md) if self._prepare is not None else Prepared()
        st.fields.update(prepared.status)
        for condition in prepared.conditions:
            st.condition(*condition)
        for event in prepared.events:
            await self._recorder.record(md.to_kube(), event)
        if prepared.retry_after is not None and self._requeue_after is not None:
            self._requeue_after(
                (md.metadata.namespace or "", md.metadata.name or ""), prepared.retry_after
            )
        if prepared.halt is not None:
            if prepared.halt_phase is Phase.FAILED:
                st.fail(prepared.halt)
            await self._write(st)
            return
        if self._storage is not None and not await self._storage_ready(md, st):
            await self._write(st)
            return
        try:
            rendered = self._d.transform(md, **prepared.transform_kwargs)
        except TransformError as exc:
            st.condition("ResourceCreated", "False", "TransformFailed", str(exc))
            st.fail(f"Failed to generate {self._d.resource_label} resources: {exc}")
            await self._write(st)
            return
        live = await self._apply_all(md, rendered.objects, st)
        if live is None:
            await self._write(st)
            return
        st.condition("ResourceCreated", "True", "ResourceCreated", self._d.messages.created)
        primary = rendered.primary
        st.fields["provider"] = {
            "resourceName": primary["metadata"]["name"],
            "resourceKind": primary["kind"],
        }
        self._sync(live[0], st)
        await self._write(st)

    async def _storage_ready(self, md: ModelDeployment, st: StatusDraft) -> bool:
        """PVCs and the model download (§2.5); False: the workload must wait (st says why)."""
        assert self._storage is not None  # noqa: S101 - checked by the caller
        report = await self._storage.ensure(md)
        for condition in report.conditions:
            st.condition(*condition)
        if report.retry_after is not None and self._requeue_after is not None:
            key = (md.metadata.namespace or "", md.metadata.name or "")
            self._requeue_after(key, report.retry_after)
        if report.halt is None:
            return True
        st.fields["phase"] = str(report.phase or Phase.PENDING)
        st.fields["message"] = report.halt
        return False

    async def _apply_all(
        self, md: ModelDeployment, objects: list[Manifest], st: StatusDraft
    ) -> list[Manifest] | None:
        """Apply what changed; the live objects in order, or None after a failure condition.

        When several objects must be written, all but the first are first applied as a
        server-side dry run: an object the API server refuses then leaves nothing half-applied.
        """
        live: list[Manifest | None] = []
        pending: list[int] = []
        for obj in objects:
            meta = obj["metadata"]
            try:
                existing: Manifest | None = await self._cache.read(
                    obj,
                    lambda o=obj, m=meta: self._kube.get(  # type: ignore[misc]
                        o["apiVersion"], o["kind"], m["name"], m.get("namespace")
                    ),
                )
            except NotFoundError:
                existing = None
            if existing is not None and not owned_by(existing, md.metadata.uid):
                message = conflict_message(obj)
                st.condition("Ready", "False", "ResourceConflict", message)
                st.condition("ResourceCreated", "False", "ResourceConflict", message)
                st.fail(message)
                return None
            unchanged = (
                existing is not None
                and self._applied.get(object_key(obj)) == (digest(obj), live_version(existing))
                and metadata_kept(obj, existing)
            )
            if not unchanged:
                pending.append(len(live))
            live.append(existing if unchanged else None)
        # the first object written needs no rehearsal: if the API server refuses it, nothing
        # has been written yet; every later one is rehearsed before anything is written
        for index in pending[1:]:
            if await self._apply_one(objects[index], st, dry_run=True) is None:
                return None
        for index in pending:
            applied = await self._apply_one(objects[index], st, dry_run=False)
            if applied is None:
                return None
            self._applied[object_key(objects[index])] = (
                digest(objects[index]),
                live_version(applied),
            )
            live[index] = applied
        return [obj for obj in live if obj is not None]

    async def _apply_one(self, obj: Manifest, st: StatusDraft, *, dry_run: bool) -> Manifest | None:
        try:
            return await self._kube.apply(obj, force=True, dry_run=dry_run)
        except (ConflictError, UnavailableError):
            raise  # transient (a busy or unreachable API server): retried with backoff, not Failed
        except KubeError as exc:
            message = f"Failed to create/update resource {obj['metadata']['name']}: {exc}"
            st.condition("ResourceCreated", "False", "CreateFailed", message)
            st.fail(message)
            return None

    def _forget(self, obj: Manifest) -> None:
        self._applied.pop(object_key(obj), None)

    def _sync(self, live: Manifest, st: StatusDraft) -> None:
        state = self._d.translate(live)
        fields = synced_fields(state, self._d.messages.running, self._d.messages.waiting)
        st.fields.update(fields)
        phase = Phase(fields["phase"])
        st.condition("Ready", *ready_condition(phase, fields.get("message", "")))

    async def _write(self, st: StatusDraft) -> None:
        if st.unchanged():
            return
        manifest = st.manifest()
        try:
            self._wrote(await self._kube.apply_status(manifest, force=True))
        except ConflictError:
            self._cache.forget(manifest)  # decided on a stale body: the retry reads afresh
            raise

    async def _set_finalizer(self, md: ModelDeployment, *, present: bool) -> Manifest:
        meta = md.metadata
        written = await self._kube.apply(
            {
                "apiVersion": API_VERSION,
                "kind": MODEL_DEPLOYMENT_KIND,
                "metadata": {
                    "name": meta.name,
                    "namespace": meta.namespace,
                    "finalizers": [self._d.finalizer] if present else [],
                },
            },
            force=True,
        )
        self._wrote(written)
        return written

    async def _delete(self, md: ModelDeployment) -> None:
        """Delete what we rendered, then release the finalizer (or give up after the timeout)."""
        st = StatusDraft(md)
        st.fields["phase"] = str(Phase.TERMINATING)
        try:
            await self._write(st)
        except KubeError as exc:
            log.info("could not mark %s Terminating: %s", md.metadata.name, exc)
        remaining = 0
        for api, kind in self._d.kinds:
            try:
                objects = await self._kube.list(api, kind, md.metadata.namespace)
            except NotFoundError:
                continue  # the upstream CRD is gone: nothing of that kind can remain
            for obj in objects:
                if not owned_by(obj, md.metadata.uid):
                    continue
                remaining += 1
                self._forget({"apiVersion": api, "kind": kind, "metadata": obj["metadata"]})
                if not obj["metadata"].get("deletionTimestamp"):
                    await self._kube.delete(
                        api, kind, obj["metadata"]["name"], md.metadata.namespace, background=True
                    )
        deleted_at = md.metadata.deletion_timestamp
        waited = (
            (dt.datetime.now(dt.UTC) - dt.datetime.fromisoformat(str(deleted_at))).total_seconds()
            if deleted_at
            else 0.0
        )
        if remaining and waited < self._deletion_timeout:
            if self._requeue_after is not None:
                key = (md.metadata.namespace or "", md.metadata.name or "")
                self._requeue_after(key, 2.0)
            return
        await self._set_finalizer(md, present=False)
