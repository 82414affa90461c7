from __future__ import annotations

import pytest

from airunway.providers.dynamo.config import definition as dynamo_definition
from airunway.providers.kaito.config import definition as kaito_definition
from airunway.providers.kuberay.config import definition as kuberay_definition
from airunway.providers.llmd.config import definition as llmd_definition
from airunway.providers.sdk.base import ProviderDefinition
from airunway.providers.vllm.config import definition as vllm_definition
from tests.unit.providers.conformance import run_all

PROVIDERS: dict[str, ProviderDefinition] = {
    "dynamo": dynamo_definition(),
    "kaito": kaito_definition(),
    "kuberay": kuberay_definition(),
    "llmd": llmd_definition(),
    "vllm": vllm_definition(),
}


@pytest.mark.parametrize("name", sorted(PROVIDERS))
def test_provider_keeps_the_contract(name: str) -> None:
    assert run_all(name, PROVIDERS[name]) >= 5
