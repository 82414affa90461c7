"""The KAITO provider process: the SDK runtime plus KAITO's upstream health probe (§1.6).

The probe is the only I/O KAITO adds: is the Workspace CRD served, and does a KAITO workspace
controller Deployment have ready replicas?  It decides the provider's readiness in its heartbeat
and gates every reconcile: without a running KAITO operator nothing would ever reconcile the
Workspaces we create, so we say so instead of creating them.
"""

from __future__ import annotations

from airunway.api import ModelDeployment
from airunway.kube.client import Kube
from airunway.kube.errors import KubeError, NotFoundError
from airunway.providers.kaito import status
from airunway.providers.kaito.config import UPSTREAM_CRD_VERSION, definition
from airunway.providers.kaito.transform import KaitoEnv
from airunway.providers.sdk.operator import ProviderProcess
from airunway.providers.sdk.outcome import Prepared
from airunway.providers.sdk.registration import Readiness
from airunway.providers.sdk.settings import ProviderSettings
from airunway.runtime.events import EventSpec

CONTROLLER_NAMES = ("workspace", "ai-toolchain-operator")
RETRY_UNHEALTHY = 30.0


async def probe(kube: Kube) -> status.ProbeResult:
    """§1.6: CRD served, then a ready workspace controller Deployment anywhere."""
    try:
        await kube.list("kaito.sh/v1beta1", "Workspace", "kaito-probe-nonexistent-namespace")
    except NotFoundError:
        return status.probe_result(crd_present=False, deployments=[])
    except KubeError as exc:
        return status.crd_check_failed(exc)
    deployments = []
    try:
        for name in CONTROLLER_NAMES:
            deployments += await kube.list(
                "apps/v1", "Deployment", labels={"app.kubernetes.io/name": name}
            )
    except KubeError as exc:
        return status.list_failed(exc)
    return status.probe_result(crd_present=True, deployments=deployments)


def build(settings: ProviderSettings, env: KaitoEnv | None = None) -> ProviderProcess:
    """The KAITO provider process."""
    process: ProviderProcess

    async def readiness() -> Readiness:
        result = await probe(process.kube)
        return Readiness(ready=result.ready, reason=result.reason, message=result.message)

    async def prepare(md: ModelDeployment) -> Prepared:
        result = await probe(process.kube)
        if result.ready:
            return Prepared()
        del md
        return Prepared(
            conditions=[("Ready", "False", result.reason, result.message)],
            halt=result.message,
            events=[EventSpec("Warning", result.reason, result.message)],
            retry_after=RETRY_UNHEALTHY,
        )

    process = ProviderProcess(
        definition(env),
        settings,
        readiness=readiness,
        prepare=prepare,
        upstream_version=UPSTREAM_CRD_VERSION,
    )
    return process
