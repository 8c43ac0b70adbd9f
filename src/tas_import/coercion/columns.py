"""One variable's coercion over a whole column of a batch.

Steps per cell: empty check (after stripping, plus the ``empty`` words), then the type's
converter. Results of text cells are cached per column, because HR exports repeat the
same dates, departments and flags on many rows; the cache is bounded for unique columns.
"""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal
from itertools import compress, count, repeat
from json.encoder import encode_basestring
from operator import is_
from typing import Any, Protocol

from tas_import.coercion.canonical import json_fragment
from tas_import.coercion.cells import OMITTED, CellRejected, whole_number_text
from tas_import.coercion.dates import DateConverter, DatetimeConverter
from tas_import.coercion.numbers import NumberConverter
from tas_import.coercion.text import CONTROL_CHARACTER, TextConverter
from tas_import.coercion.words import BooleanConverter, ChoiceConverter
from tas_import.errors import MappingError
from tas_import.i18n import _
from tas_import.mapping import (
    BooleanVariable,
    ChoiceVariable,
    DatetimeVariable,
    DateVariable,
    Defaults,
    IntegerVariable,
    NumberVariable,
    TextVariable,
    Variable,
)
from tas_import.rows import CellProblem, SourceRow

CACHE_LIMIT = 50_000


class Converter(Protocol):
    def from_text(self, text: str) -> Any: ...

    def from_native(self, value: Any) -> Any: ...


def build_converter(variable: Variable, defaults: Defaults) -> Converter:
    """Return the converter of the variable's type, with its settings merged with defaults."""
    if isinstance(variable, TextVariable):
        return TextConverter(variable)
    if isinstance(variable, (IntegerVariable, NumberVariable)):
        decimal = variable.decimal or defaults.decimal_separator()
        thousands = (
            variable.thousands if variable.thousands is not None
            else defaults.thousands_separators()
        )
        if decimal in thousands:
            raise MappingError(
                _("the decimal separator '{decimal}' is also a thousands separator",
                  decimal=decimal),
                hint=_("Remove '{decimal}' from thousands, or choose the other decimal "
                       "separator.", decimal=decimal),
            )
        return NumberConverter(
            decimal=decimal,
            thousands=thousands,
            minimum=variable.min,
            maximum=variable.max,
            integer=isinstance(variable, IntegerVariable),
        )
    if isinstance(variable, DateVariable):
        return DateConverter(
            variable.formats or defaults.date_format_list(),
            time=variable.time,
            excel_serial=variable.excel_serial,
            two_digit_year=variable.two_digit_year,
        )
    if isinstance(variable, DatetimeVariable):
        return DatetimeConverter(
            variable.formats or defaults.datetime_format_list(), output=variable.output
        )
    if isinstance(variable, BooleanVariable):
        return BooleanConverter(variable, defaults)
    if isinstance(variable, ChoiceVariable):
        return ChoiceConverter(variable)
    raise TypeError(f"no converter for {type(variable).__name__}")


