"""Strict coercion of raw cells into the values sent to TAS.

:class:`Coercer` works column-wise: for each variable it coerces the whole batch's column
(see :mod:`tas_import.coercion.columns`), then assembles one :class:`CoercedRow` per row.
A row is valid only when every variable's cell fits its declared type; otherwise its
``problems`` name every bad cell.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Iterable, Sequence
from hashlib import sha256
from itertools import repeat
from operator import attrgetter
from typing import Any

from tas_import.coercion.canonical import canonical_json, member_fragment
from tas_import.coercion.cells import OMITTED
from tas_import.coercion.columns import VariableCoercer
from tas_import.coercion.text import CONTROL_CHARACTER
from tas_import.i18n import _
from tas_import.mapping import Mapping
from tas_import.rows import CellProblem, CoercedRow, SourceRow

__all__ = ["Coercer", "canonical_json", "format_problem", "format_problems", "format_value"]

logger = logging.getLogger(__name__)


class Coercer:
    def __init__(self, mapping: Mapping, column_keys: dict[str, str]) -> None:
        """``column_keys``: header text used in the mapping -> ``SourceRow.cells`` key.

        Raises MappingError when a variable's settings cannot work (a default that does
        not fit its type, a decimal separator that is also a thousands separator).
        """
        self.mapping = mapping
        self.constants = dict(mapping.constants)
        self.variables = [
            VariableCoercer(name, variable, mapping.defaults, column_keys)
            for name, variable in mapping.variables.items()
        ]
        self.names = [coercer.name for coercer in self.variables]
        self.key_sources = [
            self._key_source(column, column_keys) for column in mapping.key
        ]
        self.sorted_names = sorted([*self.constants, *self.names])
        self.constant_fragments = {
            name: member_fragment(name, value) for name, value in self.constants.items()
        }

    def coerce_batch(self, rows: Sequence[SourceRow]) -> list[CoercedRow]:
        """Return one CoercedRow per row, in the same order.

        Valid: ``data`` is the constants plus every coerced variable (an empty optional
        value is left out). Invalid: ``data`` is None and ``problems`` lists every bad cell;
        a row with ``error`` set is invalid with that error as a problem of column "".
        ``key`` is the canonical JSON of the key columns' values as sent, or without a
        ``key`` in the mapping, the sha256 hex digest of the canonical JSON payload.
        """
        columns = [coercer.coerce_column(rows) for coercer in self.variables]
        invalid: set[int] = {index for index, row in enumerate(rows) if row.error is not None}
        omitted: set[int] = set()
        for coercer, results in zip(self.variables, columns, strict=True):
            problem_indexes, omitted_indexes = coercer.scan(results)
            invalid.update(problem_indexes)
            omitted.update(omitted_indexes)
        keys = self._keys(rows, columns, invalid, omitted)

        # Each row's values start with the constants, so that one dict() call builds the
        # payload of a regular row; the later value wins where a name repeats, as before.
        constants = self.constants
        width = len(constants)
        all_names = [*constants, *self.names]
        constant_columns = (repeat(value, len(rows)) for value in constants.values())
        row_values = zip(*constant_columns, *columns, strict=True)
        if not invalid and not omitted:
            # C-level map calls: this runs for every row of a valid file. Every values tuple
            # has one item per name, by construction of row_values.
            payloads = map(dict, map(zip, repeat(all_names), row_values))
            no_problems: Iterable[list[CellProblem]] = map(list, repeat((), len(rows)))
            numbers = map(attrgetter("number"), rows)
            return list(map(CoercedRow, numbers, payloads, no_problems, keys))

        coerced: list[CoercedRow] = []
        for index, values in enumerate(row_values):
            row = rows[index]
            if index in invalid:
                coerced.append(self._invalid_row(row, values[width:]))
                continue
            if index in omitted:
                pairs = zip(all_names, values, strict=True)
                data = dict(pair for pair in pairs if pair[1] is not OMITTED)
            else:
                data = dict(zip(all_names, values, strict=True))
            coerced.append(CoercedRow(row.number, data, [], keys[index]))
        return coerced

    def _invalid_row(self, row: SourceRow, values: Sequence[Any]) -> CoercedRow:
        problems = [value for value in values if isinstance(value, CellProblem)]
        if row.error is not None:
            problems.insert(0, CellProblem("", None, row.error))
        return CoercedRow(row.number, None, problems, None)

    def _keys(
        self,
        rows: Sequence[SourceRow],
        columns: list[list[Any]],
        invalid: set[int],
        omitted: set[int],
    ) -> list[str | None]:
        """Compute every row's key column-wise; an invalid row gets None."""
        if self.key_sources and all(name is not None for name, _cell in self.key_sources):
            return self._variable_keys(columns, invalid)
        if self.key_sources:
            return [
                None if index in invalid
                else self._row_key(rows[index], dict(zip(self.names, values, strict=True)))
                for index, values in enumerate(zip(*columns, strict=True))
            ]

        member_columns: list[Iterable[str]] = []
        for name in self.sorted_names:
            if name in self.constant_fragments:
                member_columns.append(repeat(self.constant_fragments[name], len(rows)))
            else:
                position = self.names.index(name)
                member_columns.append(self.variables[position].fragments(columns[position]))

        keys: list[str | None] = []
        for index, members in enumerate(zip(*member_columns, strict=True)):
            if index in invalid:
                keys.append(None)
                continue
            if index in omitted:
                members = tuple(member for member in members if member)
            text = "{" + ",".join(members) + "}"
            keys.append(sha256(text.encode("utf-8")).hexdigest())
        return keys

    def _variable_keys(self, columns: list[list[Any]], invalid: set[int]) -> list[str | None]:
        """Compute the keys column-wise when every key column is read by a variable.

        The result equals ``canonical_json`` of the list of the key variables' values,
        with ``null`` for an omitted value, but repeated values are encoded only once.
        """
        fragment_columns = []
        for name, _cell in self.key_sources:
            position = self.names.index(name or "")
            fragment_columns.append(self.variables[position].value_fragments(columns[position]))
        keys: list[str | None] = [
            "[" + ",".join(fragments) + "]" for fragments in zip(*fragment_columns, strict=True)
        ]
        for index in invalid:
            keys[index] = None
        return keys

    def _row_key(self, row: SourceRow, data: dict[str, Any]) -> str:
        if not self.key_sources:
            return sha256(canonical_json(data).encode("utf-8")).hexdigest()
        values = []
        for name, cell_key in self.key_sources:
            if name is not None:
                values.append(data.get(name))
            else:
                raw = row.cells.get(cell_key or "")
                values.append(raw.strip() if isinstance(raw, str) else format_value(raw))
        return canonical_json(values)

    def _key_source(
        self, column: str, column_keys: dict[str, str]
    ) -> tuple[str | None, str | None]:
        """Return (variable, None) when a variable reads the key column, else (None, cell key)."""
        for name, variable in self.mapping.variables.items():
            if variable.column == column:
                return name, None
        return None, column_keys[column]


def format_value(value: Any) -> str:
    """Show a raw cell value as the user would recognise it in the sheet."""
    if value is None:
        return ""
    if isinstance(value, (dt.date, dt.time)):
        return value.isoformat(sep=" ") if isinstance(value, dt.datetime) else value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    # A control character would not show on screen, so 'Stá\x9eista' lets the user see
    # where the wrongly decoded letter is.
    return CONTROL_CHARACTER.sub(lambda match: f"\\x{ord(match.group()):02x}", str(value))


def format_problem(problem: CellProblem) -> str:
    """Format one bad cell without its column: "'2026-13-01' is not a date in format ..."."""
    if problem.value is None or (isinstance(problem.value, str) and not problem.value.strip()):
        return problem.message
    return _("'{value}' {problem}", value=format_value(problem.value), problem=problem.message)


def format_problems(problems: Sequence[CellProblem]) -> str:
    """Format the message of an invalid row: each bad cell with column, value, expectation."""
    parts = []
    for problem in problems:
        if problem.column:
            parts.append(
                _("{column}: {problem}", column=problem.column, problem=format_problem(problem))
            )
        else:
            parts.append(format_problem(problem))
    return "; ".join(parts)
