"""Engine and provider selection by the running controller over real InferenceProviderConfigs.

This is the only test module that creates InferenceProviderConfigs (they are cluster-scoped and
every ModelDeployment's selection sees all of them), and its tests run one after another (xdist
``--dist loadfile``); each removes its configs at the end.
"""

from __future__ import annotations

import copy
import uuid
from collections.abc import AsyncIterator
from typing import Any

import httpx
import pytest

from airunway.devcluster.services import ControllerProcess
from airunway.kube.client import Kube
from airunway.kube.errors import KubeError
from airunway.kube.wait import wait_for
from tests.support.md import (
    IPC_KIND,
    MD_API,
    MD_KIND,
    condition,
    engine,
    ipc,
    md,
    register_ready,
    wait_status,
)
from tests.unit.controller.selection.builders import SHIPPED_SPECS, shipped

pytestmark = pytest.mark.cluster


class Fleet:
    """Provider configs registered for one test, removed afterwards."""

    def __init__(self, kube: Kube) -> None:
        self.kube = kube
        self.names: list[str] = []

    async def add(self, manifest: dict[str, Any], *, ready: bool = True) -> None:
        self.names.append(manifest["metadata"]["name"])
        if ready:
            await register_ready(self.kube, manifest)
        else:
            await self.kube.apply(manifest, force=True)
        await self._barrier()

    async def _barrier(self) -> None:
        """Return once the controller has processed every config event written so far.

        One watch stream delivers a kind's events in order, so when the controller has marked a
        config created after ours (its SelectionRulesValid condition), it has seen ours too;
        otherwise a deployment created next could be decided on an older view of the fleet.
        """
        name = f"zz-barrier-{uuid.uuid4().hex[:8]}"
        await self.kube.apply(ipc(name, [engine("trtllm", gpu=False, cpu=False)]), force=True)

        async def marked() -> bool:
            body = await self.kube.get(MD_API, IPC_KIND, name)
            return condition(body, "SelectionRulesValid") is not None

        await wait_for(marked, timeout=30, what="the controller to catch up with the configs")
        await self.kube.delete(MD_API, IPC_KIND, name)


@pytest.fixture
async def fleet(
    controller: ControllerProcess,  # noqa: ARG001 - selection needs the running controller
    kube: Kube,
) -> AsyncIterator[Fleet]:
    f = Fleet(kube)
    yield f
    for name in f.names:
        await kube.delete(MD_API, IPC_KIND, name)


def _provider(obj: dict[str, Any]) -> str:
    return str(((obj.get("status") or {}).get("provider") or {}).get("name") or "")


async def test_priorities_and_the_name_tie_break(fleet: Fleet, kube: Kube, namespace: str) -> None:
    multi_gpu = [{"condition": "spec.resources.gpu.count > 1", "priority": 80}]
    await fleet.add(ipc("zz-multi-gpu", [engine("vllm")], multi_gpu))
    await fleet.add(ipc("aa-any", [engine("vllm")]))  # no rules: a priority-0 candidate
    await kube.apply(md("two-gpus", namespace, resources={"gpu": {"count": 2}}))
    await kube.apply(md("one-gpu", namespace, resources={"gpu": {"count": 1}}))

    two = await wait_status(kube, "two-gpus", namespace, "provider", _provider)
    one = await wait_status(kube, "one-gpu", namespace, "provider", _provider)
    assert _provider(two) == "zz-multi-gpu"
    assert _provider(one) == "aa-any"  # tie at priority 0: the smaller name wins
    assert two["status"]["provider"]["selectedReason"] == (
        "matched capabilities: engine=vllm, gpu=true, mode=aggregated"
    )
    assert two["status"]["engine"] == {
        "type": "vllm",
        "selectedReason": "auto-selected from provider aa-any capabilities",
    }
    selected = condition(two, "ProviderSelected")
    assert selected is not None
    assert (selected["status"], selected["reason"]) == ("True", "AutoSelected")
    assert selected["message"] == "Provider zz-multi-gpu auto-selected"
    assert two["status"]["phase"] == "Pending"

    async def event_recorded() -> bool:
        events = await kube.list("v1", "Event", namespace)
        return any(
            e["involvedObject"]["name"] == "two-gpus"
            and e["reason"] == "AutoSelected"
            and e["message"].endswith("Provider zz-multi-gpu auto-selected")
            for e in events
        )

    await wait_for(event_recorded, timeout=10, what="the ProviderSelected event")


async def test_the_zero_value_quirk_of_the_cel_input(
    fleet: Fleet, kube: Kube, namespace: str
) -> None:
    # count 0 is omitted from the CEL input, so this rule fails to evaluate and is ignored
    zero = [{"condition": "spec.resources.gpu.count == 0", "priority": 100}]
    no_gpu = [{"condition": "!has(spec.resources)", "priority": 50}]
    await fleet.add(ipc("aa-zero-rule", [engine("llamacpp", gpu=False, cpu=True)], zero))
    await fleet.add(ipc("bb-no-gpu-rule", [engine("llamacpp", gpu=False, cpu=True)], no_gpu))
    await kube.apply(md("cpu-only", namespace, engine={"type": "llamacpp"}, resources={"cpu": "4"}))
    obj = await wait_status(kube, "cpu-only", namespace, "provider", _provider)
    assert _provider(obj) == "aa-zero-rule" or _provider(obj) == "bb-no-gpu-rule"
    # resources present, so `!has(spec.resources)` is false too: both at 0, the name decides
    assert _provider(obj) == "aa-zero-rule"