class VariableCoercer:
    """Coerce the cells of one variable; each result is a value, OMITTED or a CellProblem."""

    def __init__(
        self, name: str, variable: Variable, defaults: Defaults, column_keys: dict[str, str]
    ) -> None:
        self.name = name
        self.label = variable.source_label()
        self.keys = [column_keys[column] for column in variable.source_columns()]
        self.join = variable.join
        self.required = variable.required
        self.strip = defaults.strip if variable.strip is None else variable.strip
        self.empty_words = {word.casefold() for word in [*defaults.empty, *variable.empty]}
        self.converter = build_converter(variable, defaults)
        self.default = self._coerce_default(variable.default)
        self.cache: dict[str, Any] = {}
        self.fragment_cache: dict[str, str] = {}
        self.value_fragment_cache: dict[str, str] = {}
        self.prefix = encode_basestring(name) + ":"
        # Set once a problem or an omitted value was produced: only then is a column scanned.
        self.may_be_irregular = False
        self.plain_text = isinstance(self.converter, TextConverter) and self.converter.is_plain

    def coerce_column(self, rows: Sequence[SourceRow]) -> list[Any]:
        if len(self.keys) == 1:
            raws: list[Any] = list(map(dict.get, [row.cells for row in rows], repeat(self.keys[0])))
        else:
            raws = [self.joined([row.cells.get(key) for key in self.keys]) for row in rows]
        return self.coerce_raws(raws)

    def coerce_raws(self, raws: list[Any]) -> list[Any]:
        """Coerce raw cells (a text, a native value or None for empty), one result each."""
        # First look up every cached text in one C-level pass. The cache has only str keys
        # and never maps to None, so None marks a cell still to coerce.
        cache = self.cache
        try:
            results = list(map(cache.get, raws))
        except TypeError:  # an unhashable cell, e.g. a problem from joining cells
            results = [None] * len(raws)
        if None not in results:
            return results

        # The misses are found in C as well; a column of unique values (an employee number,
        # an e-mail) misses on every cell once its cache is full.
        misses = list(compress(count(), map(is_, results, repeat(None))))
        coerce_text = self._coerce_text
        if len(cache) >= CACHE_LIMIT:
            for index in misses:
                raw = raws[index]
                results[index] = (
                    coerce_text(raw) if raw.__class__ is str else self._coerce_native(raw)
                )
            return results

        for index in misses:
            raw = raws[index]
            if raw.__class__ is str:
                result = coerce_text(raw)
                if len(cache) < CACHE_LIMIT:
                    cache[raw] = result
            else:
                result = self._coerce_native(raw)
            results[index] = result
        return results

    def scan(self, results: list[Any]) -> tuple[list[int], list[int]]:
        """Return the indexes of results that are problems, and of those that are omitted."""
        if not self.may_be_irregular:
            return [], []
        problems = [
            index for index, result in enumerate(results) if result.__class__ is CellProblem
        ]
        omitted = [index for index, result in enumerate(results) if result is OMITTED]
        return problems, omitted

    def fragments(self, results: list[Any]) -> list[str]:
        """Encode each result as the canonical JSON member ``"name":value``.

        A problem or an omitted value gets an empty fragment; such rows are encoded again
        from their payload, so the fragment is never used.
        """
        cache = self.fragment_cache
        lookup = cache.get
        prefix = self.prefix
        fragments: list[str] = []
        append = fragments.append
        for result in results:
            if result.__class__ is str:
                fragment = lookup(result)
                if fragment is None:
                    fragment = prefix + encode_basestring(result)
                    if len(cache) < CACHE_LIMIT:
                        cache[result] = fragment
            elif result.__class__ is Decimal or result.__class__ is int:
                fragment = prefix + str(result)
            elif result is OMITTED or result.__class__ is CellProblem:
                fragment = ""
            else:
                fragment = prefix + json_fragment(result)
            append(fragment)
        return fragments

    def value_fragments(self, results: list[Any]) -> list[str]:
        """Encode each result as a canonical JSON value; an omitted value is ``null``.

        A problem gets an empty fragment: its row is invalid and has no key.
        """
        cache = self.value_fragment_cache
        lookup = cache.get
        fragments: list[str] = []
        append = fragments.append
        for result in results:
            if result.__class__ is str:
                fragment = lookup(result)
                if fragment is None:
                    fragment = encode_basestring(result)
                    if len(cache) < CACHE_LIMIT:
                        cache[result] = fragment
            elif result.__class__ is Decimal or result.__class__ is int:
                fragment = str(result)
            elif result is OMITTED:
                fragment = "null"
            elif result.__class__ is CellProblem:
                fragment = ""
            else:
                fragment = json_fragment(result)
            append(fragment)
        return fragments

    def _coerce_text(self, raw: str) -> Any:
        stripped = raw.strip()
        if not stripped or (self.empty_words and stripped.casefold() in self.empty_words):
            return self._empty(raw)
        if self.plain_text and not CONTROL_CHARACTER.search(raw):
            return stripped if self.strip else raw
        try:
            return self.converter.from_text(stripped if self.strip else raw)
        except CellRejected as rejection:
            return self._problem(raw, rejection.message)

    def _coerce_native(self, raw: Any) -> Any:
        if raw is None:
            return self._empty(raw)
        if isinstance(raw, CellProblem):
            self.may_be_irregular = True
            return raw
        try:
            return self.converter.from_native(raw)
        except CellRejected as rejection:
            return self._problem(raw, rejection.message)

    def _empty(self, raw: Any) -> Any:
        if self.default is not None:
            return self.default
        if self.required:
            return self._problem(raw, _("a value is required"))
        self.may_be_irregular = True
        return OMITTED

    def _problem(self, raw: Any, message: str) -> CellProblem:
        self.may_be_irregular = True
        return CellProblem(self.label, raw, message)

    def joined(self, raws: list[Any]) -> Any:
        """Join the texts of several cells; an empty part is skipped, a bad part is a problem."""
        parts = []
        for raw in raws:
            if raw is None:
                continue
            try:
                text = raw if isinstance(raw, str) else whole_number_text(raw)
            except CellRejected as rejection:
                return CellProblem(self.label, raw, rejection.message)
            text = text.strip()
            if text:
                parts.append(text)
        return self.join.join(parts) if parts else None

    def _coerce_default(self, default: str | int | Decimal | None) -> Any:
        """Coerce ``default`` once, like a cell; a default that does not fit is a mapping error."""
        if default is None:
            return None
        try:
            if isinstance(default, str):
                return self.converter.from_text(default)
            return self.converter.from_native(default)
        except CellRejected as rejection:
            raise MappingError(
                _("variables.{name}.default: '{value}' {problem}", name=self.name, value=default,
                  problem=rejection.message),
                key=f"variables.{self.name}.default",
                hint=_("Write the default the way a cell of this column would be written."),
            ) from None
