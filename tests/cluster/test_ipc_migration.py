"""The startup migration of legacy InferenceProviderConfigs against a real API server.

A legacy object cannot be written under our CRD, nor under the reference's: both declare
``spec.capabilities`` without the flat keys, so the API server prunes them, and a string engine
fails the schema (the first test proves it).  Legacy objects only ever existed under an older CRD
that kept those fields, so the tests run on a side cluster where such a CRD is simulated: the
reference CRD with ``spec.capabilities`` opened up by ``x-kubernetes-preserve-unknown-fields``.
The objects are written by another field manager, as ``kubectl`` would have written them, which
is what makes a server-side apply unable to remove the flat keys (asserted below).

The tests of this module share the side cluster and run in file order (xdist ``loadfile``); each
one starts by installing the CRD it needs and removing every InferenceProviderConfig.  Two tests
cover what the migration relies on outside this module: the shipped RBAC lets the controller
rewrite configs, and a kind that stops being served reads as "not found".
"""

from __future__ import annotations

import copy
import uuid
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any, Literal

import pytest

from airunway.api import API_VERSION, InferenceProviderConfig
from airunway.controller.migration import run_migration
from airunway.devcluster.cluster import DevCluster
from airunway.devcluster.services import service_account_kubeconfig
from airunway.kube.client import Kube
from airunway.kube.errors import InvalidError, KubeError, NotFoundError, TooManyRequestsError
from airunway.kube.wait import wait_for

pytestmark = pytest.mark.cluster

KIND = "InferenceProviderConfig"
CRD_API = "apiextensions.k8s.io/v1"
CRD_NAME = "inferenceproviderconfigs.airunway.ai"
CRD_FILE = "airunway.ai_inferenceproviderconfigs.yaml"
WAIT = 60.0
Schema = Literal["legacy", "strict", "absent"]


def ipc(name: str, spec: dict[str, Any], **meta: Any) -> dict[str, Any]:
    return {
        "apiVersion": API_VERSION,
        "kind": KIND,
        "metadata": {"name": name, **meta},
        "spec": spec,
    }


def legacy_crd(reference: dict[str, Any]) -> dict[str, Any]:
    """The reference CRD as an older release had it: ``spec.capabilities`` takes anything."""
    crd = copy.deepcopy(reference)
    [version] = crd["spec"]["versions"]
    spec = version["schema"]["openAPIV3Schema"]["properties"]["spec"]
    spec["properties"]["capabilities"] = {
        "description": "legacy: string engines and flat servingModes/gpuSupport/... keys",
        "type": "object",
        "x-kubernetes-preserve-unknown-fields": True,
    }
    return crd


@pytest.fixture(scope="module")
async def side() -> AsyncIterator[DevCluster]:
    cluster = DevCluster(f"migr-{uuid.uuid4().hex[:6]}", profile="minimal", crd_dirs=[])
    try:
        await cluster.up()
        yield cluster
    finally:
        cluster.down()


@pytest.fixture(scope="module")
async def admin(side: DevCluster) -> AsyncIterator[Kube]:
    client = side.connect("airunway-tests")
    yield client
    await client.close()


@pytest.fixture(scope="module")
async def kubectl(side: DevCluster) -> AsyncIterator[Kube]:
    """Writes the legacy objects under another field manager than the controller's."""
    client = side.connect("kubectl-client-side-apply")
    yield client
    await client.close()


@pytest.fixture(scope="module")
async def controller_kube(side: DevCluster) -> AsyncIterator[Kube]:
    client = side.connect("airunway-controller")
    yield client
    await client.close()


@pytest.fixture(scope="module")
def crds(
    reference_crds: dict[str, dict[str, Any]], committed_crds: dict[str, dict[str, Any]]
) -> dict[str, dict[str, Any]]:
    reference = reference_crds[CRD_FILE]
    return {
        "reference": reference,
        "legacy": legacy_crd(reference),
        "ours": committed_crds[CRD_FILE],
    }


