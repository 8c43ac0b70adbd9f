"""Row keys and duplicate keys within one file."""

from __future__ import annotations

from decimal import Decimal

from tas_import.keys import DuplicateKeys, payload_hash, row_key
from tas_import.rows import CellProblem, CoercedRow, Status


def valid(number: int, key: str | None, **data: object) -> CoercedRow:
    return CoercedRow(number, dict(data) or {"employeeNumber": key}, key=key)


def test_second_row_same_key_invalid() -> None:
    duplicates = DuplicateKeys()
    assert duplicates.check(valid(7, "E1")) is None
    result = duplicates.check(valid(9, "E1"))
    assert result is not None
    assert result.status is Status.INVALID
    assert result.number == 9
    assert result.message == "same key as row 7 (E1)"


def test_third_row_points_to_first() -> None:
    duplicates = DuplicateKeys()
    for number in (2, 3):
        duplicates.check(valid(number, "E1"))
    result = duplicates.check(valid(4, "E1"))
    assert result is not None
    assert result.message == "same key as row 2 (E1)"


def test_distinct_keys_pass() -> None:
    duplicates = DuplicateKeys()
    assert duplicates.check(valid(2, "E1")) is None
    assert duplicates.check(valid(3, "E2")) is None


def test_invalid_row_not_flagged_but_remembered() -> None:
    duplicates = DuplicateKeys()
    invalid = CoercedRow(2, None, [CellProblem("Mzda", "abc", "not a number")], key="E1")
    assert duplicates.check(invalid) is None
    result = duplicates.check(valid(3, "E1"))
    assert result is not None
    assert result.message == "same key as row 2 (E1)"


def test_rows_without_key_compare_payloads() -> None:
    duplicates = DuplicateKeys()
    assert duplicates.check(valid(2, None, name="Jiří", salary=Decimal("1.50"))) is None
    assert duplicates.check(valid(3, None, name="Jiří", salary=Decimal("1.5"))) is None
    result = duplicates.check(valid(4, None, salary=Decimal("1.50"), name="Jiří"))
    assert result is not None
    assert result.message == "same values in every column as row 2"


def test_payload_hash_ignores_order() -> None:
    assert payload_hash({"a": 1, "b": "x"}) == payload_hash({"b": "x", "a": 1})


def test_payload_hash_keeps_types() -> None:
    assert payload_hash({"a": 1}) != payload_hash({"a": "1"})


def test_row_key_prefers_mapping_key() -> None:
    assert row_key(valid(2, "E1")) == "E1"


def test_row_key_of_invalid_row_is_none() -> None:
    assert row_key(CoercedRow(2, None, [CellProblem("A", None, "missing")])) is None


def test_mapping_key_values_named() -> None:
    duplicates = DuplicateKeys()
    duplicates.check(valid(2, '["000101", 7]'))
    result = duplicates.check(valid(5, '["000101", 7]'))
    assert result is not None
    assert result.message == "same key as row 2 (000101, 7)"


def test_keys_beyond_memory_spill_to_disk() -> None:
    duplicates = DuplicateKeys(memory_keys=2)
    for number, key in enumerate(["E1", "E2", "E3", "E4"], start=2):
        assert duplicates.check(valid(number, key)) is None
    late = duplicates.check(valid(9, "E4"))
    early = duplicates.check(valid(10, "E1"))
    duplicates.close()
    assert late is not None
    assert late.message == "same key as row 5 (E4)"
    assert early is not None
    assert early.message == "same key as row 2 (E1)"