async def test_float_numbers_compare_with_integers(
    fleet: Fleet, kube: Kube, namespace: str
) -> None:
    exact = [{"condition": "spec.resources.gpu.count == 4", "priority": 10}]
    await fleet.add(ipc("aa-plain", [engine("vllm")]))
    await fleet.add(ipc("bb-four", [engine("vllm")], exact))
    await kube.apply(md("four", namespace, resources={"gpu": {"count": 4}}))
    obj = await wait_status(kube, "four", namespace, "provider", _provider)
    assert _provider(obj) == "bb-four"  # 4.0 (JSON double) == 4 (CEL int) holds


async def test_no_compatible_provider_is_a_condition_not_a_crash(
    fleet: Fleet, kube: Kube, namespace: str
) -> None:
    await fleet.add(ipc("vllm-only", [engine("vllm")]))
    await kube.apply(
        md("wants-sglang", namespace, engine={"type": "sglang"}, resources={"gpu": {"count": 1}})
    )

    def failed(obj: dict[str, Any]) -> bool:
        c = condition(obj, "ProviderSelected")
        return c is not None and c["status"] == "False"

    obj = await wait_status(kube, "wants-sglang", namespace, "selection failure", failed)
    c = condition(obj, "ProviderSelected")
    assert c is not None
    assert c["reason"] == "SelectionFailed"
    assert c["message"] == "no compatible provider found for this configuration"
    assert obj["status"]["message"] == (
        "Provider selection failed: no compatible provider found for this configuration"
    )
    assert obj["status"]["phase"] == "Pending"


async def test_not_ready_providers_are_not_candidates(
    fleet: Fleet, kube: Kube, namespace: str
) -> None:
    await fleet.add(ipc("aa-down", [engine("vllm")]), ready=False)
    await fleet.add(ipc("bb-up", [engine("vllm")]))
    await kube.apply(md("picky", namespace, resources={"gpu": {"count": 1}}))
    obj = await wait_status(kube, "picky", namespace, "provider", _provider)
    assert _provider(obj) == "bb-up"


async def test_explicit_unknown_provider_is_recorded_as_requested(
    fleet: Fleet, kube: Kube, namespace: str
) -> None:
    await fleet.add(ipc("known", [engine("vllm")]))
    await kube.apply(
        md("pinned", namespace, provider={"name": "not-installed"}, resources={"gpu": {"count": 1}})
    )
    obj = await wait_status(kube, "pinned", namespace, "provider", _provider)
    assert obj["status"]["provider"] == {
        "name": "not-installed",
        "selectedReason": "explicit provider selection",
    }
    c = condition(obj, "ProviderSelected")
    assert c is not None
    assert (c["reason"], c["message"]) == (
        "ExplicitSelection",
        "Provider explicitly specified in spec",
    )


async def test_a_broken_rule_marks_its_config_invalid_and_others_still_work(
    fleet: Fleet, kube: Kube, namespace: str
) -> None:
    broken = [{"condition": "spec.resources.gpu.count >", "priority": 100}]
    await fleet.add(ipc("aa-broken", [engine("vllm")], broken))
    await fleet.add(ipc("bb-healthy", [engine("vllm")]))

    async def marked_invalid() -> bool:
        obj = await kube.get(MD_API, IPC_KIND, "aa-broken")
        c = condition(obj, "SelectionRulesValid")
        return c is not None and c["status"] == "False"

    await wait_for(marked_invalid, timeout=15, what="aa-broken marked invalid")
    config = await kube.get(MD_API, IPC_KIND, "aa-broken")
    c = condition(config, "SelectionRulesValid")
    assert c is not None
    assert c["reason"] == "InvalidSelectionRule"
    assert "selectionRules[0]" in c["message"]
    await kube.apply(md("routed", namespace, resources={"gpu": {"count": 1}}))
    obj = await wait_status(kube, "routed", namespace, "provider", _provider)
    assert _provider(obj) == "bb-healthy"


