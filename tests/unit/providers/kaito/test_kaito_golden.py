"""Golden files: each ModelDeployment under tests/data/kaito/input renders to its output file.

``AIRUNWAY_UPDATE_GOLDEN=1`` rewrites the outputs from the current transform (review the diff);
otherwise the parsed YAML must be equal.  The outputs are also checked against the real Workspace
CRD schema here (types, required fields, enums and unknown fields), before the cluster test
server-side-dry-runs them.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, Final

import jsonschema
import pytest
import yaml
from pydantic_settings import BaseSettings, SettingsConfigDict

from airunway.api import ModelDeployment
from airunway.devcluster.settings import DevClusterSettings
from airunway.providers.kaito import KaitoEnv, check, transform
from airunway.providers.kaito.drift import LAST_APPLIED_ANNOTATION, last_applied

DATA: Final = Path(__file__).resolve().parents[3] / "data" / "kaito"
CASES: Final = sorted(p.stem for p in (DATA / "input").glob("*.yaml"))
NAP: Final = KaitoEnv(
    node_auto_provisioning=True,
    gpu_instance_type="Standard_NC24ads_A100_v4",
    cpu_instance_type="Standard_D8s_v5",
)
#: Cases rendered with node auto-provisioning on; the others use the default (off).
ENVS: Final = {"nap-gpu": NAP, "nap-cpu": NAP}
HEADER: Final = "# Rendered from ../input/{name}.yaml; AIRUNWAY_UPDATE_GOLDEN=1 rewrites it.\n"


class _GoldenSettings(BaseSettings):
    """``AIRUNWAY_UPDATE_GOLDEN=1`` rewrites the golden outputs instead of comparing."""

    model_config = SettingsConfigDict(env_prefix="AIRUNWAY_", extra="ignore")

    update_golden: bool = False


def _input(name: str) -> ModelDeployment:
    return ModelDeployment.model_validate(
        yaml.safe_load((DATA / "input" / f"{name}.yaml").read_text())
    )


def _render(name: str) -> list[dict[str, Any]]:
    md = _input(name)
    assert check(md) is None
    return transform(md, env=ENVS.get(name)).objects


def _workspace_schema() -> dict[str, Any]:
    path = DevClusterSettings().upstream_crds / "kaito" / "workspaces.kaito.sh.yaml"
    crd = yaml.safe_load(path.read_text())
    version = next(v for v in crd["spec"]["versions"] if v["name"] == "v1beta1")
    return dict(version["schema"]["openAPIV3Schema"])


def _unknown_fields(value: object, schema: dict[str, Any], path: str) -> list[str]:
    """Fields the API server would reject under strict validation (not in the schema)."""
    if schema.get("x-kubernetes-preserve-unknown-fields") or not isinstance(value, dict | list):
        return []
    if isinstance(value, list):
        item = schema.get("items", {})
        return [u for i, v in enumerate(value) for u in _unknown_fields(v, item, f"{path}[{i}]")]
    if "additionalProperties" in schema:
        extra = schema["additionalProperties"]
        return [u for k, v in value.items() for u in _unknown_fields(v, extra, f"{path}.{k}")]
    properties = schema.get("properties", {})
    found = [f"{path}.{k}" for k in value if k not in properties]
    for key, sub in value.items():
        if key in properties:
            found += _unknown_fields(sub, properties[key], f"{path}.{key}")
    return found


def test_every_input_has_an_output_and_back() -> None:
    outputs = sorted(p.stem for p in (DATA / "output").glob("*.yaml"))
    assert CASES
    assert outputs == CASES


@pytest.mark.parametrize("name", CASES)
def test_golden(name: str) -> None:
    rendered = _render(name)
    path = DATA / "output" / f"{name}.yaml"
    if _GoldenSettings().update_golden:
        text = yaml.safe_dump_all(rendered, sort_keys=False, width=100)
        path.write_text(HEADER.format(name=name) + text)
    assert list(yaml.safe_load_all(path.read_text())) == rendered


@pytest.mark.parametrize("name", CASES)
def test_golden_output_is_a_valid_workspace(name: str) -> None:
    schema = _workspace_schema()
    for obj in yaml.safe_load_all((DATA / "output" / f"{name}.yaml").read_text()):
        body = {k: v for k, v in obj.items() if k != "metadata"}
        jsonschema.validate(body, schema)
        assert _unknown_fields(body, schema, "") == []


@pytest.mark.parametrize("name", CASES)
def test_golden_last_applied_records_the_rendered_fields(name: str) -> None:
    (obj,) = yaml.safe_load_all((DATA / "output" / f"{name}.yaml").read_text())
    assert obj["metadata"]["annotations"][LAST_APPLIED_ANNOTATION] == last_applied(obj)


def test_worked_example_9_5() -> None:
    (ws,) = _render("llamacpp-cpu")
    assert ws["apiVersion"] == "kaito.sh/v1beta1"
    assert ws["kind"] == "Workspace"
    assert "spec" not in ws
    assert ws["metadata"]["labels"] == {
        "airunway.ai/managed-by": "airunway",
        "airunway.ai/deployment": "gemma-cpu",
        "airunway.ai/model-source": "huggingface",
        "airunway.ai/engine-type": "llamacpp",
        "airunway.ai/model-deployment": "gemma-cpu",
    }
    assert ws["resource"] == {
        "count": 1,
        "labelSelector": {"matchLabels": {"kubernetes.io/os": "linux"}},
    }
    assert ws["inference"] == {
        "template": {
            "metadata": {"labels": {"airunway.ai/model-deployment": "gemma-cpu"}},
            "spec": {
                "containers": [
                    {
                        "name": "model",
                        "image": "ghcr.io/sozercan/llama-cpp-runner:latest",
                        "args": ["huggingface://unsloth/gemma-3-1b-it-GGUF", "--address=:5000"],
                        "ports": [{"containerPort": 5000}],
                        "resources": {"requests": {"memory": "16Gi", "cpu": "8"}},
                    }
                ]
            },
        }
    }
    assert ws["metadata"]["annotations"][LAST_APPLIED_ANNOTATION] == (
        '{"annotations":{},"inference":{"template":{"metadata":{"labels":'
        '{"airunway.ai/model-deployment":"gemma-cpu"}},"spec":{"containers":[{"args":'
        '["huggingface://unsloth/gemma-3-1b-it-GGUF","--address=:5000"],'
        '"image":"ghcr.io/sozercan/llama-cpp-runner:latest","name":"model","ports":'
        '[{"containerPort":5000}],"resources":{"requests":{"cpu":"8","memory":"16Gi"}}}]}}},'
        '"labels":{"airunway.ai/deployment":"gemma-cpu","airunway.ai/engine-type":"llamacpp",'
        '"airunway.ai/managed-by":"airunway","airunway.ai/model-deployment":"gemma-cpu",'
        '"airunway.ai/model-source":"huggingface"},"resource":{"count":1,"labelSelector":'
        '{"matchLabels":{"kubernetes.io/os":"linux"}}}}'
    )
