"""portable_pattern hands polars only patterns that match exactly as re.fullmatch does."""

from __future__ import annotations

import re

import polars as pl
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tas_import.columnar.patterns import portable_pattern

PORTABLE = [
    r"\d{7}", r"^\d{3} ?\d{2}$", r"[A-Z]{2}\d+", r"[a-z0-9._-]+@[a-z0-9.-]+\.[a-z]{2,}",
    r"(ano|ne)", r"(?:CZ)?\d{8,10}", r"\w+\b.*", r"[^x]*?", r"a|ab|abc", r"\.\-\/",
]
NOT_PORTABLE = [
    r"(?i)abc", r"(?=a)a", r"(a)\1", r"[[:digit:]]+", r"\S+", r"a{,3}", r"a++", r"\Z",
    r"[]a]", r"[a&&b]", r"\<a", r"\x41", "č+", r"\p{L}", r"a{2}{3}", r"(a", r"a)",
]


@pytest.mark.parametrize("pattern", PORTABLE)
def test_plain_patterns_are_portable(pattern: str) -> None:
    assert portable_pattern(pattern) == f"^(?:{pattern})$"


@pytest.mark.parametrize("pattern", NOT_PORTABLE)
def test_other_patterns_stay_with_re(pattern: str) -> None:
    assert portable_pattern(pattern) is None


@pytest.mark.parametrize("pattern", PORTABLE)
@settings(max_examples=40, deadline=None)
@given(texts=st.lists(st.text(alphabet="abcxz019 ._-@\t\x1cABZ.", max_size=12), max_size=30))
def test_polars_agrees_with_re_on_ascii(pattern: str, texts: list[str]) -> None:
    polars_pattern = portable_pattern(pattern)
    assert polars_pattern is not None
    matches = pl.Series(texts, dtype=pl.String).str.contains(polars_pattern).to_list()
    assert matches == [re.fullmatch(pattern, text) is not None for text in texts]
