"""One variable's coercion over a polars column, with the exact per-cell rules as the judge.

The contract: every cell ends with the result that :class:`VariableCoercer` would give it.
Vectorised checks only ever *accept* a cell, and only when the exact coercer would
accept it with the same value. Every other cell goes through
:meth:`VariableCoercer.coerce_raws`, which also writes the problem message: an empty
cell, an empty word, a value near a limit, anything unusual. Columns of few distinct
values (dates, departments, flags) are coerced once per distinct value.
"""

from __future__ import annotations

import operator
from collections.abc import Sequence
from dataclasses import dataclass
from itertools import compress, count
from json.encoder import encode_basestring
from typing import Any

import polars as pl

from tas_import.coercion.columns import VariableCoercer
from tas_import.coercion.numbers import NumberConverter
from tas_import.coercion.text import CONTROL_CHARACTERS, TextConverter
from tas_import.columnar.patterns import portable_pattern
from tas_import.rows import CellProblem

# Python's str.strip() removes Unicode White_Space, which is regex \s here, and also the
# separators U+001C..U+001F.
_SPACE = r"[\s\x1c-\x1f]"

# One pass finds a text cell with a space to strip or a control character.
_IRREGULAR_TEXT = f"^{_SPACE}|{_SPACE}$|[{CONTROL_CHARACTERS}]"

# Characters that json.encoder.encode_basestring escapes.
_JSON_ESCAPED = r'["\\\x00-\x1f]'

# A column with at most this share of distinct values is coerced per distinct value.
_DISTINCT_SHARE = 0.2

_CASES = {"upper": str.upper, "lower": str.lower, "title": str.title}


@dataclass
class ColumnOutcome:
    """The bad cells of one variable in a chunk, and its values as JSON when asked for."""

    problems: dict[int, CellProblem]
    fragments: pl.Series | None
    """Each row's value as canonical JSON, as in ``CoercedRow.key``; "" for a bad cell."""


