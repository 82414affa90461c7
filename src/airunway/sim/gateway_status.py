"""Statuses a Gateway API implementation writes, as the gateway SIMULATOR computes them (pure).

The shapes are Gateway API v1.5's (GatewayClass, Gateway with per-listener status, HTTPRoute
``status.parents``), with its reasons: a route is Accepted unless no listener admits its
namespace (``NotAllowedByListeners``), and its refs resolve unless a backend in another
namespace has no ReferenceGrant (``RefNotPermitted``) or does not exist (``BackendNotFound``).
What a real implementation also does (programming a data plane, TLS, hostnames) is not here.
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping, Sequence
from typing import Any

Manifest = dict[str, Any]
GATEWAY_GROUP = "gateway.networking.k8s.io"
CONTROLLER_NAME = "sim.airunway.ai/gateway-controller"
NAME_LABEL = "kubernetes.io/metadata.name"
ROUTE_KINDS = [{"group": GATEWAY_GROUP, "kind": "HTTPRoute"}]


def condition(
    ctype: str,
    status: str,
    reason: str,
    message: str,
    generation: int,
    previous: Sequence[Mapping[str, Any]],
    now: str,
) -> dict[str, Any]:
    """A metav1.Condition keeping the previous transition time when its status is unchanged."""
    value = status
    old = next((c for c in previous if c.get("type") == ctype), None)
    since = old["lastTransitionTime"] if old and old.get("status") == value else now
    return {
        "type": ctype,
        "status": value,
        "reason": reason,
        "message": message,
        "observedGeneration": generation,
        "lastTransitionTime": since,
    }


def _generation(obj: Mapping[str, Any]) -> int:
    return int(obj["metadata"].get("generation") or 1)


def class_status(gateway_class: Manifest, now: str) -> dict[str, Any]:
    """GatewayClass: Accepted."""
    previous = (gateway_class.get("status") or {}).get("conditions") or []
    return {
        "conditions": [
            condition(
                "Accepted",
                "True",
                "Accepted",
                "Handled by the AI Runway gateway simulator",
                _generation(gateway_class),
                previous,
                now,
            )
        ]
    }


def address(gateway: Manifest) -> str:
    """A stable, made-up IPv4 address for a Gateway (never dialled: there is no data plane)."""
    meta = gateway["metadata"]
    digest = hashlib.sha256(f"{meta.get('namespace')}/{meta['name']}".encode()).digest()
    return f"10.254.{digest[0]}.{max(digest[1], 1)}"


def gateway_status(gateway: Manifest, attached: Mapping[str, int], now: str) -> dict[str, Any]:
    """Gateway: Accepted and Programmed, an address, and each listener's attached routes."""
    previous = gateway.get("status") or {}
    generation = _generation(gateway)
    old_listeners = {item.get("name"): item for item in previous.get("listeners") or []}
    listeners = []
    for listener in (gateway.get("spec") or {}).get("listeners") or []:
        name = listener["name"]
        prior = (old_listeners.get(name) or {}).get("conditions") or []
        listeners.append(
            {
                "name": name,
                "supportedKinds": ROUTE_KINDS,
                "attachedRoutes": attached.get(name, 0),
                "conditions": [
                    condition(
                        "Accepted", "True", "Accepted", "Listener accepted", generation, prior, now
                    ),
                    condition(
                        "Programmed",
                        "True",
                        "Programmed",
                        "Listener programmed",
                        generation,
                        prior,
                        now,
                    ),
                    condition(
                        "ResolvedRefs",
                        "True",
                        "ResolvedRefs",
                        "Refs resolved",
                        generation,
                        prior,
                        now,
                    ),
                    condition(
                        "Conflicted", "False", "NoConflicts", "No conflicts", generation, prior, now
                    ),
                ],
            }
        )
    prior = previous.get("conditions") or []
    return {
        "addresses": [{"type": "IPAddress", "value": address(gateway)}],
        "conditions": [
            condition("Accepted", "True", "Accepted", "Gateway accepted", generation, prior, now),
            condition(
                "Programmed", "True", "Programmed", "Gateway programmed", generation, prior, now
            ),
        ],
        "listeners": listeners,
    }


def _selects(selector: Mapping[str, Any], labels: Mapping[str, str]) -> bool:
    if any(labels.get(k) != v for k, v in (selector.get("matchLabels") or {}).items()):
        return False
    for expr in selector.get("matchExpressions") or []:
        key, op, values = expr.get("key"), expr.get("operator"), expr.get("values") or []
        present = key in labels
        if op == "In" and not (present and labels[key] in values):
            return False
        if op == "NotIn" and present and labels[key] in values:
            return False
        if (op == "Exists") != present and op in {"Exists", "DoesNotExist"}:
            return False
    return True


def admitting_listeners(
    gateway: Manifest, section: str | None, namespace: str, labels: Mapping[str, str]
) -> list[str]:
    """The listeners (``section`` only, if given) admitting HTTPRoutes from ``namespace``."""
    gateway_ns = gateway["metadata"].get("namespace")
    out = []
    for listener in (gateway.get("spec") or {}).get("listeners") or []:
        if section and listener.get("name") != section:
            continue
        allowed = listener.get("allowedRoutes") or {}
        namespaces = allowed.get("namespaces") or {}
        origin = namespaces.get("from") or "Same"
        ok = (
            origin == "All"
            or (origin == "Same" and namespace == gateway_ns)
            or (origin == "Selector" and _selects(namespaces.get("selector") or {}, labels))
        )
        kinds = allowed.get("kinds")
        if ok and (not kinds or any(k.get("kind") == "HTTPRoute" for k in kinds)):
            out.append(str(listener["name"]))
    return out


def _granted(
    grants: Sequence[Manifest], route_ns: str, backend: Mapping[str, Any], backend_ns: str
) -> bool:
    group, kind, name = (
        backend.get("group") or "",
        backend.get("kind") or "Service",
        backend["name"],
    )
    for grant in grants:
        if grant["metadata"].get("namespace") != backend_ns:
            continue
        spec = grant.get("spec") or {}
        sources = any(
            f.get("group") == GATEWAY_GROUP
            and f.get("kind") == "HTTPRoute"
            and f.get("namespace") == route_ns
            for f in spec.get("from") or []
        )
        targets = any(
            (t.get("group") or "") == group
            and t.get("kind") == kind
            and (not t.get("name") or t.get("name") == name)
            for t in spec.get("to") or []
        )
        if sources and targets:
            return True
    return False


def resolved_refs(
    route: Manifest, grants: Sequence[Manifest], exists: set[tuple[str, str, str]]
) -> tuple[bool, str, str]:
    """(resolved, reason, message) of a route's backends; ``exists``: (kind, ns, name)."""
    route_ns = str(route["metadata"].get("namespace"))
    for rule in (route.get("spec") or {}).get("rules") or []:
        for backend in rule.get("backendRefs") or []:
            kind = backend.get("kind") or "Service"
            namespace = backend.get("namespace") or route_ns
            where = f"{kind} {namespace}/{backend['name']}"
            if namespace != route_ns and not _granted(grants, route_ns, backend, namespace):
                return (
                    False,
                    "RefNotPermitted",
                    f"backendRef {where} is not permitted by any ReferenceGrant",
                )
            if (kind, namespace, backend["name"]) not in exists:
                return False, "BackendNotFound", f"backendRef {where} not found"
    return True, "ResolvedRefs", "All references resolved"