async def schema_in_effect(kube: Kube) -> Schema:
    """Which IPC schema the API server applies right now, by a dry-run write of a legacy object.

    A CRD update is Established at once but the API server swaps its storage a moment later,
    so "applied" is not "in effect"; the probe is what the tests wait on.
    """
    if not await served(kube):
        return "absent"
    probe = ipc("schema-probe", {"capabilities": {"engines": ["vllm"], "gpuSupport": True}})
    try:
        written = await kube.apply(probe, force=True, dry_run=True)
    except InvalidError:
        return "strict"
    except NotFoundError:
        # discovery can run ahead of the handler; the second kind is the kube-layer gap that
        # the last test of this module records
        return "absent"
    return "legacy" if written["spec"]["capabilities"].get("gpuSupport") is True else "strict"


async def served(kube: Kube) -> bool:
    """Whether API discovery lists the IPC kind (a raw GET: no client-side caching)."""
    try:
        listing = await kube.raw_get(f"/apis/{API_VERSION}")
    except KubeError:
        return False
    return any(r.get("kind") == KIND for r in listing.get("resources", []))


async def install(kube: Kube, crd: dict[str, Any], schema: Schema) -> None:
    await kube.apply(crd, force=True)

    async def in_effect() -> bool:
        return await schema_in_effect(kube) == schema

    await wait_for(in_effect, timeout=WAIT, what=f"the {schema} IPC schema to be in effect")

    async def listable() -> bool:
        # a re-installed CRD answers 429 "storage is (re)initializing" for a moment
        try:
            await kube.list(API_VERSION, KIND)
        except TooManyRequestsError:
            return False
        return True

    await wait_for(listable, timeout=WAIT, what="the IPC storage to be initialized")


async def delete_all(kube: Kube) -> None:
    try:
        items = await kube.list(API_VERSION, KIND)
    except NotFoundError:
        return
    for item in items:
        await kube.delete(API_VERSION, KIND, item["metadata"]["name"])

    async def gone() -> bool:
        return not await kube.list(API_VERSION, KIND)

    await wait_for(gone, timeout=WAIT, what="every InferenceProviderConfig to be deleted")


async def spec_of(kube: Kube, name: str) -> dict[str, Any]:
    spec: dict[str, Any] = (await kube.get(API_VERSION, KIND, name))["spec"]
    return spec


async def assert_valid_under_ours(kube: Kube, name: str) -> None:
    """A dry-run apply of the object's spec passes our CRD, and our models parse the object."""
    obj = await kube.get(API_VERSION, KIND, name)
    await kube.apply(ipc(name, obj["spec"]), force=True, dry_run=True)
    InferenceProviderConfig.model_validate(
        {**obj, "metadata": {"name": name, "labels": obj["metadata"].get("labels")}}
    )


# -- the shared cluster ----------------------------------------------------------------------


async def test_current_objects_on_the_runs_cluster_need_no_migration(kube: Kube) -> None:
    # read-only: under our CRD no object can be legacy, so the pass must write nothing
    report = await run_migration(kube)
    assert report.crd_present
    assert report.written == {}
    assert report.failed == {}


# -- the side cluster ------------------------------------------------------------------------


async def test_neither_the_reference_crd_nor_ours_can_hold_a_legacy_object(
    admin: Kube, kubectl: Kube, crds: dict[str, dict[str, Any]]
) -> None:
    for crd in ("reference", "ours"):
        await install(admin, crds[crd], "strict")
        await delete_all(admin)
        created = await kubectl.create(
            ipc("pruned", {"capabilities": {"engines": [{"name": "vllm"}], "gpuSupport": True}})
        )
        assert created["spec"] == {"capabilities": {"engines": [{"name": "vllm"}]}}, crd
        with pytest.raises(InvalidError):
            await kubectl.create(ipc("strings", {"capabilities": {"engines": ["vllm"]}}))
    await delete_all(admin)


