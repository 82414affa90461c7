"""Golden files of the Dynamo, KubeRay and llm-d providers: every input renders to its output.

The inputs cover each worked example of spec providers.md §9 and every mode (aggregated,
disaggregated, multi-node; each engine a provider ships).  The cluster test
test_golden_dry_run.py applies the same outputs with server-side dry-run against the CRDs.
"""

from __future__ import annotations

import pytest

from airunway.providers.dynamo.config import definition as dynamo
from airunway.providers.kuberay.config import definition as kuberay
from airunway.providers.llmd.config import definition as llmd
from airunway.providers.sdk.base import ProviderDefinition
from tests.unit.providers.golden import DATA, cases, compare, load

PROVIDERS: dict[str, ProviderDefinition] = {
    "dynamo": dynamo(),
    "kuberay": kuberay(),
    "llmd": llmd(),
}
CASES = [(p, c) for p in sorted(PROVIDERS) for c in cases(p)]


@pytest.mark.parametrize(("provider", "case"), CASES, ids=[f"{p}/{c}" for p, c in CASES])
def test_golden(provider: str, case: str) -> None:
    definition = PROVIDERS[provider]
    assert definition.check(load(provider, case)) is None
    compare(provider, case, definition.transform)


@pytest.mark.parametrize("provider", sorted(PROVIDERS))
def test_every_output_has_an_input(provider: str) -> None:
    outputs = sorted(p.stem for p in (DATA / provider / "output").glob("*.yaml"))
    assert outputs == cases(provider)
