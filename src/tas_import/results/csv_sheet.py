"""The CSV results file: UTF-8 with BOM, so that Czech Excel shows diacritics correctly."""

from __future__ import annotations

import csv
import logging
from collections.abc import Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from itertools import repeat
from pathlib import Path
from typing import IO, cast

import polars as pl

from tas_import.results.cells import FORMULA_PREFIXES, csv_text, guard_csv_text
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
        self._delimiter = delimiter
        self._worker: ThreadPoolExecutor | None = None
        self._pending: Future[None] | None = None
        self._writer = csv.writer(self._file, delimiter=delimiter)
        self._writer.writerow([csv_text(header) for header in headers])

    def write_row(self, values: Sequence[CellValue]) -> None:
        self._finish_pending()
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
        self._finish_pending()
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

    def write_frame(self, frame: pl.DataFrame, *, unguarded: Sequence[str] = ()) -> None:
        """Write a polars frame of rows; the file is the same as from ``write_row`` per row.

        Text columns must contain str or null, and other columns integers. The columns
        named in ``unguarded`` contain only texts that need no formula guard. The frame is written
        by a worker thread while the caller prepares the next one; an error surfaces at
        the next call or at :meth:`close`.
        """
        self._finish_pending()
        if self._worker is None:
            self._worker = ThreadPoolExecutor(max_workers=1, thread_name_prefix="results")
        self._pending = self._worker.submit(self._write_frame, frame, unguarded)
        self.rows_written += frame.height

    def _write_frame(self, frame: pl.DataFrame, unguarded: Sequence[str]) -> None:
        texts = [name for name, dtype in frame.schema.items() if dtype == pl.String]
        checked = [name for name in texts if name not in unguarded]
        if checked:
            starts = frame.select(
                pl.col(name).str.contains(_FORMULA_START).any() for name in checked
            ).row(0)
            frame = frame.with_columns(
                _guarded(frame.get_column(name))
                for name, found in zip(checked, starts, strict=True) if found
            )
        # csv.writer writes "" and None alike, as nothing; polars quotes "".
        frame = frame.with_columns(
            pl.when(pl.col(name) != "").then(pl.col(name)).alias(name) for name in texts
        )
        self._file.flush()
        frame.write_csv(
            cast("IO[bytes]", self._file.buffer), include_header=False, separator=self._delimiter,
            line_terminator="\r\n", quote_style="necessary", null_value="",
        )

    def _finish_pending(self) -> None:
        if self._pending is not None:
            pending, self._pending = self._pending, None
            pending.result()

    def close(self) -> None:
        try:
            self._finish_pending()
        finally:
            if self._worker is not None:
                self._worker.shutdown()
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


_FORMULA_START = "^[" + "".join(f"\\x{{{ord(prefix):X}}}" for prefix in FORMULA_PREFIXES) + "]"


def _guarded(column: pl.Series) -> pl.Series:
    """Apply :func:`guard_csv_text` to the cells that start like a formula."""
    indexes = column.str.contains(_FORMULA_START).fill_null(False).arg_true()
    if indexes.is_empty():
        return column
    guarded = [guard_csv_text(text) for text in column.gather(indexes).to_list()]
    return column.scatter(indexes, guarded)
