"""Whether the Gateway API Inference Extension is installed (spec §4.1).

Available when discovery serves ``inferencepools`` in ``inference.networking.k8s.io/v1`` and
``httproutes`` in ``gateway.networking.k8s.io/v1``.  The answer is cached, positive or negative,
until :meth:`GatewayDetector.invalidate`: the controller watches CustomResourceDefinitions and
invalidates on any change of a relevant one, so CRDs installed (or removed) while it runs are
picked up without a restart and without polling discovery.
"""

from __future__ import annotations

import logging

from airunway.controller.gateway.render import DESTINATION_RULE, GATEWAY_API, INFERENCE_API
from airunway.kube.client import Kube
from airunway.kube.errors import KubeError

log = logging.getLogger(__name__)

#: CRDs whose appearance or removal changes what the gateway integration can do
WATCHED_CRDS = frozenset(
    {
        "inferencepools.inference.networking.k8s.io",
        "httproutes.gateway.networking.k8s.io",
        "gateways.gateway.networking.k8s.io",
        "referencegrants.gateway.networking.k8s.io",
        "destinationrules.networking.istio.io",
    }
)


class GatewayDetector:
    """Cached discovery of the gateway APIs (and of Istio's DestinationRule)."""

    def __init__(self, kube: Kube) -> None:
        self._kube = kube
        self._available: bool | None = None
        self._istio: bool | None = None

    def invalidate(self) -> None:
        """Forget the answers: the next question asks discovery again."""
        self._available = None
        self._istio = None

    async def _serves(self, api_version: str, plural: str) -> bool:
        try:
            listing = await self._kube.raw_get(f"/apis/{api_version}")
        except KubeError:
            return False
        return any(r.get("name") == plural for r in (listing or {}).get("resources", []))

    async def available(self) -> bool:
        """Whether InferencePools and HTTPRoutes are served."""
        if self._available is None:
            found = await self._serves(INFERENCE_API, "inferencepools") and await self._serves(
                GATEWAY_API, "httproutes"
            )
            if found:
                log.info(
                    "Gateway API Inference Extension CRDs detected, gateway integration enabled"
                )
            else:
                log.info(
                    "Gateway API Inference Extension CRDs not found, gateway integration disabled"
                )
            self._available = found
        return self._available

    async def istio(self) -> bool:
        """Whether Istio's DestinationRule is served (the EPP then gets one)."""
        if self._istio is None:
            self._istio = await self._serves(DESTINATION_RULE[0], "destinationrules")
        return self._istio
