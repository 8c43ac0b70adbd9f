"""The types every reader shares: options, columns, the row-source protocol."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

from tas_import.rows import SourceRow


@dataclass(frozen=True)
class ReadOptions:
    """How to read the input file; None everywhere means detect it."""

    sheet: str | int | None = None  # sheet name or 1-based position; None = first sheet
    header_row: int | None = None  # 1-based; None = first non-empty row
    encoding: str | None = None  # CSV only; None = detect
    delimiter: str | None = None  # CSV only; None = sniff


@dataclass(frozen=True)
class Column:
    """One column of the input file as the header row names it."""

    key: str  # unique key in SourceRow.cells: the header unless it repeats or is empty
    header: str  # header text as shown; an empty header over data becomes "Column O"
    letter: str  # spreadsheet column letter; for CSV the letter of the position
    index: int  # 0-based position in the file


@dataclass(frozen=True)
class FormulaWithoutValue:
    """Cell value of a formula that was saved without a usable result.

    Libraries such as openpyxl write formulas without computing them, and Excel caches
    an error such as "#DIV/0!" as the result of a failing formula. The reader cannot
    evaluate formulas, so the mapping layer reports such a cell as invalid.
    """

    formula: str  # formula text without the leading "=", empty for a shared formula
    error: str | None = None  # the cached error instead of a value, e.g. "#DIV/0!"

    def __str__(self) -> str:
        """Show the cell as Excel's formula bar does (``=1/0``), or its error if unknown."""
        if self.formula:
            return "=" + self.formula
        return self.error or "="


class RowSource(Protocol):
    """An open input file: its columns and, iterated once, its data rows."""

    path: Path
    format: str  # "csv", "xlsx", "xls" or "ods"
    columns: list[Column]
    delimiter: str | None  # detected CSV delimiter; None for sheets
    encoding: str | None  # detected CSV encoding; None for sheets

    def __iter__(self) -> Iterator[SourceRow]: ...

    def __enter__(self) -> RowSource: ...

    def __exit__(self, *exc: object) -> None: ...


def column_letter(index: int) -> str:
    """Return the spreadsheet letter of a 0-based column index: 0 -> "A", 26 -> "AA"."""
    if index < 0:
        raise ValueError(f"column index must be >= 0, got {index}")

    letters = ""
    number = index + 1
    while number:
        number, remainder = divmod(number - 1, 26)
        letters = chr(ord("A") + remainder) + letters
    return letters
