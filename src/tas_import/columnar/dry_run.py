"""The dry-run of a regular CSV file in column batches.

The outcome of every row, its message and the results file are the same as from the
row-by-row dry-run in :mod:`tas_import.cli.job`, and the tests compare the two. Only the
cost differs: a valid row never becomes a Python object of its own.
"""

from __future__ import annotations

import logging
from collections import Counter
from collections.abc import Iterable

import polars as pl

from tas_import.coercion import Coercer
from tas_import.columnar.csv_chunks import Chunk
from tas_import.columnar.seen_keys import SeenKeys
from tas_import.columnar.variables import ColumnCoercion, ColumnOutcome
from tas_import.delivery import LedgerPreview
from tas_import.keys import duplicate_result
from tas_import.outcomes import invalid_result, limited_result, repeated_key_problem
from tas_import.progress import Progress
from tas_import.report import ProblemReport
from tas_import.results import RESULT_COLUMNS, ResultsWriter
from tas_import.rows import CellProblem, CellValue, CoercedRow, RowResult, Status

logger = logging.getLogger(__name__)

# The frame's names of the result columns, which no source column key can take: keys are
# header texts, and a header never contains a NUL character.
INTERNAL_RESULT_COLUMNS = tuple(f"\x00{name}" for name in RESULT_COLUMNS)


class ColumnarDryRun:
    """Validate chunks of rows and write their results; one instance per file."""

    def __init__(
        self,
        coercer: Coercer,
        *,
        key_label: str,
        limit: int | None,
        report: ProblemReport,
        preview: LedgerPreview | None,
    ) -> None:
        key_names = [name for name, _cell in coercer.key_sources]
        self.variables = [
            ColumnCoercion(variable, fragments=variable.name in key_names)
            for variable in coercer.variables
        ]
        self.key_positions = [coercer.names.index(name or "") for name in key_names]
        self.key_label = key_label
        self.limit = limit
        self.report = report
        self.preview = preview if preview is not None and not preview.is_empty() else None
        self.seen = SeenKeys()
        self.rows_seen = 0
        self.counts: Counter[Status] = Counter()

    def run(self, chunks: Iterable[Chunk], writer: ResultsWriter, progress: Progress) -> None:
        for chunk in chunks:
            results = self._chunk_results(chunk)
            height = chunk.frame.height
            valid = height - len(results)
            # Status keywords never start like a formula. Without results that are not
            # simply valid, the case id and message columns are empty too.
            if chunk.extras:
                self._write_rows(chunk, results, writer)
            else:
                _row, status, case_id, message = INTERNAL_RESULT_COLUMNS
                unguarded = (status,) if results else (status, case_id, message)
                writer.write_frame(self._results_frame(chunk, results), results, valid=valid,
                                   unguarded=unguarded)
            self.counts[Status.VALID] += valid
            self.counts.update(result.status for result in results.values())
            progress.update_many(Status.VALID, valid)
            for result in results.values():
                progress.update(result)

    def _chunk_results(self, chunk: Chunk) -> dict[int, RowResult]:
        """Return the result of each row that is not simply valid, by index in the chunk."""
        height = chunk.frame.height
        outcomes = [variable.run(chunk.frame) for variable in self.variables]
        cut = height if self.limit is None else max(0, min(height, self.limit - self.rows_seen))
        self.rows_seen += height

        results: dict[int, RowResult] = {}
        for index in range(cut, height):
            results[index] = limited_result(chunk.numbers[index], self.limit)

        invalid = sorted({index for outcome in outcomes for index in outcome.problems}
                         | set(chunk.errors))
        for index in invalid:
            if index < cut:
                results[index] = self._invalid_result(chunk, index, outcomes)

        valid = [index for index in range(cut) if index not in results] if results else (
            list(range(cut))
        )
        self._check_keys(chunk, valid, outcomes, results)
        return results

    def _invalid_result(
        self, chunk: Chunk, index: int, outcomes: list[ColumnOutcome]
    ) -> RowResult:
        problems = [outcome.problems[index] for outcome in outcomes if index in outcome.problems]
        if index in chunk.errors:
            problems.insert(0, CellProblem("", None, chunk.errors[index]))
        number = chunk.numbers[index]
        self.report.add(number, problems)
        return invalid_result(number, problems, chunk.notes.get(index))

    def _check_keys(
        self,
        chunk: Chunk,
        valid: list[int],
        outcomes: list[ColumnOutcome],
        results: dict[int, RowResult],
    ) -> None:
        """Mark the valid rows whose key came before, then those already in the ledger."""
        keys = self._keys(valid, outcomes)
        numbers = chunk.numbers if len(valid) == len(chunk.numbers) else [
            chunk.numbers[index] for index in valid
        ]
        repeats = self.seen.repeats(keys, numbers)
        for position, first_row in repeats.items():
            number, key = numbers[position], keys[position]
            results[valid[position]] = duplicate_result(number, key, first_row)
            self.report.add(number, [repeated_key_problem(self.key_label, key)])

        if self.preview is None:
            return
        for position, (number, key) in enumerate(zip(numbers, keys.to_list(), strict=True)):
            if position in repeats:
                continue
            result = self.preview.result(CoercedRow(number, {}, [], key))
            if result is not None:
                results[valid[position]] = result

    def _keys(self, valid: list[int], outcomes: list[ColumnOutcome]) -> pl.Series:
        """Return the key of each valid row: the canonical JSON list of its key values."""
        columns = []
        for position in self.key_positions:
            fragments = outcomes[position].fragments
            assert fragments is not None
            columns.append(fragments if len(valid) == len(fragments) else fragments.gather(valid))
        joined = columns[0] if len(columns) == 1 else pl.select(
            pl.concat_str(columns, separator=",")
        ).to_series()
        keys: pl.Series = ("[" + joined + "]").rename("key")
        return keys

    @staticmethod
    def _write_rows(chunk: Chunk, results: dict[int, RowResult], writer: ResultsWriter) -> None:
        """Write a chunk that has rows with extra cells row by row, as the row path does."""
        cells_rows: list[list[CellValue]] = []
        row_results: list[RowResult] = []
        for index, row in enumerate(chunk.frame.rows()):
            cells: list[CellValue] = [value or None for value in row]
            cells.extend(chunk.extras.get(index, ()))
            cells_rows.append(cells)
            number = chunk.numbers[index]
            row_results.append(results.get(index) or RowResult(number, Status.VALID))
        writer.write_many(cells_rows, row_results)

    @staticmethod
    def _results_frame(chunk: Chunk, results: dict[int, RowResult]) -> pl.DataFrame:
        """Return the chunk's cells followed by the four result columns."""
        row, status, case_id, message = INTERNAL_RESULT_COLUMNS
        frame = chunk.frame.with_columns(
            pl.Series(row, chunk.numbers, dtype=pl.Int64),
            pl.lit(Status.VALID.value, dtype=pl.String).alias(status),
            pl.lit(None, dtype=pl.String).alias(case_id),
            pl.lit(None, dtype=pl.String).alias(message),
        )
        if not results:
            return frame

        indexes = list(results)
        updates: dict[str, list[str | None]] = {
            status: [results[index].status.value for index in indexes],
            case_id: [results[index].case_id for index in indexes],
            message: [results[index].message for index in indexes],
        }
        columns = {name: frame.get_column(name).scatter(indexes, values)
                   for name, values in updates.items()}
        return frame.with_columns(**columns)
