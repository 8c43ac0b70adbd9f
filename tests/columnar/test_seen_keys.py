"""SeenKeys finds the same repeated keys as DuplicateKeys, whatever the batch sizes."""

from __future__ import annotations

import polars as pl
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tas_import.columnar.seen_keys import SeenKeys
from tas_import.keys import DuplicateKeys
from tas_import.rows import CoercedRow


def first_rows_by_row(keys: list[str]) -> dict[int, str]:
    duplicates = DuplicateKeys()
    messages = {}
    for index, key in enumerate(keys):
        result = duplicates.check(CoercedRow(index + 2, {}, [], key))
        if result is not None:
            messages[index] = result.message
    return messages


@settings(max_examples=80, deadline=None)
@given(
    keys=st.lists(st.sampled_from(['["1"]', '["2"]', '["ž"]', '["x\\\\"]', "[null]", '["10"]']),
                  max_size=60),
    sizes=st.lists(st.integers(min_value=1, max_value=9), min_size=1, max_size=60),
)
def test_repeats_match_row_by_row(keys: list[str], sizes: list[int]) -> None:
    seen = SeenKeys()
    found: dict[int, int] = {}
    start = 0
    for size in sizes * (len(keys) + 1):
        if start >= len(keys):
            break
        batch = keys[start:start + size]
        numbers = [start + offset + 2 for offset in range(len(batch))]
        repeats = seen.repeats(pl.Series(batch, dtype=pl.String), numbers)
        found.update({start + position: row for position, row in repeats.items()})
        start += size

    expected = first_rows_by_row(keys)
    assert set(found) == set(expected)
    for index, row in found.items():
        assert f"row {row} " in expected[index]


def test_hash_collision_not_a_repeat(monkeypatch: pytest.MonkeyPatch) -> None:
    # Every key gets one hash, so only the key comparison can tell them apart.
    def same_hash(self: pl.Series, seed: int = 0) -> pl.Series:
        return pl.Series([7] * len(self), dtype=pl.UInt64)

    monkeypatch.setattr(pl.Series, "hash", same_hash)
    seen = SeenKeys()
    assert seen.repeats(pl.Series(['["a"]', '["b"]']), [2, 3]) == {}
    assert seen.repeats(pl.Series(['["c"]', '["b"]', '["a"]']), [4, 5, 6]) == {1: 3, 2: 2}
