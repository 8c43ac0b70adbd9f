from __future__ import annotations

import datetime
from decimal import Decimal

import pytest

from tas_import.results.cells import csv_text, guard_csv_text, needs_formula_guard, unguard_csv_text


@pytest.mark.parametrize(
    "text",
    ["=1+1", "+SUM(A1)", "-2+3+cmd|' /C calc'!A0", "@SUM(A1)", "\t=1", "\r=1", "\n=1",
     "=HYPERLINK(\"http://example.invalid\")", "-A1"],
)
def test_guard_dangerous_text(text: str) -> None:
    assert needs_formula_guard(text)


@pytest.mark.parametrize(
    "text",
    ["Novák", "", "1+1", "a=b", "-5", "-1 234,50", "+420 777 123 456", "-3.5", "-", "--",
     "-1\u00a0234,50"],
)
def test_guard_leaves_harmless_text(text: str) -> None:
    assert not needs_formula_guard(text)


def test_guard_csv_prefixes_apostrophe() -> None:
    assert guard_csv_text("=1+1") == "'=1+1"


def test_unguard_restores_original() -> None:
    assert unguard_csv_text(guard_csv_text("@cmd")) == "@cmd"


def test_unguard_keeps_plain_apostrophe() -> None:
    assert unguard_csv_text("'quoted'") == "'quoted'"


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (None, ""),
        (-5, "-5"),
        (-5.0, "-5"),
        (2.5, "2.5"),
        (Decimal("-1234.50"), "-1234.50"),
        (True, "TRUE"),
        (datetime.date(2026, 12, 31), "2026-12-31"),
        (datetime.datetime(2026, 12, 31), "2026-12-31"),
        (datetime.datetime(2026, 12, 31, 7, 5), "2026-12-31 07:05:00"),
        (datetime.time(7, 5), "07:05:00"),
        ("=1+1", "'=1+1"),
        ("-5", "-5"),
        ("Žluťoučký kůň", "Žluťoučký kůň"),
    ],
)
def test_csv_text(value: object, expected: str) -> None:
    assert csv_text(value) == expected


def test_csv_text_nan_is_text() -> None:
    assert csv_text(float("nan")) == "nan"
