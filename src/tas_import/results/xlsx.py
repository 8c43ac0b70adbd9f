"""The XLSX results workbook, written row by row with xlsxwriter in constant-memory mode.

xlsxwriter's ``constant_memory`` mode flushes each row to a temporary file as soon as
the next row starts, so a million-row sheet needs no more memory than a ten-row one.
The price is that a row cannot be changed once written. Column widths, the autofilter
and the Summary sheet are therefore added in :meth:`XlsxResultsSheet.close`, which is
possible because xlsxwriter assembles those parts of the file only when it closes.
"""

from __future__ import annotations

import datetime
import logging
import math
from collections.abc import Callable, Sequence
from functools import partial
from itertools import repeat
from pathlib import Path
from typing import Any

import xlsxwriter  # type: ignore[import-untyped]  # ships no py.typed marker (3.3.1)

from tas_import.i18n import current_language
from tas_import.results.cells import (
    FORMULA_PREFIXES,
    MAX_COLUMN_WIDTH,
    MIN_COLUMN_WIDTH,
    display_width,
    is_finite_number,
    needs_formula_guard,
)
from tas_import.results.formats import DATE_FORMATS, DATETIME_FORMATS, STATUS_COLOURS
from tas_import.results.summary_sheet import SummaryData, write_summary_sheet
from tas_import.rows import CellValue, Status

logger = logging.getLogger(__name__)

XLSX_MAX_ROWS = 1_048_576
"""Rows of one XLSX worksheet, header included (Excel's limit since Excel 2007)."""

# The message column contains sentences, so it may grow wider than a data column.
MESSAGE_MAX_WIDTH = 90

# Writes one cell: (row, column, value).
CellWriter = Callable[[int, int, CellValue], None]

_NONE = type(None)
_TEXT_CLASSES = frozenset({str, _NONE})
_NUMBER_CLASSES = frozenset({int, float, _NONE})
_DATE_CLASSES = frozenset({datetime.date, _NONE})


