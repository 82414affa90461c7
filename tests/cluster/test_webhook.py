"""The admission webhooks on the real API server: denials with the documented messages
(nothing created), and defaults applied."""

from __future__ import annotations

from typing import Any

import pytest

from airunway.kube.client import Kube
from airunway.kube.errors import ForbiddenError, KubeError, NotFoundError
from tests.support.md import MD_API, MD_KIND, md

pytestmark = [pytest.mark.cluster, pytest.mark.usefixtures("controller")]
PREFIX = 'admission webhook "vmodeldeployment-v1alpha1.kb.io" denied the request: '

DENIALS: list[tuple[str, dict[str, Any], str]] = [
    (
        "forbidden-override",
        {"provider": {"name": "x", "overrides": {"securityContext": {"privileged": True}}}},
        (
            'spec.provider.overrides.securityContext: Forbidden: overriding "securityContext" is '
            "not allowed for security reasons"
        ),
    ),
    (
        "nested-sizing-override",
        {"provider": {"name": "x", "overrides": {"spec": {"containers": [{"resources": {}}]}}}},
        (
            "spec.provider.overrides.spec.containers[0].resources: Forbidden: "
            'overriding "resources" is not allowed because it can bypass admission resource '
            "limits; use spec.resources / spec.scaling instead"
        ),
    ),
    (
        "args-collision",
        {"engine": {"args": {"max-model-len": "4096"}, "extraArgs": ["--max-model-len=8192"]}},
        (
            'launch flag "max-model-len" is set in both spec.engine.args and spec.engine.extraArgs '
            '("--max-model-len=8192"); set it in exactly one place so the engine does not receive '
            "conflicting values"
        ),
    ),
    (
        "provider-not-found",
        {"provider": {"name": "no-such-provider"}, "engine": {"type": "vllm"}},
        (
            'spec.provider.name: Invalid value: "no-such-provider": InferenceProviderConfig '
            '"no-such-provider" not found'
        ),
    ),
    (
        "duplicate-mount-path",
        {
            "model": {
                "id": "m",
                "storage": {
                    "volumes": [
                        {"name": "a", "claimName": "a", "mountPath": "/data"},
                        {"name": "b", "claimName": "b", "mountPath": "/data"},
                    ]
                },
            }
        },
        'spec.model.storage.volumes[1].mountPath: Invalid value: "/data": duplicate mount path',
    ),
]


@pytest.mark.parametrize(("name", "spec", "message"), DENIALS, ids=[d[0] for d in DENIALS])
async def test_denials_carry_the_documented_message_and_create_nothing(
    kube: Kube,
    namespace: str,
    name: str,
    spec: dict[str, Any],
    message: str,
) -> None:
    with pytest.raises(KubeError) as err:
        await kube.apply(md(name, namespace, **spec))
    assert isinstance(err.value, ForbiddenError)
    assert str(err.value).startswith(PREFIX)
    assert message in str(err.value)
    with pytest.raises(NotFoundError):
        await kube.get(MD_API, MD_KIND, name, namespace)


async def test_defaults_are_applied_on_create(kube: Kube, namespace: str) -> None:
    created = await kube.apply(
        md(
            "defaults",
            namespace,
            model={
                "id": "Qwen/Qwen3-0.6B",
                "storage": {
                    "volumes": [{"name": "weights", "purpose": "modelCache", "size": "40Gi"}]
                },
            },
            engine={"type": "sglang"},
        )
    )
    spec = created["spec"]
    assert spec["serving"] == {"mode": "aggregated"}
    assert spec["scaling"] == {"replicas": 1}
    assert spec["resources"] == {"gpu": {"count": 1, "type": "nvidia.com/gpu"}}
    (volume,) = spec["model"]["storage"]["volumes"]
    assert volume["claimName"] == "defaults-weights"
    assert volume["mountPath"] == "/model-cache"
    assert volume["accessMode"] == "ReadWriteMany"


async def test_identity_and_managed_storage_are_immutable_on_update(
    kube: Kube, namespace: str
) -> None:
    volumes = [{"name": "w", "purpose": "modelCache", "size": "10Gi"}]
    base = md(
        "immutable",
        namespace,
        model={"id": "org/model", "storage": {"volumes": volumes}},
        provider={"name": "first"},
    )
    await kube.apply(base)
    switched = md(
        "immutable",
        namespace,
        model={"id": "org/model", "storage": {"volumes": volumes}},
        provider={"name": "second"},
    )
    with pytest.raises(KubeError) as err:
        await kube.apply(switched)
    assert "provider.name is immutable (changing it requires delete and recreate)" in str(err.value)

    resized = md(
        "immutable",
        namespace,
        model={"id": "org/model", "storage": {"volumes": [volumes[0] | {"size": "20Gi"}]}},
        provider={"name": "first"},
    )
    with pytest.raises(KubeError) as err:
        await kube.apply(resized)
    assert "managed storage volume is immutable once created" in str(err.value)
    respelled = md(
        "immutable",
        namespace,
        model={"id": "org/model", "storage": {"volumes": [volumes[0] | {"size": "10240Mi"}]}},
        provider={"name": "first"},
    )
    await kube.apply(respelled)  # the same quantity: admitted
    stored = await kube.get(MD_API, MD_KIND, "immutable", namespace)
    assert stored["spec"]["provider"]["name"] == "first"
