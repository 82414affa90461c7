"""Long-running watches that outlive API server restarts, with server-side selectors.

A process that reacts to one kind of object needs a watch that never ends on its own: the
simulators and the provider controllers share this one.  Label and field selectors are applied
by the API server, so a process that serves a few objects of a busy kind (a provider among
five, all watching ModelDeployments) is not sent, decoded and filtered every other event.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable, Mapping
from typing import Final

from airunway.kube.client import Kube, Manifest
from airunway.kube.errors import KubeError

log = logging.getLogger(__name__)

_MAX_RECONNECT_DELAY: Final = 30.0
_BAD_REQUEST: Final = 400


async def watch_forever(  # noqa: PLR0913 - a watch's whole description
    kube: Kube,
    api_version: str,
    kind: str,
    namespace: str | None,
    handle: Callable[[str, Manifest], None],
    *,
    reconnect_delay: float,
    labels: Mapping[str, str | None] | None = None,
    fields: Mapping[str, str] | None = None,
) -> None:
    """Feed every watch event of a kind to ``handle``; re-open the watch after failures.

    A (re)opened watch starts with an ADDED event for each existing object, so nothing that
    changed while it was down is missed.  With a selector, an object that stops matching
    arrives as DELETED (it may still exist).  Failures (API server restarts, a CRD that is not
    installed yet, even errors the client library fails to convert) are retried with a doubling
    delay, reset by the next event.  A field selector the server does not support (a cluster
    older than the CRD's ``selectableFields``) is dropped, and ``handle`` then sees every
    object, so callers must still filter.
    """
    delay = reconnect_delay
    while True:
        try:
            async for event, obj in kube.watch(
                api_version, kind, namespace, labels=labels, fields=fields
            ):
                delay = reconnect_delay
                handle(event, obj)
        except KubeError as exc:
            if fields and exc.status == _BAD_REQUEST:
                log.warning(
                    "watch %s %s: field selector refused, watching all: %s", kind, fields, exc
                )
                fields = None
                continue
            log.warning("watch %s %s failed (retry in %.1fs): %s", api_version, kind, delay, exc)
        except Exception:  # a watch must outlive anything but cancellation
            log.exception("watch %s %s broke (retry in %.1fs)", api_version, kind, delay)
        await asyncio.sleep(delay)
        delay = min(delay * 2, _MAX_RECONNECT_DELAY)
