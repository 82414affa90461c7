"""The providers' own registrations agree with the spec's on everything selection reads.

The selection tables run over ``builders.shipped``, i.e. the InferenceProviderConfigs the five
providers' ``config.py`` build; this pins those to the transcription of spec providers.md
(engines, serving modes, GPU/CPU support, selection rules), so a provider that changes its
registration changes the table's outcome only through this visible diff.
"""

from __future__ import annotations

from typing import Any

import pytest

from tests.unit.controller.selection.builders import SHIPPED_SPECS, registered_spec


def _selection_view(spec: dict[str, Any]) -> dict[str, Any]:
    engines = [
        (
            e["name"],
            tuple(e.get("servingModes") or ()),
            bool(e.get("gpuSupport")),
            bool(e.get("cpuSupport")),
        )
        for e in spec["capabilities"]["engines"]
    ]
    rules = [(r["condition"], r["priority"]) for r in spec.get("selectionRules") or []]
    return {"engines": engines, "rules": rules}


@pytest.mark.parametrize("name", sorted(SHIPPED_SPECS))
def test_registered_config_matches_the_spec(name: str) -> None:
    assert _selection_view(registered_spec(name)) == _selection_view(SHIPPED_SPECS[name])
