"""The columnar dry-run: validation of a large regular CSV file in polars batches.

A dry-run over a million-row export would spend most of its time building a Python
object per row and per cell. For a CSV file whose lines are its records, this package
reads, coerces and writes whole batches instead, with the same outcome for every row
as the row-by-row path. :func:`columnar_plan` returns the chunks of a file that
qualifies, and any other file is validated row by row.
"""

from __future__ import annotations

from tas_import.coercion import Coercer
from tas_import.columnar.csv_chunks import Chunk, CsvChunks, plan_chunks
from tas_import.columnar.dry_run import ColumnarDryRun
from tas_import.reading import RowSource
from tas_import.reading.csv_source import CsvSource
from tas_import.results import RESULT_COLUMNS, ResultsWriter

__all__ = ["Chunk", "ColumnarDryRun", "CsvChunks", "columnar_plan"]


def columnar_plan(source: RowSource, coercer: Coercer, writer: ResultsWriter) -> CsvChunks | str:
    """Return the file's rows as chunks, or why this dry-run goes row by row."""
    if not isinstance(source, CsvSource):
        return "not a CSV file"
    if writer.format != "csv":
        return "the results file is not CSV"
    if tuple(column.header for column in source.columns[-len(RESULT_COLUMNS):]) == RESULT_COLUMNS:
        return "the file is a results file of an earlier run"
    if not coercer.key_sources:
        return "the mapping has no key"
    if any(name is None for name, _cell in coercer.key_sources):
        return "a key column is not read by a variable"
    return plan_chunks(source)