class ColumnCoercion:
    """Coerce one variable's cells chunk by chunk; ``fragments`` for a key variable."""

    def __init__(self, coercer: VariableCoercer, *, fragments: bool) -> None:
        self.coercer = coercer
        self.wants_fragments = fragments
        self.empty_words = sorted(coercer.empty_words)
        self.longest_empty_word = max(map(len, self.empty_words), default=0)
        converter = coercer.converter
        self.text = converter if isinstance(converter, TextConverter) else None
        self.number = (
            converter if isinstance(converter, NumberConverter) and not fragments else None
        )
        self.number_pattern = _number_pattern(self.number) if self.number else None
        self.few_distinct: bool | None = None
        self.portable_pattern = (
            portable_pattern(self.text.pattern_text)
            if self.text is not None and self.text.pattern_text is not None
            and self.text.case != "title" else None
        )

    def run(self, frame: pl.DataFrame) -> ColumnOutcome:
        if len(self.coercer.keys) > 1:
            return self._joined(frame)

        column = frame.get_column(self.coercer.keys[0])
        if self.text is None and self.number is None:
            return self._by_distinct(column)
        if self.few_distinct is None:  # decided on the first chunk, which is typical
            self.few_distinct = column.n_unique() <= _DISTINCT_SHARE * len(column)
        if self.few_distinct:
            return self._by_distinct(column)
        if self.text is not None:
            return self._text(column, self.text)
        return self._number(column)

    def _by_distinct(self, column: pl.Series) -> ColumnOutcome:
        distinct = column.unique().to_list()
        results = self.coercer.coerce_raws([value or None for value in distinct])

        bad = {value: result for value, result in zip(distinct, results, strict=True)
               if result.__class__ is CellProblem}
        problems: dict[int, CellProblem] = {}
        if bad:
            indexes = column.is_in(list(bad)).arg_true().to_list()
            problems = {index: bad[column[index]] for index in indexes}

        fragments = None
        if self.wants_fragments:
            encoded = self.coercer.value_fragments(results)
            fragments = column.replace_strict(distinct, encoded, return_dtype=pl.String)
        return ColumnOutcome(problems, fragments)

    def _text(self, column: pl.Series, text: TextConverter) -> ColumnOutcome:
        accepted = self._plain_cells(column, column.str.contains(_IRREGULAR_TEXT))
        if text.map:
            accepted &= ~column.is_in(list(text.map))
        if text.pad is not None:
            short_digits = column.str.contains("^[0-9]+$") & (column.str.len_chars() < text.pad)
            accepted &= ~short_digits
        pattern_checked = self._check_portable_pattern(column, text)
        if pattern_checked is not None:
            accepted &= pattern_checked

        needs_values = (
            (self.wants_fragments and text.case is not None)
            or text.max_length is not None
            or (text.pattern is not None and pattern_checked is None)
        )
        if accepted.all():
            indexes: Sequence[int] = range(len(column))
            values: list[str] = column.to_list() if needs_values else []
        else:
            indexes = accepted.arg_true().to_list()
            values = column.gather(indexes).to_list() if needs_values else []
        if not needs_values:
            fragments = None
            if self.wants_fragments:
                fragments = _json_strings(column if len(indexes) == len(column)
                                          else column.gather(list(indexes)))
            return self._with_exact_rest(column, indexes, fragments)

        if text.case is not None:
            values = list(map(_CASES[text.case], values))
        rejected = self._text_rejections(values, text, check_pattern=pattern_checked is None)
        if rejected:
            indexes = [index for position, index in enumerate(indexes) if position not in rejected]
            values = [value for position, value in enumerate(values) if position not in rejected]

        fragments = None
        if self.wants_fragments:
            fragments = pl.Series(list(map(encode_basestring, values)), dtype=pl.String)
        return self._with_exact_rest(column, indexes, fragments)

    def _check_portable_pattern(self, column: pl.Series, text: TextConverter) -> pl.Series | None:
        """Return the ASCII cells that match the pattern per polars, or None when unused.

        Cells outside the mask are not rejected by this: they go to the exact coercer.
        """
        if self.portable_pattern is None:
            return None
        cased = column
        if text.case == "lower":
            cased = column.str.to_lowercase()  # the same as str.lower() on ASCII
        elif text.case == "upper":
            cased = column.str.to_uppercase()
        try:
            matches = cased.str.contains(self.portable_pattern)
        except pl.exceptions.PolarsError:
            self.portable_pattern = None  # e.g. a repetition over polars' size limit
            return None
        is_ascii = column.str.len_bytes() == column.str.len_chars()
        return (is_ascii & matches).fill_null(False)

    @staticmethod
    def _text_rejections(
        values: list[str], text: TextConverter, *, check_pattern: bool
    ) -> set[int]:
        """Return the positions of values that fail the pattern or the length limit."""
        rejected: set[int] = set()
        if check_pattern and text.pattern is not None:
            matches = list(map(text.pattern.fullmatch, values))
            if None in matches:
                rejected.update(compress(count(), map(operator.not_, matches)))
        if text.max_length is not None and values:
            limit = text.max_length
            if max(map(len, values)) > limit:
                rejected.update(
                    position for position, value in enumerate(values) if len(value) > limit
                )
        return rejected

    def _number(self, column: pl.Series) -> ColumnOutcome:
        number = self.number
        assert number is not None and self.number_pattern is not None
        # The number pattern leaves no space at either end.
        accepted = self._plain_cells(column, ~column.str.contains(self.number_pattern))
        minimum, maximum = number.minimum, number.maximum
        if minimum == 0:
            # "min: 0" is common and needs no parsing: only a sign can make a value less.
            accepted &= ~column.str.starts_with("-")
            minimum = None
        if minimum is not None or maximum is not None:
            plain = column
            for separator in number.thousands:
                plain = plain.str.replace_all(separator, "", literal=True)
            amounts = plain.str.replace(number.decimal, ".", literal=True).cast(
                pl.Float64, strict=False
            )
            # Float parsing is off by far less than this margin. A value within it of a
            # limit goes to the per-cell coercer, which compares it as a Decimal.
            if minimum is not None:
                accepted &= amounts > _beyond(float(minimum), 1)
            if maximum is not None:
                accepted &= amounts < _beyond(float(maximum), -1)
        return self._with_exact_rest(column, accepted.arg_true().to_list(), None)

    def _plain_cells(self, column: pl.Series, irregular: pl.Series) -> pl.Series:
        """Cells that are not empty, not an empty word and not ``irregular``."""
        accepted = ~irregular & (column != "")
        if self.empty_words:
            accepted &= ~self._maybe_empty_words(column)
        return accepted.fill_null(False)

    def _maybe_empty_words(self, column: pl.Series) -> pl.Series:
        """Cells that may be one of the ``empty`` words, which the exact coercer decides.

        str.casefold() never shortens a text, so only cells as short as the longest word
        qualify. On ASCII it equals str.lower(); other short cells count as maybe.
        """
        short = (column.str.len_chars() <= self.longest_empty_word).arg_true()
        maybe = pl.repeat(False, len(column), eager=True)
        if short.is_empty():
            return maybe
        cells = column.gather(short)
        found = cells.str.to_lowercase().is_in(self.empty_words) | (
            cells.str.len_bytes() != cells.str.len_chars()
        )
        return maybe.scatter(short.filter(found), True)

    def _with_exact_rest(
        self, column: pl.Series, accepted: Sequence[int], fragments: pl.Series | None
    ) -> ColumnOutcome:
        """Coerce the cells not in ``accepted`` exactly; merge their fragments in order."""
        if len(accepted) == len(column):
            return ColumnOutcome({}, fragments)

        accepted_set = set(accepted)
        rest = [index for index in range(len(column)) if index not in accepted_set]
        raws = [value or None for value in column.gather(rest).to_list()]
        results = self.coercer.coerce_raws(raws)
        problems = {index: result for index, result in zip(rest, results, strict=True)
                    if result.__class__ is CellProblem}

        merged = None
        if fragments is not None:
            merged = pl.repeat("", len(column), dtype=pl.String, eager=True)
            merged = merged.scatter(list(accepted), fragments)
            merged = merged.scatter(rest, self.coercer.value_fragments(results))
        return ColumnOutcome(problems, merged)

    def _joined(self, frame: pl.DataFrame) -> ColumnOutcome:
        columns = [frame.get_column(key).to_list() for key in self.coercer.keys]
        raws: list[Any] = [
            self.coercer.joined([value or None for value in parts])
            for parts in zip(*columns, strict=True)
        ]
        results = self.coercer.coerce_raws(raws)
        problems = {index: result for index, result in enumerate(results)
                    if result.__class__ is CellProblem}
        fragments = None
        if self.wants_fragments:
            fragments = pl.Series(self.coercer.value_fragments(results), dtype=pl.String)
        return ColumnOutcome(problems, fragments)


