"""The storage rules of spec §2.4, one case per rule, and how they combine."""

from __future__ import annotations

import pytest

from airunway.controller.admission import ErrorType, FieldError
from tests.unit.controller.admission.builders import (
    RuleCase,
    create,
    expect_invalid,
    expect_required,
    raw_md,
    storage,
    volume,
)

VOLUMES = "spec.model.storage.volumes"
LONG = "a" * 240

CASES = [
    RuleCase(
        "S claimName required",
        raw_md(model=storage(volume(mountPath="/data"))),
        expect_required(
            f"{VOLUMES}[0].claimName",
            "claimName is required when size is not set (must reference a pre-existing PVC)",
        ),
    ),
    RuleCase(
        "S readOnly with size",
        raw_md(model=storage(volume(mountPath="/data", size="1Gi", readOnly=True))),
        expect_invalid(
            f"{VOLUMES}[0].readOnly",
            True,  # noqa: FBT003 - the offending value
            "readOnly must not be true when size is set "
            "(controller-created PVCs need write access)",
        ),
    ),
    RuleCase(
        "S claimName with size",
        raw_md(model=storage(volume(mountPath="/data", size="1Gi", claimName="mine"))),
        expect_invalid(
            f"{VOLUMES}[0].claimName",
            "mine",
            'claimName must not be set when size is set (auto-generated as "qwen-w")',
        ),
    ),
    RuleCase(
        "S claim name too long",
        raw_md("b" * 200, model=storage(volume("v" * 60, mountPath="/data", size="1Gi"))),
        expect_invalid(
            f"{VOLUMES}[0].name",
            "v" * 60,
            f'auto-generated PVC claim name "{"b" * 200}-{"v" * 60}" exceeds the 253-character '
            "Kubernetes name limit (got 261 characters); use a shorter ModelDeployment or volume "
            "name",
        ),
    ),
    RuleCase(
        "S accessMode unsupported",
        raw_md(
            model=storage(volume(mountPath="/data", size="1Gi", accessMode="ReadWriteSometimes"))
        ),
        FieldError(
            f"{VOLUMES}[0].accessMode",
            ErrorType.NOT_SUPPORTED,
            'supported values: "ReadWriteOnce", "ReadWriteMany", "ReadOnlyMany", '
            '"ReadWriteOncePod"',
            "ReadWriteSometimes",
        ),
    ),
    RuleCase(
        "S accessMode without size",
        raw_md(
            model=storage(volume(mountPath="/data", claimName="pvc", accessMode="ReadWriteOnce"))
        ),
        expect_invalid(
            f"{VOLUMES}[0].accessMode",
            "ReadWriteOnce",
            "accessMode is only applicable when size is set (controller-created PVCs)",
        ),
    ),
    RuleCase(
        "S storageClassName without size",
        raw_md(model=storage(volume(mountPath="/data", claimName="pvc", storageClassName=""))),
        expect_invalid(
            f"{VOLUMES}[0].storageClassName",
            "",
            "storageClassName is only applicable when size is set (controller-created PVCs)",
        ),
    ),
    RuleCase(
        "S duplicate name",
        raw_md(
            model=storage(
                volume(mountPath="/a", claimName="pvc-a"), volume(mountPath="/b", claimName="pvc-b")
            )
        ),
        expect_invalid(f"{VOLUMES}[1].name", "w", "duplicate volume name"),
    ),
    RuleCase(
        "S duplicate mount path",
        raw_md(
            model=storage(
                volume("a", mountPath="/data", claimName="pvc-a"),
                volume("b", mountPath="/data", claimName="pvc-b"),
            )
        ),
        expect_invalid(f"{VOLUMES}[1].mountPath", "/data", "duplicate mount path"),
    ),
    RuleCase(
        "S duplicate claim name",
        raw_md(
            model=storage(
                volume("a", mountPath="/a", claimName="pvc"),
                volume("b", mountPath="/b", claimName="pvc"),
            )
        ),
        expect_invalid(f"{VOLUMES}[1].claimName", "pvc", "duplicate claim name"),
    ),
    RuleCase(
        "S relative mount path",
        raw_md(model=storage(volume(mountPath="data", claimName="pvc"))),
        expect_invalid(
            f"{VOLUMES}[0].mountPath", "data", "mountPath must be an absolute path (start with /)"
        ),
    ),
    RuleCase(
        "S custom needs mount path",
        raw_md(model=storage(volume(purpose="custom", claimName="pvc"))),
        expect_required(f"{VOLUMES}[0].mountPath", "mountPath is required when purpose is custom"),
    ),
    RuleCase(
        "S system mount path",
        raw_md(model=storage(volume(mountPath="/var/run/secrets", claimName="pvc"))),
        expect_invalid(
            f"{VOLUMES}[0].mountPath",
            "/var/run/secrets",
            "mountPath must not overlap with system path /var/run",
        ),
    ),
    RuleCase(
        "S two model caches",
        raw_md(
            model=storage(
                volume("a", purpose="modelCache", claimName="pvc-a", mountPath="/a"),
                volume("b", purpose="modelCache", claimName="pvc-b", mountPath="/b"),
            )
        ),
        expect_invalid(VOLUMES, 2, "at most one volume with purpose=modelCache is allowed"),
    ),
    RuleCase(
        "S two compilation caches",
        raw_md(
            model=storage(
                volume("a", purpose="compilationCache", claimName="pvc-a", mountPath="/a"),
                volume("b", purpose="compilationCache", claimName="pvc-b", mountPath="/b"),
            )
        ),
        expect_invalid(VOLUMES, 2, "at most one volume with purpose=compilationCache is allowed"),
    ),
    RuleCase(
        "S download job name too long",
        raw_md(LONG, model=storage(volume(purpose="modelCache", size="10Gi"))),
        expect_invalid(
            "metadata.name",
            LONG,
            f'auto-generated download Job name "{LONG}-model-download" exceeds the '
            "253-character Kubernetes name limit (got 255 characters); use a shorter "
            "ModelDeployment name",
        ),
    ),
]


