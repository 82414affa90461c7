"""llm-d status: the primary Deployment's state (spec §4.3, the Deployment-provider mapping).

Primary is ``<md>`` when aggregated and ``<md>-decode`` when disaggregated (the decode side
answers requests), so the endpoint is that Deployment's Service on port 8000.
"""

from __future__ import annotations

from airunway.providers.sdk.workloads import translate_deployment as translate

__all__ = ["translate"]