async def test_server_side_apply_cannot_remove_flat_keys_another_manager_set(
    admin: Kube, kubectl: Kube, controller_kube: Kube, crds: dict[str, dict[str, Any]]
) -> None:
    # why the migration writes with a replace (PUT) and not with an apply
    await install(admin, crds["legacy"], "legacy")
    await delete_all(admin)
    created = await kubectl.create(
        ipc("ssa", {"capabilities": {"engines": ["vllm"], "gpuSupport": True}})
    )
    new_spec = {"capabilities": {"engines": [{"name": "vllm", "gpuSupport": True}]}}
    applied = ipc("ssa", new_spec, resourceVersion=created["metadata"]["resourceVersion"])
    await controller_kube.apply(applied, force=True)
    assert (await spec_of(admin, "ssa"))["capabilities"]["gpuSupport"] is True
    fresh = await admin.get(API_VERSION, KIND, "ssa")
    await controller_kube.replace({**fresh, "spec": new_spec})
    assert await spec_of(admin, "ssa") == new_spec
    await delete_all(admin)


LEGACY: dict[str, dict[str, Any]] = {
    # the original legacy shape: string engines, one set of flat capabilities for all
    "kaito": {
        "capabilities": {
            "engines": ["vllm", "llamacpp"],
            "servingModes": ["aggregated"],
            "gpuSupport": True,
            "cpuSupport": True,
            "requiresCRD": True,
            "gateway": {"ignoresServedName": True},
        }
    },
    # object engines written next to flat keys that were never removed
    "dynamo": {
        "capabilities": {
            "engines": [{"name": "vllm", "servingModes": ["aggregated", "disaggregated"]}],
            "gpuSupport": True,
            "requiresCRD": False,
            "gateway": {"managesInferencePool": True, "inferencePoolNamePattern": "{name}-pool"},
        },
        "selectionRules": [{"condition": "spec.engine.type == 'vllm'", "priority": 50}],
    },
    "stale": {"capabilities": {"engines": [], "cpuSupport": True}},
    "current": {
        "capabilities": {"engines": [{"name": "sglang", "gpuSupport": True, "cpuSupport": False}]}
    },
    "broken": {"capabilities": {"engines": ["vllm", {"name": "sglang"}], "gpuSupport": True}},
}

MIGRATED: dict[str, dict[str, Any]] = {
    "kaito": {
        "capabilities": {
            "engines": [
                {
                    "name": engine,
                    "servingModes": ["aggregated"],
                    "gpuSupport": True,
                    "cpuSupport": True,
                    "requiresCRD": True,
                    "gateway": {"ignoresServedName": True},
                }
                for engine in ("vllm", "llamacpp")
            ]
        }
    },
    "dynamo": {
        "capabilities": {
            "engines": [
                {
                    "name": "vllm",
                    "servingModes": ["aggregated", "disaggregated"],
                    "gpuSupport": True,
                    "cpuSupport": False,
                    "requiresCRD": False,
                    "gateway": {
                        "managesInferencePool": True,
                        "inferencePoolNamePattern": "{name}-pool",
                    },
                }
            ]
        },
        "selectionRules": [{"condition": "spec.engine.type == 'vllm'", "priority": 50}],
    },
    "stale": {"capabilities": {"engines": []}},
    "current": LEGACY["current"],
}


