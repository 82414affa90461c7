"""The CEL case table (``tests/support/cel_cases.py``) is consistent offline.

The cluster test ``tests/cluster/test_crds.py`` replays the same table against the real API
server; here the unit tests keep it honest: every object is one our models accept (the CEL rules
are the only reason for a rejection) and every expected error is one of the webhook's messages.
"""

import re

import pytest

from airunway.api import ModelDeployment, cel
from tests.support.cel_cases import CEL_CASES, CelCase


def test_case_names_are_unique() -> None:
    names = [c.name for c in CEL_CASES]
    assert len(names) == len(set(names))


@pytest.mark.parametrize("case", CEL_CASES, ids=lambda c: c.name)
def test_case_objects_are_valid_models(case: CelCase) -> None:
    ModelDeployment.model_validate(case.obj)
    if case.old is not None:
        ModelDeployment.model_validate(case.old)


def test_expected_errors_are_webhook_messages() -> None:
    messages = [v for k, v in vars(cel).items() if k.startswith("MSG_") and isinstance(v, str)]
    patterns = [re.compile(".+".join(map(re.escape, re.split(r"\{\w+\}", m)))) for m in messages]
    for case in CEL_CASES:
        if case.error is not None:
            assert any(p.fullmatch(case.error) for p in patterns), case.name
