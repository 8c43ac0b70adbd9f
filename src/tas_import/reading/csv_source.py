"""Stream CSV, TSV and TXT files row by row in constant memory."""

from __future__ import annotations

import csv
import io
import logging
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import IO, TypeVar, cast

from tas_import.errors import InputFileError
from tas_import.i18n import _
from tas_import.reading.encoding import check_decodes, choose_encoding, encoding_doubt
from tas_import.reading.headers import build_columns, header_text
from tas_import.reading.model import Column, ReadOptions
from tas_import.rows import CellValue, SourceRow

_Cell = TypeVar("_Cell")

logger = logging.getLogger(__name__)

CANDIDATE_DELIMITERS = (";", ",", "\t", "|")
_SNIFF_SIZE = 1 << 16
_SNIFF_RECORDS = 200


class CsvSource:
    """A delimited text file as a row source; iterate it once inside ``with``."""

    format = "csv"

    def __init__(self, path: Path, options: ReadOptions) -> None:
        self.path = path
        self.encoding: str | None = choose_encoding(path, options.encoding)
        self.encoding_notice: str | None = None
        if options.encoding:
            self.encoding_notice = encoding_doubt(path, self.encoding)
        self.byte_scan = check_decodes(path, self.encoding)
        self.delimiter: str | None = options.delimiter or sniff_delimiter(path, self.encoding)
        logger.info("reading %s as CSV: encoding %s, delimiter %r",
                    path, self.encoding, self.delimiter)

        self._stream = self._open()
        self._reader = csv.reader(self._stream, delimiter=self.delimiter)
        self._last_line = 0
        try:
            self.header_line, headers = self._read_header(options.header_row)
            self.width = len(headers)
            self.columns: list[Column] = build_columns(headers, 0, self._columns_with_data)
            self._first_record = self._peek_first_record()
        except BaseException:
            self._stream.close()
            raise

    def __enter__(self) -> CsvSource:
        return self

    def __exit__(self, *exc: object) -> None:
        self._stream.close()

    def __iter__(self) -> Iterator[SourceRow]:
        keys = [column.key for column in self.columns]
        positions = [column.index for column in self.columns]
        contiguous = positions == list(range(self.width))
        width = self.width
        reader = self._reader

        line, record = self._first_record
        try:
            while True:
                # Hot loop, kept flat for speed: "" becomes None (the one notion of an
                # empty cell in every format) only in records that have empty cells.
                values = cast("list[str | None]", record)  # the reader builds a new list per record
                if "" in record:
                    values = [value or None for value in record]

                error = note = None
                extra: tuple[str | None, ...] = ()
                if len(values) > width:
                    error = extra_cells_error(values[width:], width)
                    if error is not None:
                        extra = tuple(without_trailing_blanks(values[width:]))
                elif len(values) < width:
                    note = self.missing_cells_note(len(values))
                    values.extend([None] * (width - len(values)))
                if not contiguous:
                    values = [values[position] for position in positions]
                yield SourceRow(line, dict(zip(keys, values, strict=False)), error, note, extra)

                record = []
                while is_blank(record):  # rows of empty cells are skipped, as in Excel
                    line = self._last_line + 1
                    record = next(reader)
                    self._last_line = reader.line_num
        except StopIteration:
            pass
        except csv.Error as error:
            raise self._structure_error(self._last_line + 1, error) from None
        finally:
            self._stream.close()

    def _peek_first_record(self) -> tuple[int, list[str]]:
        for line, record in self._records():
            if not is_blank(record):
                return line, record
        raise InputFileError(
            _("{file} has a header row (line {line}) but no data rows",
              file=self.path.name, line=self.header_line),
            path=self.path,
            row=self.header_line,
            hint=_("Add rows below the header, or check that this is the file you meant."),
        )

    def _open(self) -> IO[str]:
        assert self.encoding is not None
        raw = self.path.open("rb")
        return io.TextIOWrapper(raw, encoding=self.encoding, newline="", errors="strict")

    def _records(self) -> Iterator[tuple[int, list[str]]]:
        """Yield each record with the line number of its first physical line."""
        reader = self._reader
        while True:
            start = self._last_line + 1
            try:
                record = next(reader)
            except StopIteration:
                return
            except csv.Error as error:
                raise self._structure_error(start, error) from None
            self._last_line = reader.line_num
            yield start, record

    def _structure_error(self, line: int, error: csv.Error) -> InputFileError:
        return InputFileError(
            _("{file}, line {line}: the CSV structure is broken: {reason}",
              file=self.path.name, line=line, reason=str(error)),
            path=self.path,
            row=line,
            hint=_("Look for a quote (\") that is opened but never closed on or after "
                   "this line."),
        )

    def _read_header(self, header_row: int | None) -> tuple[int, list[str]]:
        for line, record in self._records():
            if header_row is not None and line < header_row:
                continue
            if not any(cell.strip() for cell in record):
                continue  # blank lines above the header
            return line, [header_text(cell) for cell in record]

        if header_row is None:
            message = _("{file} has no header row: every line is empty", file=self.path.name)
        else:
            message = _("{file} has no header row at or after line {line}",
                        file=self.path.name, line=header_row)
        raise InputFileError(message, path=self.path,
                             hint=_("Check that this is the file you meant to import."))

    def _columns_with_data(self, candidates: set[int]) -> set[int]:
        # A second pass over the file, needed only when some header cells are empty; it
        # stops as soon as every such column has shown a value.
        found: set[int] = set()
        with self._open() as stream:
            reader = csv.reader(stream, delimiter=self.delimiter or ",")
            previous_line = 0
            try:
                for record in reader:
                    start, previous_line = previous_line + 1, reader.line_num
                    if start <= self.header_line:
                        continue
                    found.update(i for i in candidates - found
                                 if i < len(record) and record[i].strip())
                    if found == candidates:
                        break
            except csv.Error:
                pass  # reported with its line when the rows are read
        return found

    def missing_cells_note(self, count: int) -> str:
        return _(
            "the row has fewer cells than the header, {count} instead of {width}: a value may "
            "be missing, so the later values may have moved to the left",
            count=count, width=self.width,
        )


