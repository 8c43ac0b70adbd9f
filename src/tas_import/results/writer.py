"""The results writer: one row per input row with its outcome, as XLSX or CSV.

The results sheet is also the next input. A user fixes the invalid rows in place and
imports the file again with the same mapping, so the data sheet comes first, its header
is row 1, and the original columns keep their headers. The four result columns that a
previous run appended are recognised and replaced instead of being appended twice.
"""

from __future__ import annotations

import datetime
import logging
import os
from collections import Counter
from collections.abc import Mapping, Sequence
from pathlib import Path
from types import TracebackType

import polars as pl
from python_calamine import CalamineWorkbook

from tas_import.errors import UsageError
from tas_import.i18n import _
from tas_import.results.csv_sheet import CsvResultsSheet
from tas_import.results.run import RunInfo
from tas_import.results.summary_sheet import SummaryData
from tas_import.results.xlsx import XLSX_MAX_ROWS, XlsxResultsSheet
from tas_import.rows import CellValue, RowResult, Status

logger = logging.getLogger(__name__)

RESULT_COLUMNS = ("row", "status", "case_id", "message")

CSV_FORMATS = frozenset({"csv", "tsv", "txt"})

# Reasons are counted by their exact message. Messages that quote a cell value differ on
# every row, so the count of distinct reasons is capped to keep memory constant.
# NOTE: past the cap, new reasons are no longer counted; the earlier ones still are.
MAX_TRACKED_REASONS = 10_000

# Statuses whose message explains a problem rather than confirming success.
# A skipped row was created by an earlier run: its message confirms and requires no action.
_PROBLEM_STATUSES = frozenset(Status) - {Status.CREATED, Status.VALID, Status.SKIPPED}

# Case ids of at most 15 digits are exact as Excel numbers, which avoids the "number
# stored as text" warning on every row.
_MAX_NUMERIC_CASE_ID_DIGITS = 15


def default_results_path(input_path: Path, *, input_format: str) -> Path:
    """Return ``<stem>.results.csv`` beside a CSV input, ``<stem>.results.xlsx`` otherwise."""
    suffix = ".results.csv" if input_format.lower() in CSV_FORMATS else ".results.xlsx"
    return input_path.with_name(input_path.stem + suffix)


