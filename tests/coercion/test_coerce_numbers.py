from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal

import pytest

from tas_import.rows import CoercedRow

CoerceOne = Callable[..., CoercedRow]


CZ = {"preset": "cz"}


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("9,99", Decimal("9.99")),
        ("1 234,50", Decimal("1234.5")),
        ("1\u00a0234,50", Decimal("1234.5")),
        ("1\u202f234,50", Decimal("1234.5")),
        ("-12", Decimal("-12")),
        ("1 234 567", Decimal("1234567")),
    ],
)
def test_czech_number_accepted(coerce_one: CoerceOne, text: str, expected: Decimal) -> None:
    row = coerce_one(text, CZ, type="number")
    assert row.data is not None
    assert row.data["v"] == expected
    assert isinstance(row.data["v"], Decimal)


@pytest.mark.parametrize("text", [", ,, 123", "12abc", "1 23,5", "1,2,3", "1 234.567", "1e5"])
def test_malformed_number_invalid(coerce_one: CoerceOne, text: str) -> None:
    row = coerce_one(text, CZ, type="number")
    assert row.data is None
    assert "1 234,50" in row.problems[0].message


def test_dot_thousands_with_decimal_comma(coerce_one: CoerceOne) -> None:
    row = coerce_one("1.234,56", None, type="number", decimal=",", thousands=".")
    assert row.data == {"v": Decimal("1234.56")}


def test_integer_rejects_fraction(coerce_one: CoerceOne) -> None:
    assert coerce_one("12,5", CZ, type="integer").data is None
    assert coerce_one("12", CZ, type="integer").data == {"v": 12}


def test_min_max(coerce_one: CoerceOne) -> None:
    row = coerce_one("5", None, type="number", min=10)
    assert row.data is None
    assert "minimum 10" in row.problems[0].message


def test_native_float_exact(coerce_one: CoerceOne) -> None:
    assert coerce_one(0.1 + 0.2, None, type="number").data == {"v": Decimal("0.3")}


def test_native_bool_not_number(coerce_one: CoerceOne) -> None:
    assert coerce_one(True, None, type="number").data is None


@pytest.mark.parametrize("text", ["１２３", "١٢٣,٥", "１ ２３４"])
def test_digits_of_other_scripts_invalid(coerce_one: CoerceOne, text: str) -> None:
    row = coerce_one(text, CZ, type="number")
    assert row.data is None


def test_integer_rejects_float_beyond_15_digits(coerce_one: CoerceOne) -> None:
    row = coerce_one(12345678901234567.0, None, type="integer")
    assert row.data is None
    assert row.problems[0].message.startswith("is a number of more than 15 digits")
    assert coerce_one(123456789012345.0, None, type="integer").data == {"v": 123456789012345}