def extra_cells_error(extra: list[CellValue], width: int) -> str | None:
    """Return the error of a row with ``extra`` cells beyond a header of ``width`` columns.

    Trailing empty cells, e.g. a separator at the end of the line, do not count.
    """
    extra = without_trailing_blanks(extra)
    if not extra:
        return None
    values = ", ".join(f"'{value}'" for value in extra if value is not None)
    return _("the row has more cells than the header, {count} instead of {width}; the "
             "extra values are: {values}",
             count=width + len(extra), width=width, values=values)


def without_trailing_blanks(cells: list[_Cell]) -> list[_Cell]:
    """Return ``cells`` without the empty or blank cells at their end."""
    end = len(cells)
    while end and _is_blank_cell(cells[end - 1]):
        end -= 1
    return cells[:end]


def _is_blank_cell(value: CellValue) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def is_blank(cells: Sequence[CellValue]) -> bool:
    """Tell whether every cell of a row is empty or only spaces; stops at another cell."""
    return all(map(_is_blank_cell, cells))


def sniff_delimiter(path: Path, encoding: str) -> str:
    """Return the candidate delimiter that splits the file's first records most evenly.

    A candidate scores by the share of records that have as many cells as the first
    record, then by that count; a delimiter that leaves one cell per record never wins.
    This keeps ";" for Czech files whose values contain decimal commas ("1 234,50").
    """
    with path.open("rb") as raw, io.TextIOWrapper(
        raw, encoding=encoding, newline="", errors="replace"
    ) as stream:
        sample = stream.read(_SNIFF_SIZE)
        truncated = bool(stream.read(1))

    best = ","
    best_score = (0.0, 1)
    for delimiter in CANDIDATE_DELIMITERS:
        score = _delimiter_score(sample, delimiter, truncated)
        if score[1] > 1 and score > best_score:
            best, best_score = delimiter, score
    return best


def _delimiter_score(sample: str, delimiter: str, truncated: bool) -> tuple[float, int]:
    try:
        records = [record for record in csv.reader(io.StringIO(sample), delimiter=delimiter)
                   if any(record)]
    except csv.Error:
        return (0.0, 0)
    if truncated and len(records) > 1:
        records.pop()  # the sample may end in the middle of a record
    records = records[:_SNIFF_RECORDS]
    if not records:
        return (0.0, 0)

    width = len(records[0])
    matching = sum(1 for record in records if len(record) == width)
    return (matching / len(records), width)