class XlsxResultsSheet:
    """The data sheet of the results workbook; the Summary sheet is added on close."""

    def __init__(
        self, path: Path, headers: Sequence[str], *, result_columns: int, sheet_name: str
    ) -> None:
        self.path = path
        self.rows_written = 0

        self._workbook = xlsxwriter.Workbook(
            str(path), {"constant_memory": True, "remove_timezone": True}
        )
        self._sheet = self._workbook.add_worksheet(sheet_name)
        self._column_count = len(headers)
        self._widths = [max(MIN_COLUMN_WIDTH, len(header) + 3) for header in headers]
        self._formats = _Formats(self._workbook)

        self._write_header(headers, result_columns)
        self._set_page_layout()

    def write_row(self, values: Sequence[CellValue], status: Status) -> None:
        """Append one data row; the status cell (fourth from the end) gets its colour."""
        row_index = self.rows_written + 1
        status_column = len(values) - 3

        for column, value in enumerate(values):
            if column == status_column:
                status_format = self._formats.status(status)
                self._sheet.write_string(row_index, column, status.value, status_format)
            else:
                self._write_value(row_index, column, value)

            width = display_width(value)
            if width > self._widths[column]:
                self._widths[column] = width

        self.rows_written += 1

    def write_extra(self, first_column: int, values: Sequence[CellValue]) -> None:
        """Write cells after the result columns of the last row written.

        They have no header, so the column widths and the autofilter leave them out.
        """
        row_index = self.rows_written
        for offset, value in enumerate(values):
            self._write_value(row_index, first_column + offset, value)

    def write_rows(self, rows: Sequence[Sequence[CellValue]], statuses: Sequence[Status]) -> None:
        """Append many data rows; the file is the same as from :meth:`write_row` per row.

        Each column of the batch is checked once. A column of only plain text, only
        finite numbers or only dates gets one writer for all its cells, which skips the
        per-cell type dispatch, formula check and width estimate of :meth:`write_row`.
        Other columns are written cell by cell as there.
        """
        if not rows:
            return
        columns = list(zip(*rows, strict=True))
        status_column = len(columns) - 3
        writers = [self._column_writer(column) for column in columns]
        writers[status_column] = self._skip_cell
        for index, column in enumerate(columns):
            if index != status_column:
                self._widen(index, column)
        status_width = max(len(status.value) for status in statuses)
        self._widths[status_column] = max(self._widths[status_column], status_width)

        write_status = self._sheet.write_string
        status_format = self._formats.status
        row_index = self.rows_written
        for values, status in zip(rows, statuses, strict=True):
            row_index += 1
            write_status(row_index, status_column, status.value, status_format(status))
            for column_index, (write, value) in enumerate(zip(writers, values, strict=True)):
                write(row_index, column_index, value)
        self.rows_written = row_index

    def close(self, summary: SummaryData | None) -> None:
        """Set widths and autofilter, add the Summary sheet (if given) and write the file."""
        self._apply_column_widths()
        self._sheet.autofilter(0, 0, self.rows_written, self._column_count - 1)

        if summary is not None:
            summary_sheet = self._workbook.add_worksheet(summary.sheet_name)
            write_summary_sheet(self._workbook, summary_sheet, summary)

        self._workbook.close()
        logger.debug("wrote %d result rows to %s", self.rows_written, self.path)

    def _write_header(self, headers: Sequence[str], result_columns: int) -> None:
        first_result_column = len(headers) - result_columns
        for column, header in enumerate(headers):
            header_format = (
                self._formats.result_header
                if column >= first_result_column
                else self._formats.header
            )
            self._sheet.write_string(0, column, header, header_format)
        self._sheet.freeze_panes(1, 0)

    def _set_page_layout(self) -> None:
        # Printing (and rendering to PDF) should give readable pages: landscape, one
        # page wide, the header repeated on every page, grid lines visible.
        self._sheet.set_landscape()
        self._sheet.set_paper(9)  # A4
        self._sheet.fit_to_pages(1, 0)
        self._sheet.repeat_rows(0)
        self._sheet.hide_gridlines(0)

    def _write_value(self, row: int, column: int, value: CellValue) -> None:
        if value is None or value == "":
            return

        if isinstance(value, bool):
            self._sheet.write_boolean(row, column, value)
        elif is_finite_number(value):
            self._sheet.write_number(row, column, float(value))
        elif isinstance(value, datetime.datetime):
            self._sheet.write_datetime(row, column, value, self._formats.for_datetime(value))
        elif isinstance(value, datetime.date):
            self._sheet.write_datetime(row, column, value, self._formats.date)
        elif isinstance(value, datetime.time):
            self._sheet.write_datetime(row, column, value, self._formats.time)
        else:
            self._write_text(row, column, str(value))

    def _write_text(self, row: int, column: int, text: str) -> None:
        # write_string never creates a formula. The quote prefix also keeps the cell text
        # when a user edits it and presses Enter, where Excel would otherwise evaluate it.
        text_format = self._formats.quoted if needs_formula_guard(text) else None
        self._sheet.write_string(row, column, text, text_format)

    def _column_writer(self, column: Sequence[CellValue]) -> CellWriter:
        """Choose the writer for every cell of ``column``; see :meth:`write_rows`.

        A column without empty cells gets xlsxwriter's own method, which saves one Python
        call per cell. ``write_number`` formats an int as it formats the equal float.
        """
        classes = set(map(type, column))
        has_empty = _NONE in classes or "" in column
        sheet = self._sheet

        if classes <= _TEXT_CLASSES:
            if any(map(str.startswith, filter(None, column), repeat(FORMULA_PREFIXES))):
                return self._write_value  # some cells may need the quote prefix
            return self._write_plain_text if has_empty else sheet.write_string
        if classes <= _NUMBER_CLASSES and all(
            map(math.isfinite, filter(None, column))
        ):
            return self._write_plain_number if has_empty else sheet.write_number
        if classes <= _DATE_CLASSES:
            if has_empty:
                return self._write_plain_date
            return partial(sheet.write_datetime, cell_format=self._formats.date)
        return self._write_value

    def _write_plain_text(self, row: int, column: int, value: CellValue) -> None:
        if value:
            self._sheet.write_string(row, column, value)

    def _write_plain_number(self, row: int, column: int, value: CellValue) -> None:
        if value is not None:
            self._sheet.write_number(row, column, value)

    def _write_plain_date(self, row: int, column: int, value: CellValue) -> None:
        if value is not None:
            self._sheet.write_datetime(row, column, value, self._formats.date)

    def _skip_cell(self, row: int, column: int, value: CellValue) -> None:
        pass

    def _widen(self, index: int, column: Sequence[CellValue]) -> None:
        """Grow the width of column ``index`` to its widest cell in ``column``."""
        if set(map(type, column)) <= _TEXT_CLASSES:
            # The longest text is an upper bound of its longest line, and cheap to find.
            longest = max(map(len, filter(None, column)), default=0)
            if longest <= self._widths[index]:
                return
        width = max(map(display_width, column))
        if width > self._widths[index]:
            self._widths[index] = width

    def _apply_column_widths(self) -> None:
        message_column = self._column_count - 1
        for column, width in enumerate(self._widths):
            limit = MESSAGE_MAX_WIDTH if column == message_column else MAX_COLUMN_WIDTH
            self._sheet.set_column(column, column, min(width + 1, limit))


class _Formats:
    """The cell formats of the data sheet, created once per workbook."""

    def __init__(self, workbook: Any) -> None:
        language = current_language()
        header = {"bold": True, "bottom": 1, "valign": "top"}

        self.header = workbook.add_format({**header, "bg_color": "#D9E1F2"})
        self.result_header = workbook.add_format(
            {**header, "bg_color": "#1F4E78", "font_color": "#FFFFFF"}
        )
        self.date = workbook.add_format({"num_format": DATE_FORMATS[language]})
        self.datetime = workbook.add_format({"num_format": DATETIME_FORMATS[language]})
        self.time = workbook.add_format({"num_format": "hh:mm:ss"})
        self.quoted = workbook.add_format({"quote_prefix": True})
        self._status = {
            status: workbook.add_format({"bg_color": fill, "font_color": font})
            for status, (fill, font) in STATUS_COLOURS.items()
        }

    def status(self, status: Status) -> Any:
        return self._status[status]

    def for_datetime(self, value: datetime.datetime) -> Any:
        return self.date if value.time() == datetime.time(0, 0) else self.datetime
