"""Gateway decisions (spec §4.3, §4.6, §4.7, §4.8), pure.

Which Gateway, which model name, which port, which provider capabilities, and whether a Gateway
admits routes from a namespace.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from airunway.api import (
    ANNOTATION_BBR_NAMESPACE,
    LABEL_INFERENCE_GATEWAY,
    VALID_API_FORMATS_FOR_ENGINE,
    APIFormat,
    GatewayCapabilities,
    InferenceProviderConfig,
    ModelDeployment,
)
from airunway.controller.gateway.render import DEFAULT_TARGET_PORT, GatewayRef

Manifest = dict[str, Any]
NAME_LABEL = "kubernetes.io/metadata.name"


class NoGatewayError(Exception):
    """No Gateway can be chosen; the text goes into ``GatewayReady``."""


def choose_gateway(gateways: Sequence[Manifest], explicit: GatewayRef | None) -> GatewayRef:
    """The configured Gateway, else the only one, else the one labelled for inference."""
    if explicit is not None:
        for gateway in gateways:
            meta = gateway["metadata"]
            if (meta["name"], meta.get("namespace")) == (explicit.name, explicit.namespace):
                return explicit
        raise NoGatewayError(f"Gateway {explicit} not found")
    if not gateways:
        raise NoGatewayError("no Gateway resources found in cluster")
    if len(gateways) == 1:
        return _ref(gateways[0])
    labelled = [
        g
        for g in gateways
        if (g["metadata"].get("labels") or {}).get(LABEL_INFERENCE_GATEWAY) == "true"
    ]
    if not labelled:
        raise NoGatewayError(
            f"multiple Gateways found but none labeled with {LABEL_INFERENCE_GATEWAY}=true"
        )
    return _ref(labelled[0])


def _ref(gateway: Manifest) -> GatewayRef:
    meta = gateway["metadata"]
    return GatewayRef(str(meta["name"]), str(meta.get("namespace") or ""))


def bbr_namespace(gateway: Manifest, *, explicit: bool) -> str:
    """Where the body-based router runs: the annotation, else the Gateway's namespace."""
    meta = gateway["metadata"]
    annotated = (meta.get("annotations") or {}).get(ANNOTATION_BBR_NAMESPACE)
    return str(meta["namespace"]) if explicit or not annotated else str(annotated)


def gateway_address(gateway: Manifest | None) -> str:
    """The first non-empty ``status.addresses[].value`` ("" when none)."""
    for address in ((gateway or {}).get("status") or {}).get("addresses") or []:
        if value := address.get("value"):
            return str(value)
    return ""


@dataclass(frozen=True)
class ProviderGateway:
    """What the serving provider's engine capability says about the gateway."""

    capabilities: GatewayCapabilities | None = None
    api_formats: tuple[APIFormat, ...] = (APIFormat.OPENAI_CHAT,)

    @property
    def manages_pool(self) -> bool:
        """The provider's operator creates the InferencePool and its EPP."""
        return bool(self.capabilities and self.capabilities.manages_inference_pool)

    @property
    def ignores_served_name(self) -> bool:
        """Routing must not use ``spec.model.servedName``."""
        return bool(self.capabilities and self.capabilities.ignores_served_name)


def provider_gateway(
    md: ModelDeployment, configs: Sequence[InferenceProviderConfig]
) -> ProviderGateway:
    """Capabilities of ``spec.provider.name`` (else the selected provider) for the engine.

    API formats: the engine capability's (``openai-chat`` when it lists none), limited to what
    the engine can serve.
    """
    spec_provider = md.spec.provider
    provider = (
        spec_provider.name
        if spec_provider is not None
        else (md.status.provider.name if md.status and md.status.provider else None)
    )
    engine = md.resolved_engine_type()
    config = next((c for c in configs if c.metadata.name == provider), None) if provider else None
    capability = config.engine_capability(engine) if config is not None and engine else None
    if capability is None:
        return ProviderGateway()
    valid = VALID_API_FORMATS_FOR_ENGINE.get(capability.name, ())
    formats = tuple(f for f in capability.effective_api_formats() if f in valid)
    return ProviderGateway(capability.gateway, formats or (APIFormat.OPENAI_CHAT,))


def model_name(md: ModelDeployment, provider: ProviderGateway, discovered: str | None) -> str:
    """``gateway.modelName``, else ``servedName`` (unless ignored), discovered, ``model.id``."""
    gateway = md.spec.gateway
    if gateway is not None and gateway.model_name:
        return gateway.model_name
    if md.spec.model.served_name and not provider.ignores_served_name:
        return md.spec.model.served_name
    return discovered or md.spec.model.id or ""


def needs_discovery(md: ModelDeployment, provider: ProviderGateway) -> bool:
    """Whether the model name depends on asking the server (``/v1/models``)."""
    gateway = md.spec.gateway
    if gateway is not None and gateway.model_name:
        return False
    return not (md.spec.model.served_name and not provider.ignores_served_name)