class ResultsWriter:
    """Write results row by row, in constant memory, to the format of the path's suffix.

    Use it as a context manager and call :meth:`close` at the end of the run. When the
    block ends by an exception before ``close()``, the rows written so far are still
    saved, so the outcomes of requests already sent are not lost.
    """

    max_xlsx_rows = XLSX_MAX_ROWS
    """Rows of the XLSX data sheet, header included; more rows switch to CSV."""

    def __init__(
        self,
        path: Path,
        headers: Sequence[str],
        info: RunInfo,
        *,
        delimiter: str = ",",
    ) -> None:
        self.info = info
        self.counts: Counter[Status] = Counter()
        self.notice: str | None = None
        """A translated sentence for the user when the format had to change, else None."""

        self._requested_path = path
        self._format = _format_from_suffix(path)
        self._delimiter = delimiter
        _check_writable(path, info.input_path)

        self._input_width = len(headers)
        self._keep_columns = _original_columns(headers)
        self._headers = [headers[index] for index in self._keep_columns] + list(RESULT_COLUMNS)
        self._reasons: Counter[str] = Counter()
        self._grouped_invalid_reasons: list[tuple[str, int]] | None = None
        self._reason_statuses: dict[str, Status] = {}
        self._final_path = path
        self._closed = False

        self._xlsx: XlsxResultsSheet | None = None
        self._csv: CsvResultsSheet | None = None
        if self._format == "xlsx":
            self._xlsx = XlsxResultsSheet(
                _partial_path(path),
                self._headers,
                result_columns=len(RESULT_COLUMNS),
                sheet_name=_("Results"),
            )
        else:
            self._csv = CsvResultsSheet(_partial_path(path), self._headers, delimiter=delimiter)

    def __enter__(self) -> ResultsWriter:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        if self._closed:
            return
        if exc is None:
            self.close()
            return

        logger.warning(
            "the run ended by %s; saving the %d result rows written so far",
            exc_type.__name__ if exc_type else "an error", self.counts.total(),
        )
        try:
            self.close()
        except Exception:
            # The original exception matters more; this one is only logged.
            logger.exception("could not save the partial results to %s", self._final_path)

    def write(self, cells: Sequence[CellValue], result: RowResult) -> None:
        """Append the original row's cells (in the order of the headers) and its outcome.

        Cells beyond the headers are the extra cells of a row that had more cells than
        the header. They are written after the result columns, so a rerun on the results
        sheet finds them again and the row stays invalid until it is fixed.
        """
        if self._closed:
            raise RuntimeError("ResultsWriter.write() called after close()")

        values = [cells[index] for index in self._keep_columns]
        values += [result.number, result.status.value, _case_id_value(result.case_id),
                   result.message]
        extra = list(cells[self._input_width:])

        if self._xlsx is not None and self._xlsx.rows_written + 1 >= self.max_xlsx_rows:
            self._switch_to_csv()

        if self._xlsx is not None:
            self._xlsx.write_row(values, result.status)
            if extra:
                self._xlsx.write_extra(len(values), extra)
        elif self._csv is not None:
            self._csv.write_row(values + extra)

        self.counts[result.status] += 1
        self._count_reason(result)

    def write_many(
        self, cells_rows: Sequence[Sequence[CellValue]], results: Sequence[RowResult]
    ) -> None:
        """Append many rows at once; the file is the same as from :meth:`write` per row."""
        if self._closed:
            raise RuntimeError("ResultsWriter.write_many() called after close()")
        if any(len(cells) > self._input_width for cells in cells_rows):
            # Rows with extra cells are rare; the batch path needs rows of one width.
            for cells, result in zip(cells_rows, results, strict=True):
                self.write(cells, result)
            return

        keep = self._keep_columns
        width = len(keep)
        keeps_all = keep == list(range(width))
        rows: list[list[CellValue]] = []
        for cells, result in zip(cells_rows, results, strict=True):
            if keeps_all and len(cells) == width:
                values = list(cells)
            else:
                values = [cells[index] for index in keep]
            values += [result.number, result.status.value, _case_id_value(result.case_id),
                       result.message]
            rows.append(values)
        self._write_rows(rows, results)

        self.counts.update(result.status for result in results)
        for result in results:
            if result.message and result.status in _PROBLEM_STATUSES:
                self._count_reason(result)

    def write_frame(
        self,
        frame: pl.DataFrame,
        results: Mapping[int, RowResult],
        *,
        valid: int,
        unguarded: Sequence[str] = (),
    ) -> None:
        """Append a frame of rows to a CSV results file: cells, then the result columns.

        ``results`` contains the rows that are not simply ``valid`` (their frame cells are
        already set); their messages are counted as :meth:`write` counts them. The
        columns named in ``unguarded`` need no formula guard (see :mod:`.cells`).
        """
        if self._closed or self._csv is None:
            raise RuntimeError("ResultsWriter.write_frame() needs an open CSV results file")
        if len(self._keep_columns) + len(RESULT_COLUMNS) != frame.width:
            raise ValueError("the frame must have the kept input columns and the result columns")

        self._csv.write_frame(frame, unguarded=unguarded)
        self.counts[Status.VALID] += valid
        self.counts.update(result.status for result in results.values())
        for result in results.values():
            self._count_reason(result)

    @property
    def format(self) -> str:
        """The format being written: "xlsx" or "csv"."""
        return "xlsx" if self._xlsx is not None else "csv"

    def _write_rows(self, rows: list[list[CellValue]], results: Sequence[RowResult]) -> None:
        """Write rows to the XLSX sheet while they fit, the rest to CSV (see :meth:`write`)."""
        if self._xlsx is not None:
            room = self.max_xlsx_rows - 1 - self._xlsx.rows_written
            self._xlsx.write_rows(rows[:room], [result.status for result in results[:room]])
            if len(rows) <= room:
                return
            self._switch_to_csv()
            rows = rows[room:]

        assert self._csv is not None
        self._csv.write_rows(rows)

    def group_invalid_reasons(self, reasons: list[tuple[str, int]]) -> None:
        """Show ``reasons`` (one line per column and problem) for the invalid rows.

        An invalid row's message quotes its own values, so counted as whole messages
        nearly every invalid row would be a reason of its own.
        """
        self._grouped_invalid_reasons = reasons

    def most_common_reasons(self, limit: int = 10) -> list[tuple[str, int]]:
        """Return the most frequent messages of rows that need attention, with their counts."""
        if self._grouped_invalid_reasons is None:
            return self._reasons.most_common(limit)
        invalid = {message for message, status in self._reason_statuses.items()
                   if status is Status.INVALID}
        others = [(message, count) for message, count in self._reasons.items()
                  if message not in invalid]
        merged = sorted(others + self._grouped_invalid_reasons, key=lambda pair: -pair[1])
        return merged[:limit]

    def close(self, finished_at: datetime.datetime | None = None) -> Path:
        """Finish the file and return its final path (a CSV when the XLSX overflowed)."""
        if self._closed:
            return self._final_path
        self._closed = True

        if self._xlsx is not None:
            finished = finished_at or datetime.datetime.now().astimezone()
            self._xlsx.close(self._summary(finished))
            partial = self._xlsx.path
        else:
            assert self._csv is not None
            self._csv.close()
            partial = self._csv.path

        self._final_path = _move_into_place(partial, self._final_path, self.info.run_id)
        logger.info("results written to %s", self._final_path)
        return self._final_path

    def _summary(self, finished_at: datetime.datetime) -> SummaryData:
        return SummaryData(
            sheet_name=_("Summary"),
            info=self.info,
            finished_at=finished_at,
            counts=dict(self.counts),
            reasons=self.most_common_reasons(),
        )

    def _count_reason(self, result: RowResult) -> None:
        if result.status not in _PROBLEM_STATUSES or not result.message:
            return
        if result.message in self._reasons or len(self._reasons) < MAX_TRACKED_REASONS:
            self._reasons[result.message] += 1
            self._reason_statuses.setdefault(result.message, result.status)

    def _switch_to_csv(self) -> None:
        """Copy the rows written so far into a CSV file and continue there."""
        assert self._xlsx is not None
        xlsx_sheet = self._xlsx
        self._xlsx = None

        self._final_path = self._requested_path.with_suffix(".csv")
        _check_writable(self._final_path, self.info.input_path)
        logger.warning(
            "more than %d result rows do not fit an XLSX sheet; writing %s instead",
            self.max_xlsx_rows - 1, self._final_path,
        )
        self.notice = _(
            "The results have more rows than an XLSX sheet holds ({limit}), so they were "
            "written as CSV to {path}.",
            limit=self.max_xlsx_rows - 1, path=self._final_path,
        )

        xlsx_sheet.close(None)
        self._csv = CsvResultsSheet(
            _partial_path(self._final_path), self._headers, delimiter=self._delimiter
        )
        _copy_xlsx_rows(xlsx_sheet.path, self._csv, column_count=len(self._headers))
        xlsx_sheet.path.unlink()