async def test_legacy_objects_are_migrated_and_then_valid_under_our_crd(
    admin: Kube, kubectl: Kube, controller_kube: Kube, crds: dict[str, dict[str, Any]]
) -> None:
    await install(admin, crds["legacy"], "legacy")
    await delete_all(admin)
    for name, spec in LEGACY.items():
        await kubectl.create(ipc(name, spec, labels={"app.kubernetes.io/name": name}))
        assert await spec_of(admin, name) == spec  # the legacy CRD kept every flat key
    status = {"ready": True, "version": "kaito:v1"}
    await admin.apply_status({**ipc("kaito", {}), "status": status})

    report = await run_migration(controller_kube)

    assert report.written == {"kaito": "migrated", "dynamo": "hoisted", "stale": "cleaned"}
    assert report.unchanged == ["current"]
    assert report.failed == {
        "broken": "malformed engine entry at spec.capabilities.engines[1]: "
        "expected string, got object"
    }
    for name, spec in MIGRATED.items():
        assert await spec_of(admin, name) == spec, name
    assert await spec_of(admin, "broken") == LEGACY["broken"]
    kaito = await admin.get(API_VERSION, KIND, "kaito")
    assert kaito["metadata"]["labels"] == {"app.kubernetes.io/name": "kaito"}
    assert kaito["status"] == status

    versions = {
        o["metadata"]["name"]: o["metadata"]["resourceVersion"]
        for o in await admin.list(API_VERSION, KIND)
    }
    again = await run_migration(controller_kube)
    assert again.written == {}
    after = {
        o["metadata"]["name"]: o["metadata"]["resourceVersion"]
        for o in await admin.list(API_VERSION, KIND)
    }
    assert after == versions

    await install(admin, crds["ours"], "strict")
    for name in MIGRATED:
        await assert_valid_under_ours(admin, name)
    await delete_all(admin)


async def test_flat_values_hidden_by_a_newer_crd_are_lost_but_objects_become_valid(
    admin: Kube, kubectl: Kube, controller_kube: Kube, crds: dict[str, dict[str, Any]]
) -> None:
    # the upgrade order of a chart (CRDs first, controller second): the API server prunes the
    # flat keys on read from etcd as soon as our CRD is in place, so the migration cannot see
    # them; it still turns string engines into objects, which our models need
    await install(admin, crds["legacy"], "legacy")
    await delete_all(admin)
    for name in ("kaito", "dynamo"):
        await kubectl.create(ipc(name, LEGACY[name]))
    await install(admin, crds["ours"], "strict")
    assert await spec_of(admin, "kaito") == {"capabilities": {"engines": ["vllm", "llamacpp"]}}

    report = await run_migration(controller_kube)

    assert report.written == {"kaito": "migrated"}
    assert report.unchanged == ["dynamo"]
    assert await spec_of(admin, "kaito") == {
        "capabilities": {
            "engines": [
                {"name": "vllm", "gpuSupport": False, "cpuSupport": False},
                {"name": "llamacpp", "gpuSupport": False, "cpuSupport": False},
            ]
        }
    }
    for name in ("kaito", "dynamo"):
        await assert_valid_under_ours(admin, name)
    await delete_all(admin)


async def test_the_shipped_controller_role_may_migrate(
    side: DevCluster,
    admin: Kube,
    kubectl: Kube,
    crds: dict[str, dict[str, Any]],
    repo_root: Path,
) -> None:
    await install(admin, crds["legacy"], "legacy")
    await delete_all(admin)
    await kubectl.create(ipc("kaito", LEGACY["kaito"]))
    rbac = repo_root / "deploy" / "rbac" / "controller.yaml"
    kubeconfig = await service_account_kubeconfig(side, rbac, "controller-sa")
    controller = Kube.from_kubeconfig(kubeconfig, field_manager="airunway-controller")
    try:
        report = await run_migration(controller)
    finally:
        await controller.close()
        kaito = await spec_of(admin, "kaito")
        await delete_all(admin)
    assert report.failed == {}
    assert kaito == MIGRATED["kaito"]


async def test_a_crd_removed_while_the_controller_runs_skips_the_migration(
    admin: Kube, controller_kube: Kube, crds: dict[str, dict[str, Any]]
) -> None:
    await install(admin, crds["legacy"], "legacy")
    await delete_all(admin)
    assert (await run_migration(controller_kube)).crd_present  # the client now knows the kind
    await admin.delete(CRD_API, "CustomResourceDefinition", CRD_NAME)

    async def unserved() -> bool:
        return not await served(admin)

    await wait_for(unserved, timeout=WAIT, what="the IPC kind to be no longer served")
    report = await run_migration(controller_kube)
    assert not report.crd_present