def _number_pattern(number: NumberConverter) -> str:
    """Return a regex that accepts a subset of what ``number`` accepts: ASCII digits only.

    The per-cell regex keeps one thousands separator across a value with a
    backreference; here each separator gets an alternative of its own instead.
    """
    wholes = ["[0-9]+"]
    wholes += [rf"[0-9]{{1,3}}(?:{_literal(separator)}[0-9]{{3}})+"
               for separator in number.thousands]
    fraction = "" if number.integer else rf"(?:{_literal(number.decimal)}[0-9]+)?"
    return rf"^[+-]?(?:{'|'.join(wholes)}){fraction}$"


def _literal(text: str) -> str:
    """Escape ``text`` for the regex engine of polars, which rejects some of re.escape's."""
    return "".join(f"\\x{{{ord(character):X}}}" for character in text)


def _beyond(limit: float, direction: int) -> float:
    """Return ``limit`` moved inwards by a margin far above float parsing error."""
    return limit + direction * 1e-9 * max(1.0, abs(limit))


def _json_strings(texts: pl.Series) -> pl.Series:
    """Return each text as a JSON string, exactly as ``encode_basestring`` writes it."""
    escaped = texts.str.contains(_JSON_ESCAPED).arg_true()
    quoted: pl.Series = ('"' + texts + '"').rename(texts.name)
    if escaped.is_empty():
        return quoted
    return quoted.scatter(
        escaped, list(map(encode_basestring, texts.gather(escaped).to_list()))
    )
