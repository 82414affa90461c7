"""KAITO's InferenceProviderConfig (§1.1, byte-exact annotations) and its ProviderDefinition."""

from __future__ import annotations

from typing import Final

import pytest

from airunway.api import InferenceProviderConfig, ModelDeployment
from airunway.devcluster.settings import REPO_ROOT
from airunway.providers.kaito import NAME, KaitoEnv, config, definition
from airunway.providers.kaito.config import KAITO_VERSION, MESSAGES, installation
from airunway.providers.kaito.drift import LAST_APPLIED_ANNOTATION
from airunway.providers.sdk.status import Phase
from tests.unit.providers.kaito.kaito_builders import md

SPEC: Final = REPO_ROOT.parent / "shared" / "spec" / "providers.md"

#: §1.1 verbatim (kept here too, so the test does not depend on the spec file being present).
INSTALLATION: Final = (
    '{"description":"Kubernetes AI Toolchain Operator for simplified model deployment",'
    '"defaultNamespace":"kaito-workspace","helmRepos":[{"name":"kaito","url":'
    '"https://kaito-project.github.io/kaito/charts/kaito"}],"helmCharts":[{"name":'
    '"kaito-workspace","chart":"kaito/workspace","version":"0.10.0","namespace":'
    '"kaito-workspace","createNamespace":true}],"steps":[{"title":"Add KAITO Helm Repository",'
    '"command":"helm repo add kaito https://kaito-project.github.io/kaito/charts/kaito",'
    '"description":"Add the KAITO Helm repository."},{"title":"Update Helm Repositories",'
    '"command":"helm repo update kaito","description":"Update local Helm repository cache."},'
    '{"title":"Install KAITO Workspace Operator","command":"helm upgrade --install '
    "kaito-workspace kaito/workspace --version 0.10.0 -n kaito-workspace --create-namespace "
    "--set featureGates.disableNodeAutoProvisioning=true --set nvidiaDevicePlugin.enabled=false "
    "--set localCSIDriver.useLocalCSIDriver=false --set gpu-feature-discovery.gfd.enabled=false "
    "--set gpu-feature-discovery.nfd.master.deploy=false "
    '--set gpu-feature-discovery.nfd.worker.deploy=false --wait","description":"Install the '
    "KAITO workspace operator v0.10.0 with Node Auto-Provisioning disabled (BYO nodes mode), "
    'and sub-chart dependencies disabled."}]}'
)
HEALTH: Final = (
    '{"crds":[{"displayName":"KAITO workspace CRD","name":"workspaces.kaito.sh"}],'
    '"operatorPods":[{"namespace":"kaito-workspace","selectors":["app.kubernetes.io/name='
    'workspace,app.kubernetes.io/instance=kaito-workspace","app.kubernetes.io/name=workspace"]},'
    '{"selectors":["app.kubernetes.io/name=workspace","app=ai-toolchain-operator"]}]}'
)
CAPABILITIES: Final = (
    '{"engines":[{"name":"vllm","servingModes":["aggregated"],"apiFormats":["openai-chat",'
    '"openai-responses","anthropic-messages"],"gpuSupport":true},{"name":"llamacpp",'
    '"servingModes":["aggregated"],"apiFormats":["openai-chat"],"gpuSupport":true,'
    '"cpuSupport":true,"gateway":{"ignoresServedName":true}}]}'
)
DOCS: Final = "https://github.com/ai-runway/airunway/tree/main/docs/providers/kaito.md"


def test_annotations_are_byte_exact() -> None:
    assert config("dev-abc")["metadata"]["annotations"] == {
        "airunway.ai/display-name": "KAITO",
        "airunway.ai/description": (
            "Kubernetes AI Toolchain Operator for simplified model deployment"
        ),
        "airunway.ai/default-namespace": "kaito-workspace",
        "airunway.ai/documentation-url": DOCS,
        "airunway.ai/documentation": DOCS,
        "airunway.ai/capabilities": CAPABILITIES,
        "airunway.ai/health": HEALTH,
        "airunway.ai/installation": INSTALLATION,
    }


def test_annotations_match_the_spec_text() -> None:
    if not SPEC.exists():
        pytest.fail(f"the provider spec is missing at {SPEC}")
    lines = SPEC.read_text().split("### 1.1", 1)[1].split("### 1.2", 1)[0].splitlines()
    quoted = dict(line.split(": ", 1) for line in lines if line.startswith("airunway.ai/"))
    assert quoted
    annotations = config()["metadata"]["annotations"]
    for key, value in quoted.items():
        assert annotations[key] == value, key


def test_shim_version_does_not_leak_into_the_manifest() -> None:
    assert config("v9.9.9") == config()
    assert installation("0.11.0")["helmCharts"][0]["version"] == "0.11.0"
    assert KAITO_VERSION == "0.10.0"


def test_manifest_is_a_valid_inference_provider_config() -> None:
    manifest = config()
    ipc = InferenceProviderConfig.model_validate(manifest)
    assert manifest["apiVersion"] == "airunway.ai/v1alpha1"
    assert manifest["kind"] == "InferenceProviderConfig"
    assert ipc.metadata.name == "kaito"
    assert ipc.spec is not None
    assert ipc.spec.capabilities is not None
    assert [e.name for e in ipc.spec.capabilities.engines or []] == ["vllm", "llamacpp"]
    llamacpp = ipc.engine_capability("llamacpp")
    assert llamacpp is not None
    assert llamacpp.cpu_support is True
    assert llamacpp.requires_crd is None
    assert [(r.condition, r.priority) for r in ipc.spec.selection_rules or []] == [
        ("!has(spec.resources.gpu) || spec.resources.gpu.count == 0", 100),
        ("spec.engine.type == 'llamacpp'", 100),
    ]


def test_definition() -> None:
    d = definition()
    assert d.name == NAME == "kaito"
    assert d.display == "KAITO"
    assert d.resource_label == "KAITO"
    assert d.finalizer == "airunway.ai/kaito-provider"
    assert d.field_manager == "kaito-provider"
    assert d.kinds == (("kaito.sh/v1beta1", "Workspace"),)
    assert d.messages == MESSAGES
    assert (d.messages.created, d.messages.waiting, d.messages.running) == (
        "Workspace created successfully",
        "Workspace created, waiting for pods to be ready",
        "Workspace created, pods are ready",
    )
    assert d.check(md(engine_type="trtllm")) == "KAITO does not support trtllm engine"
    assert d.translate({"metadata": {"name": "x"}}).phase is Phase.PENDING
    assert d.config("dev") == config()


def test_definition_binds_the_node_auto_provisioning_env() -> None:
    model: ModelDeployment = md(resources={"gpu": {"count": 1}})
    plain = definition().transform(model).primary
    nap = definition(KaitoEnv(node_auto_provisioning=True, gpu_instance_type="g")).transform(model)
    assert "instanceType" not in plain["resource"]
    assert nap.primary["resource"]["instanceType"] == "g"
    assert LAST_APPLIED_ANNOTATION in nap.primary["metadata"]["annotations"]