@pytest.mark.parametrize("case", CASES, ids=[c.id for c in CASES])
def test_each_storage_rule_reports_exactly_its_error(case: RuleCase) -> None:
    result = create(case.raw)
    assert result.errors == [case.expected]


@pytest.mark.parametrize("path", ["/dev", "/proc/x", "/sys", "/etc/ssl", "/var/run"])
def test_each_system_path_is_rejected(path: str) -> None:
    result = create(raw_md(model=storage(volume(mountPath=path, claimName="pvc"))))
    assert [e.detail for e in result.errors] == [
        f"mountPath must not overlap with system path /{path.split('/')[1]}"
        if not path.startswith("/var/run")
        else "mountPath must not overlap with system path /var/run"
    ]


@pytest.mark.parametrize("path", ["/devices", "/etcetera", "/var/running", "/data/etc"])
def test_paths_that_only_share_a_prefix_are_allowed(path: str) -> None:
    assert create(raw_md(model=storage(volume(mountPath=path, claimName="pvc")))).errors == []


def test_a_volume_can_break_several_rules_at_once() -> None:
    raw = raw_md(
        model=storage(
            volume("a", mountPath="/etc", claimName="pvc"),
            volume("a", mountPath="/etc", claimName="pvc", accessMode="ReadWriteOnce"),
        )
    )
    assert [(e.path, e.detail) for e in create(raw).errors] == [
        (f"{VOLUMES}[0].mountPath", "mountPath must not overlap with system path /etc"),
        (
            f"{VOLUMES}[1].accessMode",
            "accessMode is only applicable when size is set (controller-created PVCs)",
        ),
        (f"{VOLUMES}[1].name", "duplicate volume name"),
        (f"{VOLUMES}[1].mountPath", "duplicate mount path"),
        (f"{VOLUMES}[1].claimName", "duplicate claim name"),
        (f"{VOLUMES}[1].mountPath", "mountPath must not overlap with system path /etc"),
    ]


def test_rendered_storage_texts_match_the_reference_format() -> None:
    rendered = {c.id: str(c.expected) for c in CASES}
    assert rendered["S readOnly with size"] == (
        "spec.model.storage.volumes[0].readOnly: Invalid value: true: readOnly must not be true "
        "when size is set (controller-created PVCs need write access)"
    )
    assert rendered["S accessMode unsupported"] == (
        'spec.model.storage.volumes[0].accessMode: Unsupported value: "ReadWriteSometimes": '
        'supported values: "ReadWriteOnce", "ReadWriteMany", "ReadOnlyMany", "ReadWriteOncePod"'
    )
    assert rendered["S two model caches"] == (
        "spec.model.storage.volumes: Invalid value: 2: at most one volume with "
        "purpose=modelCache is allowed"
    )