def _numeric(value: object) -> int:
    return value if isinstance(value, int) and not isinstance(value, bool) and value > 0 else 0


def service_port(service: Manifest | None) -> dict[str, Any] | None:
    """The serving port of a Service: named ``http`` or 80/8080, else the first one."""
    ports = ((service or {}).get("spec") or {}).get("ports") or []
    for port in ports:
        if port.get("name") == "http" or port.get("port") in {80, 8080}:
            return dict(port)
    return dict(ports[0]) if ports else None


def target_port(service: Manifest | None, endpoint_port: int | None) -> int:
    """The pool's target port: the Service's numeric targetPort (or port), else the status."""
    port = service_port(service)
    if port is not None and (
        number := _numeric(port.get("targetPort")) or _numeric(port.get("port"))
    ):
        return number
    return endpoint_port if endpoint_port and endpoint_port > 0 else DEFAULT_TARGET_PORT


def pool_location(md: ModelDeployment, capabilities: GatewayCapabilities | None) -> tuple[str, str]:
    """(name, namespace) of a provider-managed pool, from the capability's patterns."""
    name, namespace = md.metadata.name or "", md.metadata.namespace or ""

    def fill(pattern: str | None, default: str) -> str:
        if not pattern:
            return default
        return pattern.replace("{name}", name).replace("{namespace}", namespace)

    caps = capabilities or GatewayCapabilities()
    return fill(caps.inference_pool_name_pattern, name), fill(
        caps.inference_pool_namespace, namespace
    )


# --- listener allowedRoutes (§4.8) -------------------------------------------------------------


def _admits(listener: Manifest, gateway_ns: str, namespace: str, labels: dict[str, str]) -> bool:
    allowed = listener.get("allowedRoutes") or {}
    kinds = allowed.get("kinds")
    if kinds and not any(k.get("kind") == "HTTPRoute" for k in kinds):
        return False
    namespaces = allowed.get("namespaces") or {}
    origin = namespaces.get("from") or "Same"
    if origin == "All":
        return True
    if origin == "Same":
        return namespace == gateway_ns
    if origin == "Selector":
        return _selects(namespaces.get("selector") or {}, labels)
    return False


def _selects(selector: Manifest, labels: dict[str, str]) -> bool:
    for key, value in (selector.get("matchLabels") or {}).items():
        if labels.get(key) != value:
            return False
    for expr in selector.get("matchExpressions") or []:
        key, op, values = expr.get("key"), expr.get("operator"), expr.get("values") or []
        present = key in labels
        if (
            (op == "In" and (not present or labels[key] not in values))
            or (op == "NotIn" and present and labels[key] in values)
            or (op == "Exists" and not present)
            or (op == "DoesNotExist" and present)
        ):
            return False
    return True


def admits_routes(gateway: Manifest, namespace: str, namespace_labels: dict[str, str]) -> bool:
    """Whether some listener of ``gateway`` accepts HTTPRoutes from ``namespace``."""
    gateway_ns = str(gateway["metadata"].get("namespace") or "")
    labels = {NAME_LABEL: namespace} | namespace_labels
    listeners = (gateway.get("spec") or {}).get("listeners") or []
    return any(_admits(listener, gateway_ns, namespace, labels) for listener in listeners)


def cross_namespaces(gateway: Manifest) -> set[str]:
    """Namespaces a listener selector admits by name (the set the controller manages)."""
    gateway_ns = gateway["metadata"].get("namespace")
    for listener in (gateway.get("spec") or {}).get("listeners") or []:
        selector = ((listener.get("allowedRoutes") or {}).get("namespaces") or {}).get("selector")
        if selector is None:
            continue
        names = set()
        if value := (selector.get("matchLabels") or {}).get(NAME_LABEL):
            names.add(str(value))
        for expr in selector.get("matchExpressions") or []:
            if expr.get("key") == NAME_LABEL and expr.get("operator") == "In":
                names.update(str(v) for v in expr.get("values") or [])
        return names - {gateway_ns}
    return set()


def rewritten_listeners(gateway: Manifest, namespaces: set[str]) -> list[Manifest]:
    """Every listener admitting exactly the Gateway's namespace plus ``namespaces``."""
    gateway_ns = str(gateway["metadata"].get("namespace") or "")
    out = []
    for listener in (gateway.get("spec") or {}).get("listeners") or []:
        item = dict(listener)
        allowed = dict(item.get("allowedRoutes") or {})
        if namespaces:
            allowed["namespaces"] = {
                "from": "Selector",
                "selector": {
                    "matchExpressions": [
                        {
                            "key": NAME_LABEL,
                            "operator": "In",
                            "values": sorted(namespaces | {gateway_ns}),
                        }
                    ]
                },
            }
            item["allowedRoutes"] = allowed
        elif "allowedRoutes" in item:
            allowed["namespaces"] = {"from": "Same"}
            item["allowedRoutes"] = allowed
        out.append(item)
    return out