async def test_pause_stops_core_writes_until_removed(
    fleet: Fleet, kube: Kube, namespace: str
) -> None:
    await fleet.add(ipc("pause-vllm", [engine("vllm")]))
    body = md("paused", namespace, resources={"gpu": {"count": 1}})
    await kube.apply(body)
    await wait_status(kube, "paused", namespace, "first reconcile", _provider)
    paused = body | {
        "metadata": body["metadata"] | {"annotations": {"airunway.ai/reconcile-paused": "true"}}
    }
    await kube.apply(paused)
    changed = paused | {
        "spec": body["spec"] | {"model": {"id": "Qwen/Qwen3-0.6B", "servedName": "q"}}
    }
    updated = await kube.apply(changed)
    generation = updated["metadata"]["generation"]
    # a later object is reconciled; the paused one keeps its old observedGeneration
    await kube.apply(md("sentinel", namespace, resources={"gpu": {"count": 1}}))
    await wait_status(kube, "sentinel", namespace, "reconciled", _provider)
    still = await kube.get(MD_API, MD_KIND, "paused", namespace)
    assert still["status"]["observedGeneration"] < generation
    resumed = changed | {"metadata": body["metadata"] | {"annotations": {}}}
    await kube.apply(resumed)
    await wait_status(
        kube,
        "paused",
        namespace,
        "catch up after unpause",
        lambda o: o["status"].get("observedGeneration") == o["metadata"]["generation"],
    )


async def test_core_status_never_clobbers_provider_fields(
    fleet: Fleet,
    cluster: Any,
    kube: Kube,
    namespace: str,
) -> None:
    await fleet.add(ipc("owner-test", [engine("vllm")]))
    body = md("shared-status", namespace, resources={"gpu": {"count": 1}})
    await kube.apply(body)
    await wait_status(kube, "shared-status", namespace, "provider", _provider)
    provider = cluster.connect("test-provider-shim")
    try:
        await provider.apply_status(
            {
                "apiVersion": MD_API,
                "kind": MD_KIND,
                "metadata": {"name": "shared-status", "namespace": namespace},
                "status": {
                    "phase": "Running",
                    "replicas": {"desired": 1, "ready": 1, "available": 1},
                    "provider": {"resourceName": "shared-status", "resourceKind": "Deployment"},
                    "conditions": [
                        {
                            "type": "Ready",
                            "status": "True",
                            "reason": "DeploymentReady",
                            "message": "1/1 ready",
                            "lastTransitionTime": "2026-01-01T00:00:00Z",
                        }
                    ],
                },
            }
        )
    finally:
        await provider.close()
    bumped = body | {"spec": body["spec"] | {"model": {"id": "Qwen/Qwen3-0.6B", "servedName": "s"}}}
    await kube.apply(bumped)
    obj = await wait_status(
        kube,
        "shared-status",
        namespace,
        "core reconcile of generation 2",
        lambda o: o["status"].get("observedGeneration") == 2,
    )
    status = obj["status"]
    assert status["phase"] == "Running"
    assert status["replicas"] == {"desired": 1, "ready": 1, "available": 1}
    assert status["provider"]["resourceKind"] == "Deployment"
    assert status["provider"]["name"] == "owner-test"
    assert condition(obj, "Ready") is not None
    assert condition(obj, "Validated") is not None
    managers = {m["manager"] for m in obj["metadata"]["managedFields"]}
    assert {"airunway-controller", "test-provider-shim"} <= managers


async def test_metrics_count_selections(
    fleet: Fleet, controller: ControllerProcess, kube: Kube, namespace: str
) -> None:
    await fleet.add(ipc("metrics-vllm", [engine("vllm")]))
    await kube.apply(md("counted", namespace, resources={"gpu": {"count": 1}}))
    await wait_status(kube, "counted", namespace, "provider", _provider)
    async with httpx.AsyncClient(trust_env=False) as client:
        text = (await client.get(f"http://127.0.0.1:{controller.metrics_port}/metrics")).text
    assert 'airunway_provider_selection_total{provider="metrics-vllm",reason="auto"} 1.0' in text
    assert "airunway_reconciliation_duration_seconds_bucket" in text


async def test_reference_examples_pass_the_webhook_with_the_shipped_providers(
    fleet: Fleet, kube: Kube, namespace: str, reference_examples: dict[str, dict[str, Any]]
) -> None:
    for config in shipped(*SHIPPED_SPECS):
        await fleet.add(config.to_kube())
    for name, example in reference_examples.items():
        obj = copy.deepcopy(example)
        obj["metadata"]["namespace"] = namespace
        try:
            await kube.apply(obj, dry_run=True)
        except KubeError as exc:
            pytest.fail(f"{name} rejected: {exc}")


async def test_a_provider_with_a_stale_heartbeat_is_not_selected(
    fleet: Fleet, kube: Kube, namespace: str
) -> None:
    await fleet.add(ipc("aa-dead", [engine("vllm")]))
    await fleet.add(ipc("bb-alive", [engine("vllm")]))
    await kube.apply_status(
        {
            "apiVersion": MD_API,
            "kind": IPC_KIND,
            "metadata": {"name": "aa-dead"},
            "status": {"ready": True, "lastHeartbeat": "2020-01-01T00:00:00Z"},
        }
    )
    await kube.apply(md("after-death", namespace, resources={"gpu": {"count": 1}}))
    obj = await wait_status(kube, "after-death", namespace, "provider", _provider)
    assert _provider(obj) == "bb-alive"
