"""The CSV results file: UTF-8 with BOM, so that Czech Excel shows diacritics correctly."""

from __future__ import annotations

import csv
import logging
from collections.abc import Sequence
from itertools import repeat
from pathlib import Path

from tas_import.results.cells import FORMULA_PREFIXES, csv_text
from tas_import.rows import CellValue

logger = logging.getLogger(__name__)

CSV_ENCODING = "utf-8-sig"


class CsvResultsSheet:
    """Rows written one by one through the csv module; each row goes to disk as it comes."""

    def __init__(self, path: Path, headers: Sequence[str], *, delimiter: str) -> None:
        self.path = path
        self.rows_written = 0
        # newline="" hands line endings to the csv module, which writes CRLF as Excel does.
        self._file = path.open("w", encoding=CSV_ENCODING, newline="")
        self._writer = csv.writer(self._file, delimiter=delimiter)
        self._writer.writerow([csv_text(header) for header in headers])

    def write_row(self, values: Sequence[CellValue]) -> None:
        self._writer.writerow([csv_text(value) for value in values])
        self.rows_written += 1

    def write_rows(self, rows: Sequence[Sequence[CellValue]]) -> None:
        """Write many rows at once; the file is the same as from ``write_row`` per row.

        The cells are checked column by column with C-level ``map`` calls. Only a column
        that holds a cell csv.writer would write differently from :func:`csv_text` (a
        float, a date, a bool, a text that starts like a formula) is formatted cell by cell.
        """
        if not rows:
            return
        columns = list(zip(*rows, strict=True))
        irregular = [index for index, column in enumerate(columns) if not _is_plain(column)]
        if irregular:
            formatted: list[Sequence[CellValue]] = list(columns)
            for index in irregular:
                formatted[index] = [csv_text(value) for value in columns[index]]
            self._writer.writerows(zip(*formatted, strict=True))
        else:
            self._writer.writerows(rows)
        self.rows_written += len(rows)

    def close(self) -> None:
        self._file.close()
        logger.debug("wrote %d result rows to %s", self.rows_written, self.path)


# csv.writer writes None as "" and an int by str(), exactly as csv_text does. A bool is
# an int too, but its class is bool, so it is not in this set.
_PLAIN_CLASSES = frozenset({str, int, type(None)})
_TEXT_CLASSES = frozenset({str, type(None)})


def _is_plain(column: Sequence[CellValue]) -> bool:
    """Tell whether csv.writer writes every cell of ``column`` as csv_text would."""
    classes = set(map(type, column))
    if not classes <= _PLAIN_CLASSES:
        return False
    if str not in classes:
        return True
    if not classes <= _TEXT_CLASSES:
        return False  # texts mixed with numbers: rare, formatted cell by cell
    # filter(None, ...) drops None and "", which need no guard.
    return not any(map(str.startswith, filter(None, column), repeat(FORMULA_PREFIXES)))