def _format_from_suffix(path: Path) -> str:
    suffix = path.suffix.lower()
    if suffix not in (".xlsx", ".csv"):
        raise UsageError(
            _("Results file {path}: unsupported extension '{suffix}'.", path=path,
              suffix=path.suffix),
            hint=_("Name the results file with the extension .xlsx or .csv."),
        )
    return suffix[1:]


def _check_writable(path: Path, input_path: Path) -> None:
    """Fail before anything is sent when the results cannot be written where requested."""
    if path.resolve() == input_path.resolve():
        raise UsageError(
            _("The results file {path} is the input file itself.", path=path),
            hint=_("Choose another results path with --results."),
        )

    if not path.parent.is_dir():
        raise UsageError(
            _("Cannot write the results file {path}: the folder {folder} does not exist.",
              path=path, folder=path.parent),
            hint=_("Create the folder or choose another results path with --results."),
        )

    try:
        # Opening for update checks the permission without changing the file. On Windows
        # it also fails while Excel has the file open.
        if path.exists():
            with path.open("r+b"):
                pass
        elif not os.access(path.parent, os.W_OK):
            raise PermissionError(path.parent)
    except OSError as error:
        raise UsageError(
            _("Cannot write the results file {path}: {error}", path=path,
              error=error.strerror or error),
            hint=_("Close the file if a spreadsheet program has it open, or choose another "
                   "results path with --results."),
        ) from error


def _original_columns(headers: Sequence[str]) -> list[int]:
    """Return the indexes of the input columns to keep, without earlier result columns."""
    count = len(headers)
    if count >= len(RESULT_COLUMNS) and tuple(headers[-len(RESULT_COLUMNS):]) == RESULT_COLUMNS:
        return list(range(count - len(RESULT_COLUMNS)))
    return list(range(count))


def _case_id_value(case_id: str | None) -> CellValue:
    if (
        case_id
        and case_id.isascii()
        and case_id.isdigit()
        and len(case_id) <= _MAX_NUMERIC_CASE_ID_DIGITS
        and (case_id == "0" or not case_id.startswith("0"))
    ):
        return int(case_id)
    return case_id


def _partial_path(path: Path) -> Path:
    """Return the hidden file beside ``path`` that is written until the run closes."""
    return path.with_name(f".{path.name}.partial")


def previous_results_path(final: Path) -> Path:
    """Return where the results of the run before are kept: ``x.results.previous.xlsx``."""
    return final.with_name(f"{final.stem}.previous{final.suffix}")


def _move_into_place(partial: Path, final: Path, run_id: str) -> Path:
    """Rename the finished file to ``final``; if that fails, keep it under a run-specific name.

    An existing results file is kept as :func:`previous_results_path`, because HR staff
    may have fixed rows in it that a rerun would otherwise overwrite.
    """
    try:
        if final.exists():
            os.replace(final, previous_results_path(final))
        os.replace(partial, final)
        return final
    except OSError as error:
        fallback = final.with_name(f"{final.stem}.{run_id}{final.suffix}")
        logger.warning("cannot replace %s (%s); keeping the results as %s", final, error, fallback)
        os.replace(partial, fallback)
        return fallback


def _copy_xlsx_rows(xlsx_path: Path, csv_sheet: CsvResultsSheet, *, column_count: int) -> None:
    """Append the data rows of the first sheet of ``xlsx_path`` to ``csv_sheet``.

    python-calamine reads numbers back as floats and date cells as dates. The CSV writer
    formats both as it would format the original values. The one difference: a date-time
    at midnight comes back as a date, which the CSV shows without the time either way.
    """
    sheet = CalamineWorkbook.from_path(str(xlsx_path)).get_sheet_by_index(0)
    rows = sheet.iter_rows()
    next(rows, None)  # the header, which the CSV sheet already wrote

    for row in rows:
        values: list[CellValue] = [None if value == "" else value for value in row]
        # NOTE: extra cells after the result columns (see ResultsWriter.write) are cut
        # here, so a row with too many cells loses them when the sheet overflows to CSV.
        values = (values + [None] * column_count)[:column_count]
        csv_sheet.write_row(values)
