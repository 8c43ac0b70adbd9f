"""The dry-run summary of invalid rows: the most common problems per column."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from tas_import.coercion import format_problem
from tas_import.i18n import _
from tas_import.rows import CellProblem


@dataclass
class _ProblemGroup:
    """Rows that share one column and one expectation; the first row is the example."""

    count: int
    example_row: int
    example: CellProblem


class ProblemReport:
    """Count invalid cells by (column, message) so that one line covers many rows."""

    def __init__(self) -> None:
        self.groups: dict[tuple[str, str], _ProblemGroup] = {}

    def add(self, row_number: int, problems: Sequence[CellProblem]) -> None:
        for problem in problems:
            group = self.groups.get((problem.column, problem.message))
            if group is None:
                self.groups[(problem.column, problem.message)] = _ProblemGroup(
                    1, row_number, problem
                )
            else:
                group.count += 1

    def ranked(self, limit: int = 10) -> list[tuple[str, int]]:
        """Return the :meth:`most_common` lines with the number of rows each covers."""
        ranked = sorted(
            self.groups.values(), key=lambda group: (-group.count, group.example_row)
        )
        return [(self._line(group), group.count) for group in ranked[:limit]]

    def most_common(self, limit: int = 10) -> list[str]:
        """Return translated lines, most frequent first, each with its first row as example.

        Example: "Datum nástupu: 37 rows, e.g. row 12: '2026-13-01' is not a date in
        format dd.mm.yyyy".
        """
        ranked = sorted(
            self.groups.values(), key=lambda group: (-group.count, group.example_row)
        )
        return [self._line(group) for group in ranked[:limit]]

    def _line(self, group: _ProblemGroup) -> str:
        column = group.example.column or _("(whole row)")
        problem = format_problem(group.example)
        if group.count == 1:
            return _("{column}: row {row}: {problem}", column=column, row=group.example_row,
                     problem=problem)
        return _("{column}: {count} rows, e.g. row {row}: {problem}", column=column,
                 count=group.count, row=group.example_row, problem=problem)
