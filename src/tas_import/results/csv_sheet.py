"""The CSV results file: UTF-8 with BOM, so that Czech Excel shows diacritics correctly."""

from __future__ import annotations

import csv
import logging
from collections.abc import Sequence
from pathlib import Path

from tas_import.results.cells import csv_text
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

    def close(self) -> None:
        self._file.close()
        logger.debug("wrote %d result rows to %s", self.rows_written, self.path)
