"""The record types that pass between reading, coercion, delivery and results.

Reading yields :class:`SourceRow`; coercion turns it into a :class:`CoercedRow`; the
run ends each row with exactly one :class:`RowResult`, whose ``status`` is one of the
stable keywords of :class:`Status`.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass, field
from typing import Any

# A value as the reader found it in a cell: str for CSV cells and Excel text cells,
# or a native Excel value (int, float, bool, datetime.date, datetime.datetime,
# datetime.time). None is an empty cell.
CellValue = Any

# A value as it is sent to TAS: str, Decimal or int (JSON numbers), never float.
PayloadValue = Any


class Status(str, enum.Enum):
    """A row's outcome; the value is the keyword written to the results sheet."""

    CREATED = "created"
    FAILED = "failed"
    INVALID = "invalid"
    UNKNOWN = "unknown"
    VALID = "valid"
    SKIPPED = "skipped"
    NOT_ATTEMPTED = "not attempted"

    def __str__(self) -> str:
        return self.value


@dataclass(slots=True)
class SourceRow:
    """One data row of the input file.

    ``number`` is the row as the user sees it: in a sheet the Excel row number, in a CSV
    the line number of the row's first line (header is row 1). ``cells`` maps each
    column key of the source to its raw value. ``error`` is set when the row itself is
    malformed (for example more cells than the header), which makes it invalid.
    """

    number: int
    cells: dict[str, CellValue]
    error: str | None = None
    # A hint added to the message when the row turns out invalid, e.g. that the row is
    # shorter than the header, so its values may have shifted.
    note: str | None = None
    # The cells beyond the header of a row that has too many, which ``error`` reports.
    # The results sheet keeps them after its result columns, so that the row stays
    # invalid when the sheet is imported again, until someone fixes it.
    extra: tuple[CellValue, ...] = ()


@dataclass(slots=True)
class CellProblem:
    """Why one cell could not be coerced: the column, its raw value, and what was expected."""

    column: str
    value: CellValue
    message: str


@dataclass(slots=True)
class CoercedRow:
    """A row after coercion: the payload ``data`` when valid, else its problems."""

    number: int
    data: dict[str, PayloadValue] | None
    problems: list[CellProblem] = field(default_factory=list)
    key: str | None = None

    @property
    def is_valid(self) -> bool:
        return self.data is not None and not self.problems


@dataclass(slots=True)
class RowResult:
    """A row's one outcome as written to the results sheet."""

    number: int
    status: Status
    message: str = ""
    case_id: str | None = None
