from __future__ import annotations

from collections.abc import Callable

import pytest

from tas_import.coercion import format_problem
from tas_import.rows import CoercedRow

CoerceOne = Callable[..., CoercedRow]



@pytest.mark.parametrize("text", ["00601", "02", "05_leslie3d_base"])
def test_text_kept_verbatim(coerce_one: CoerceOne, text: str) -> None:
    assert coerce_one(text, {"preset": "cz"}, type="text").data == {"v": text}


def test_pad_zero_fills(coerce_one: CoerceOne) -> None:
    assert coerce_one("601", None, type="text", pad=5).data == {"v": "00601"}


def test_pad_native_int(coerce_one: CoerceOne) -> None:
    assert coerce_one(601, None, type="text", pad=5).data == {"v": "00601"}


def test_native_float_with_decimals_invalid(coerce_one: CoerceOne) -> None:
    assert coerce_one(6.5, None, type="text").data is None


def test_huge_float_invalid(coerce_one: CoerceOne) -> None:
    assert coerce_one(1.2e19, None, type="text").data is None


def test_whole_float_text(coerce_one: CoerceOne) -> None:
    assert coerce_one(601.0, None, type="text").data == {"v": "601"}


def test_pattern_max_length_case_map(coerce_one: CoerceOne) -> None:
    assert coerce_one("ab1", None, type="text", pattern="[a-z]+").data is None
    assert coerce_one("abcdef", None, type="text", max_length=3).data is None
    assert coerce_one("ab", None, type="text", case="upper").data == {"v": "AB"}
    assert coerce_one("M", None, type="text", map={"M": "muž"}).data == {"v": "muž"}


def test_strip_and_empty_words(coerce_one: CoerceOne) -> None:
    assert coerce_one("  Jan ", None, type="text").data == {"v": "Jan"}
    assert coerce_one("  Jan ", None, type="text", strip=False).data == {"v": "  Jan "}
    assert coerce_one("N/A", None, type="text", empty=["n/a"]).data == {}


def test_required_missing(coerce_one: CoerceOne) -> None:
    row = coerce_one("  ", None, type="text", required=True)
    assert row.data is None
    assert row.problems[0].message == "a value is required"


def test_optional_empty_left_out(coerce_one: CoerceOne) -> None:
    assert coerce_one(None, None, type="text").data == {}


def test_default_used(coerce_one: CoerceOne) -> None:
    assert coerce_one("", None, type="text", default="x").data == {"v": "x"}


def test_long_whole_number_message(coerce_one: CoerceOne) -> None:
    row = coerce_one(1.2e19, None, type="text")
    assert row.problems[0].message.startswith("is a number of more than 15 digits")


@pytest.mark.parametrize("text", ["\x8aárka", "R\u016f\x9ei\u010dka", "a\x00b"])
def test_control_character_invalid(coerce_one: CoerceOne, text: str) -> None:
    row = coerce_one(text, None, type="text")
    assert row.data is None
    assert row.problems[0].message.startswith("contains the control character U+")


def test_line_break_and_tab_allowed(coerce_one: CoerceOne) -> None:
    assert coerce_one("Home office\n2 dny\tdohoda", None, type="text").data is not None


def test_control_character_shown_escaped(coerce_one: CoerceOne) -> None:
    row = coerce_one("Stá\x9eista", None, type="text")
    assert format_problem(row.problems[0]).startswith("'Stá\\x9eista' contains")
