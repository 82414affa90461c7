"""The contract every provider package must keep, run once per provider.

Each provider's ``test_<name>_conformance.py`` calls :func:`conformance_tests` with its
definition and its golden inputs; adding a provider without passing this suite fails CI.
What it checks: the package shape; the registration object is a valid InferenceProviderConfig of
the right name; rendering is pure (same input, same output; the input untouched); every rendered
object is named as a DNS label, carries the controller owner reference, and is of a kind the
provider declares (so the runtime watches and cleans it up); status
translation is pure and total on an empty upstream object.
"""

from __future__ import annotations

import copy
import importlib
import re
from pathlib import Path
from typing import Any

import yaml

from airunway.api import InferenceProviderConfig, ModelDeployment
from airunway.providers.sdk.base import ProviderDefinition
from airunway.providers.sdk.status import UpstreamState

DNS_LABEL = re.compile(r"^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$")
PACKAGE_MODULES = ("config", "transform", "status", "controller")


def golden_inputs(provider: str) -> list[tuple[str, ModelDeployment]]:
    """The provider's golden input ModelDeployments, by case name."""
    directory = Path(__file__).parents[2] / "data" / provider / "input"
    return [
        (p.stem, ModelDeployment.model_validate(yaml.safe_load(p.read_text())))
        for p in sorted(directory.glob("*.yaml"))
    ]


def check_package_shape(provider: str) -> None:
    """``providers/<name>/`` has config, transform, status and a thin controller."""
    for module in PACKAGE_MODULES:
        importlib.import_module(f"airunway.providers.{provider}.{module}")


def check_registration(definition: ProviderDefinition) -> None:
    """The IPC it registers parses as ours and is named after the provider."""
    manifest = definition.config("test")
    config = InferenceProviderConfig.model_validate(manifest)
    assert config.metadata.name == definition.name
    assert definition.finalizer == f"airunway.ai/{definition.name}-provider"
    assert definition.field_manager == f"{definition.name}-provider"


def check_rendering(definition: ProviderDefinition, md: ModelDeployment) -> None:
    """Pure, deterministic, well-named, owned, labelled, of declared kinds."""
    before = md.model_dump(mode="json")
    first = definition.transform(md)
    second = definition.transform(md)
    assert first.objects == second.objects, "transform is not deterministic"
    assert md.model_dump(mode="json") == before, "transform changed its input"
    declared = {kind for _, kind in definition.kinds}
    for obj in first.objects:
        meta: dict[str, Any] = obj["metadata"]
        assert DNS_LABEL.match(meta["name"]), f"{meta['name']} is not a DNS label"
        assert obj["kind"] in declared, f"{obj['kind']} is not in the provider's kinds"
        owners = meta.get("ownerReferences") or []
        assert any(
            o["uid"] == md.metadata.uid and o["controller"] and o["kind"] == "ModelDeployment"
            for o in owners
        ), f"{meta['name']} has no controller owner reference to the ModelDeployment"
        # (labels are not checked: podTemplate labels may overwrite ours, as the reference
        # allows; the runtime finds its objects through the owner reference above)


def check_translation(definition: ProviderDefinition, md: ModelDeployment) -> None:
    """Status translation is pure and handles an upstream object with no status yet."""
    primary = definition.transform(md).primary
    snapshot = copy.deepcopy(primary)
    state = definition.translate(primary)
    assert isinstance(state, UpstreamState)
    assert primary == snapshot, "translate changed its input"
    assert definition.translate(primary) == state


def run_all(provider: str, definition: ProviderDefinition) -> int:
    """Run every check over every golden input; return how many inputs were checked."""
    check_package_shape(provider)
    check_registration(definition)
    inputs = golden_inputs(provider)
    assert inputs, f"no golden inputs for {provider}"
    for name, md in inputs:
        try:
            check_rendering(definition, md)
            check_translation(definition, md)
        except AssertionError as exc:
            raise AssertionError(f"{provider}/{name}: {exc}") from exc
    return len(inputs)
