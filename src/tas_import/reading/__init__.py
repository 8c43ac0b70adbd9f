"""Turn CSV, TSV, TXT, XLSX, XLSM, XLS and ODS files into :class:`SourceRow` records.

``open_source(path, options)`` picks the reader by the file's content, and every reader
offers the same :class:`RowSource` interface, so nothing downstream knows the format.
``resolve_columns`` maps the header names a mapping refers to onto column keys.
"""

from __future__ import annotations

import logging
from pathlib import Path

from tas_import.errors import InputFileError
from tas_import.i18n import _
from tas_import.reading.csv_source import CsvSource
from tas_import.reading.detect import detect_format
from tas_import.reading.headers import normalise_header, resolve_columns
from tas_import.reading.model import (
    Column,
    FormulaWithoutValue,
    ReadOptions,
    RowSource,
    column_letter,
)
from tas_import.reading.sheet_source import SheetSource

logger = logging.getLogger(__name__)

__all__ = [
    "Column",
    "CsvSource",
    "FormulaWithoutValue",
    "ReadOptions",
    "RowSource",
    "SheetSource",
    "column_letter",
    "normalise_header",
    "open_source",
    "resolve_columns",
]


def open_source(path: Path, options: ReadOptions | None = None) -> RowSource:
    """Open a spreadsheet by its content and read its header row.

    Raises :class:`InputFileError` (a one-line message naming the file and, where it
    applies, the line or row, with a hint) for anything that cannot be read, including a
    file with a header and no data rows.
    """
    options = options or ReadOptions()
    if path.suffix.lower() in (".yaml", ".yml"):
        raise InputFileError(
            _("{file} is a YAML file, not a spreadsheet", file=path.name),
            path=path,
            hint=_("Give the spreadsheet first and the mapping after --mapping: "
                   "tas-import FILE --mapping MAPPING.yaml"),
        )
    file_format = detect_format(path)

    if file_format == "csv":
        return CsvSource(path, options)
    return SheetSource(path, file_format, options)
