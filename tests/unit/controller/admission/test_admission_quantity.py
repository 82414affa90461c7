"""The quantity parser follows resource.ParseQuantity, values compare exactly."""

from __future__ import annotations

from decimal import Decimal

import pytest

from airunway.controller.admission import QuantityError, parse_quantity
from airunway.controller.admission.limits import check_quantity
from airunway.controller.admission.quantity import is_quantity

MAX_INT64 = Decimal(2**63 - 1)


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("0", "0"),
        ("1", "1"),
        ("+1", "1"),
        ("-1", "-1"),
        ("007", "7"),
        ("1.5", "1.5"),
        (".5", "0.5"),
        ("5.", "5"),
        ("100m", "0.1"),
        ("1n", "0.000000001"),
        ("1u", "0.000001"),
        ("1k", "1000"),
        ("1M", "1000000"),
        ("1G", "1e9"),
        ("1T", "1e12"),
        ("1P", "1e15"),
        ("1E", "1e18"),
        ("1Ki", "1024"),
        ("1Mi", "1048576"),
        ("1Gi", "1073741824"),
        ("4Ti", "4398046511104"),
        ("1Pi", str(2**50)),
        ("2Ei", str(2**61)),
        ("1.5Ki", "1536"),
        ("0.5Gi", "536870912"),
        ("1e3", "1000"),
        ("1E3", "1000"),
        ("1e+3", "1000"),
        ("15e-1", "1.5"),
        ("1e-3", "0.001"),
        ("1e30", "1e30"),
        (12, "12"),
    ],
)
def test_valid_quantities_parse_to_their_exact_value(text: str | int, value: str) -> None:
    assert parse_quantity(text) == Decimal(value)
    assert is_quantity(text)


@pytest.mark.parametrize(
    "text",
    [
        "",
        "abc",
        "1K",
        "1Kb",
        "1 Gi",
        " 1",
        "1ee3",
        "1e+",
        "1e1.5",
        "1Gi3",
        "1..5",
        "e-10",
        "Ei",
        "1i",
    ],
)
def test_invalid_quantities_are_rejected(text: str) -> None:
    with pytest.raises(QuantityError):
        parse_quantity(text)
    assert not is_quantity(text)


@pytest.mark.parametrize(
    ("text", "value"), [("m", "0"), ("-", "0"), ("+", "0"), (".", "0"), ("Ki", "0")]
)
def test_digitless_quantities_parse_as_zero_like_the_api_machinery(text: str, value: str) -> None:
    assert parse_quantity(text) == Decimal(value)


def test_slow_path_rounds_up_to_a_nano_and_caps() -> None:
    assert parse_quantity("0.0000000001") == Decimal("1e-9")
    assert parse_quantity("-0.0000000001") == Decimal("-1e-9")
    assert parse_quantity("1.0000000001") == Decimal("1.000000001")
    assert parse_quantity("1234567890123456789012") == MAX_INT64
    assert parse_quantity("-99999999999999999999.5") == -MAX_INT64
    assert parse_quantity("8Ei") == MAX_INT64


def test_exponents_wrap_to_int32_like_go() -> None:
    assert parse_quantity("1e4294967296") == 1
    with pytest.raises(QuantityError):
        parse_quantity("1e9223372036854775808")


def test_huge_and_tiny_exponents_stay_cheap() -> None:
    assert parse_quantity("1e-999999999") == Decimal("1e-9")
    assert parse_quantity("1e999999999") > parse_quantity("4Ti")


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("1Gi", "1024Mi"),
        ("1k", "1000"),
        ("100m", "0.1"),
        ("1e3", "1k"),
        ("1Ki", 1024),
        ("1.0", "1"),
    ],
)
def test_equal_values_in_different_spellings_compare_equal(a: str, b: str | int) -> None:
    assert parse_quantity(a) == parse_quantity(b)


@pytest.mark.parametrize(
    ("value", "errors"),
    [
        ("512", []),
        ("512000m", []),
        ("0.5k", []),
        ("512001m", ["exceeds maximum allowed (512)"]),
        ("1k", ["exceeds maximum allowed (512)"]),
        ("513", ["exceeds maximum allowed (512)"]),
        ("-1", []),
        ("lots", ["invalid resource quantity"]),
        ("", []),
        (None, []),
    ],
)
def test_cpu_ceiling(value: str | None, errors: list[str]) -> None:
    found = check_quantity(value, "512", parse_quantity("512"), "spec.resources.cpu")
    assert [e.detail for e in found] == errors


@pytest.mark.parametrize(
    ("value", "exceeds"),
    [
        ("4Ti", False),
        ("4096Gi", False),
        ("4398046511104", False),
        ("4398046511105", True),
        ("4.000000001Ti", True),
        ("4Pi", True),
        ("5T", True),
        ("4T", False),
    ],
)
def test_memory_ceiling(value: str, *, exceeds: bool) -> None:
    found = check_quantity(value, "4Ti", parse_quantity("4Ti"), "spec.resources.memory")
    assert bool(found) is exceeds
