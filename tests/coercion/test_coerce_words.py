from __future__ import annotations

from collections.abc import Callable

import pytest

from tas_import.rows import CoercedRow

CoerceOne = Callable[..., CoercedRow]



@pytest.mark.parametrize(
    ("word", "expected"), [("ano", "true"), ("ne", "false"), ("ANO", "true"), ("1", "true"),
                           ("0", "false"), (True, "true"), (0, "false")]
)
def test_boolean_words(coerce_one: CoerceOne, word: object, expected: str) -> None:
    assert coerce_one(word, None, type="boolean").data == {"v": expected}


def test_boolean_unknown_word(coerce_one: CoerceOne) -> None:
    row = coerce_one("možná", None, type="boolean")
    assert row.data is None
    assert "ano" in row.problems[0].message


def test_boolean_output(coerce_one: CoerceOne) -> None:
    row = coerce_one("ano", None, type="boolean", output={"true": 1, "false": 0})
    assert row.data == {"v": 1}


def test_choice_outside_values(coerce_one: CoerceOne) -> None:
    row = coerce_one("Sales", None, type="choice", values=["HR", "IT", "Finance"])
    assert row.data is None
    assert row.problems[0].message == "is not one of the allowed values: HR, IT, Finance"


def test_choice_synonym(coerce_one: CoerceOne) -> None:
    row = coerce_one("Personální", None, type="choice", values=["HR"], map={"Personální": "HR"})
    assert row.data == {"v": "HR"}


def test_choice_ignore_case(coerce_one: CoerceOne) -> None:
    assert coerce_one("hr", None, type="choice", values=["HR"]).data is None
    assert coerce_one("hr", None, type="choice", values=["HR"], ignore_case=True).data == {
        "v": "HR"
    }
