"""Import one spreadsheet: read, coerce, deliver (or only validate), write the results.

A real run reads the whole file twice. The first pass validates every row and sends
nothing, so a file that turns out unreadable half-way (a bad byte at line 90,000) stops
the run before the first case exists. The second pass streams the rows again, sends the
valid ones and writes the results sheet in source order.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections import Counter
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from itertools import islice
from pathlib import Path

from tas_import.cli.inbox import is_results_file
from tas_import.cli.ordering import ResultsInOrder
from tas_import.coercion import Coercer
from tas_import.columnar import ColumnarDryRun, CsvChunks, columnar_plan
from tas_import.delivery import Delivery, LedgerPreview
from tas_import.errors import ExitCode, TasImportError
from tas_import.i18n import _
from tas_import.keys import DuplicateKeys
from tas_import.mapping import Mapping
from tas_import.outcomes import invalid_result, limited_result, repeated_key_problem
from tas_import.progress import Progress
from tas_import.reading import ReadOptions, RowSource, open_source, resolve_columns
from tas_import.report import ProblemReport
from tas_import.results import (
    RESULT_COLUMNS,
    ResultsWriter,
    RunInfo,
    default_results_path,
    unguard_csv_text,
)
from tas_import.rows import CellValue, CoercedRow, RowResult, SourceRow, Status

logger = logging.getLogger(__name__)

BATCH_SIZE = 2000


@dataclass(frozen=True)
class FileSettings:
    """Command-line settings for reading and writing one file."""

    sheet: str | int | None = None
    header_row: int | None = None
    encoding: str | None = None
    delimiter: str | None = None
    results: Path | None = None
    results_dir: Path | None = None
    limit: int | None = None


@dataclass
class FileOutcome:
    """The outcome of importing one file."""

    input_path: Path
    results_path: Path | None = None
    counts: Counter[Status] = field(default_factory=Counter)
    error: TasImportError | None = None
    stop_reason: str | None = None
    problem_lines: list[str] = field(default_factory=list)
    notices: list[str] = field(default_factory=list)
    started_at: dt.datetime = field(default_factory=lambda: dt.datetime.now().astimezone())
    finished_at: dt.datetime | None = None

    @property
    def exit_code(self) -> int:
        if self.error is not None:
            return self.error.exit_code
        if self.counts[Status.UNKNOWN] or self.counts[Status.NOT_ATTEMPTED]:
            return ExitCode.INCOMPLETE
        if self.counts[Status.FAILED] or self.counts[Status.INVALID]:
            return ExitCode.ROWS_FAILED
        return ExitCode.OK

    @property
    def is_final(self) -> bool:
        """Whether every row has a final outcome, so the file may be archived."""
        return self.error is None and self.exit_code in (ExitCode.OK, ExitCode.ROWS_FAILED)


def read_options(mapping: Mapping, settings: FileSettings, path: Path) -> ReadOptions:
    """Combine the mapping's ``source`` settings with the command line, which wins.

    A results sheet of an earlier run has its header in row 1 of its first sheet, so the
    mapping's ``sheet`` and ``header_row``, written for the original export, do not apply.
    """
    source = mapping.source
    if is_results_file(path):
        source = source.model_copy(update={"sheet": None, "header_row": None})
    return ReadOptions(
        sheet=settings.sheet if settings.sheet is not None else source.sheet,
        header_row=settings.header_row if settings.header_row is not None else source.header_row,
        encoding=settings.encoding or source.encoding,
        delimiter=settings.delimiter or source.delimiter,
    )


def batches(rows: Iterable[SourceRow], size: int = BATCH_SIZE) -> Iterator[list[SourceRow]]:
    iterator = iter(rows)
    while batch := list(islice(iterator, size)):
        yield batch


def rows_of(source: RowSource) -> Iterable[SourceRow]:
    """Return the source's rows; in a results CSV of an earlier run, without formula guards.

    The results CSV puts an apostrophe before text that a spreadsheet could evaluate
    (``'=1+1``). A fixed results sheet imported again must send the original text, or
    the row would get a new key and a second case.
    """
    last_headers = tuple(column.header for column in source.columns[-len(RESULT_COLUMNS):])
    if source.format != "csv" or last_headers != RESULT_COLUMNS:
        return source
    return (unguard_row(row) for row in source)


def unguard_row(row: SourceRow) -> SourceRow:
    for key, value in row.cells.items():
        if isinstance(value, str) and value.startswith("'"):
            row.cells[key] = unguard_csv_text(value)
    if row.extra:
        row.extra = tuple(
            unguard_csv_text(value) if isinstance(value, str) else value for value in row.extra
        )
    return row


class RowClassifier:
    """Decide the outcome of a row that needs no request: invalid, duplicate, over the limit."""

    def __init__(
        self, limit: int | None, report: ProblemReport | None, key_columns: list[str]
    ) -> None:
        self.limit = limit
        self.report = report
        self.duplicates = DuplicateKeys()
        self.seen = 0
        self.key_label = ", ".join(key_columns) or _("all columns")

    def classify(self, row: CoercedRow, note: str | None = None) -> RowResult | None:
        """Return the row's result, or None when the row is valid and may be sent."""
        self.seen += 1
        if self.limit is not None and self.seen > self.limit:
            return limited_result(row.number, self.limit)
        if not row.is_valid:
            if self.report is not None:
                self.report.add(row.number, row.problems)
            return invalid_result(row.number, row.problems, note)

        duplicate = self.duplicates.check(row)
        if duplicate is not None and self.report is not None:
            self.report.add(row.number, [repeated_key_problem(self.key_label, row.key or "")])
        return duplicate


class FileImport:
    """The import of one file; ``validate()`` first, then ``dry_run()`` or ``deliver()``."""

    def __init__(
        self, path: Path, mapping: Mapping, settings: FileSettings, info: RunInfo
    ) -> None:
        self.path = path
        self.mapping = mapping
        self.settings = settings
        self.info = info
        self.outcome = FileOutcome(input_path=path)
        self.total_rows = 0
        self.valid_rows = 0

    def open(self) -> tuple[RowSource, Coercer]:
        source = open_source(self.path, read_options(self.mapping, self.settings, self.path))
        notice = getattr(source, "encoding_notice", None)
        if notice and notice not in self.outcome.notices:
            self.outcome.notices.append(notice)
        try:
            column_keys = resolve_columns(source.columns, self.mapping.columns(), path=self.path)
            return source, Coercer(self.mapping, column_keys)
        except BaseException:
            source.__exit__(None, None, None)
            raise

    def validate(self) -> None:
        """Read and coerce every row once, sending nothing; count rows and valid rows."""
        source, coercer = self.open()
        classifier = RowClassifier(self.settings.limit, None, self.mapping.key)
        with source:
            for batch in batches(rows_of(source)):
                for row in coercer.coerce_batch(batch):
                    self.total_rows += 1
                    if classifier.classify(row) is None:
                        self.valid_rows += 1
        logger.info(
            "%s: %d rows, %d to send", self.path.name, self.total_rows, self.valid_rows
        )

    def results_path(self, source: RowSource) -> Path:
        if self.settings.results is not None:
            return self.settings.results
        default = default_results_path(self.path, input_format=source.format)
        if self.settings.results_dir is not None:
            return self.settings.results_dir / default.name
        return default

    def dry_run(self, progress: Progress, preview: LedgerPreview | None = None) -> FileOutcome:
        """Validate every row and write the results sheet with valid/invalid outcomes.

        With a ``preview`` of the ledger, rows that a run would not send are ``skipped``
        (created before) or ``unknown`` (their earlier outcome is in doubt).
        """
        report = ProblemReport()
        source, coercer = self.open()
        classifier = RowClassifier(self.settings.limit, report, self.mapping.key)
        with source:
            writer = self._open_writer(source)
            with writer:
                plan = columnar_plan(source, coercer, writer)
                if isinstance(plan, CsvChunks):
                    logger.info("%s: validating in column batches", self.path.name)
                    columnar = ColumnarDryRun(
                        coercer, key_label=classifier.key_label, limit=self.settings.limit,
                        report=report, preview=preview,
                    )
                    columnar.run(plan, writer, progress)
                    self.outcome.counts.update(columnar.counts)
                    writer.group_invalid_reasons(report.ranked())
                    self._close(writer)
                    self.outcome.problem_lines = report.most_common()
                    return self.outcome

                logger.info("%s: validating row by row, because %s", self.path.name, plan)
                keys = [column.key for column in source.columns]
                for batch in batches(rows_of(source)):
                    # Whole batches go to the writer: per-row calls were most of the time
                    # of a dry-run over a large CSV.
                    results = [
                        classifier.classify(row, source_row.note)
                        or (preview and preview.result(row))
                        or RowResult(row.number, Status.VALID)
                        for source_row, row in zip(batch, coercer.coerce_batch(batch), strict=True)
                    ]
                    writer.write_many([self._row_cells(keys, row) for row in batch], results)
                    self.outcome.counts.update(result.status for result in results)
                    for result in results:
                        progress.update(result)
                writer.group_invalid_reasons(report.ranked())
                self._close(writer)
        self.outcome.problem_lines = report.most_common()
        return self.outcome

    async def deliver(self, delivery: Delivery, progress: Progress) -> FileOutcome:
        """Send every valid row through ``delivery`` and write the results in source order."""
        report = ProblemReport()
        source, coercer = self.open()
        classifier = RowClassifier(self.settings.limit, report, self.mapping.key)
        with source:
            writer = self._open_writer(source)
            with writer:
                def write(cells: Sequence[CellValue], result: RowResult) -> None:
                    self._count(writer, progress, cells, result)

                order = ResultsInOrder(write)

                def rows_to_send() -> Iterator[CoercedRow]:
                    for batch in batches(rows_of(source)):
                        for source_row, row in zip(batch, coercer.coerce_batch(batch), strict=True):
                            order.add(row.number, self._cells(source, source_row))
                            result = classifier.classify(row, source_row.note)
                            if result is None:
                                yield row
                            else:
                                order.resolve(result)

                async for result in delivery.run(rows_to_send()):
                    order.resolve(result)

                if order.waiting:
                    raise RuntimeError(f"{order.waiting} rows got no result from delivery")
                writer.group_invalid_reasons(report.ranked())
                self._close(writer)
        self.outcome.stop_reason = delivery.stop_reason
        self.outcome.problem_lines = report.most_common()
        return self.outcome

    def _close(self, writer: ResultsWriter) -> None:
        self.outcome.results_path = writer.close(dt.datetime.now().astimezone())
        if writer.notice:
            self.outcome.notices.append(writer.notice)

    def _open_writer(self, source: RowSource) -> ResultsWriter:
        path = self.results_path(source)
        headers = [column.header for column in source.columns]
        return ResultsWriter(path, headers, self.info, delimiter=source.delimiter or ",")

    @staticmethod
    def _cells(source: RowSource, row: SourceRow) -> list[CellValue]:
        return FileImport._row_cells([column.key for column in source.columns], row)

    @staticmethod
    def _row_cells(keys: list[str], row: SourceRow) -> list[CellValue]:
        """Return the row's cells in column order, then its extra cells (see ResultsWriter)."""
        cells = list(map(row.cells.get, keys))
        if row.extra:
            cells.extend(row.extra)
        return cells

    def _count(
        self,
        writer: ResultsWriter,
        progress: Progress,
        cells: Sequence[CellValue],
        result: RowResult,
    ) -> None:
        writer.write(cells, result)
        self.outcome.counts[result.status] += 1
        progress.update(result)
