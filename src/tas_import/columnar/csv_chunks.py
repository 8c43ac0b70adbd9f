"""Read the data rows of a regular CSV file in column batches, for the columnar dry-run.

:class:`CsvSource` reads records one by one through the csv module, which is exact but
costs a Python object per row. A file whose lines are its records can be cut at line
ends and parsed by polars instead. :func:`plan_chunks` checks that up front, so the
columnar path never has to give up half-way. The file must have no quote character, so
that no record spans two lines and no cell contains a delimiter. It must have CR only as
part of CRLF. A row's number is then its line.

A chunk whose lines do not all have the header's width, or that has an empty line, is
parsed again by the csv module, which keeps the exact rules of :class:`CsvSource` for
short, long and empty rows.
"""

from __future__ import annotations

import codecs
import csv
import io
import logging
from collections.abc import Iterator
from dataclasses import dataclass, field

import polars as pl

from tas_import.reading.csv_source import (
    CsvSource,
    extra_cells_error,
    is_blank,
    without_trailing_blanks,
)

logger = logging.getLogger(__name__)

CHUNK_BYTES = 4 << 20

# A cell that str.isspace() calls blank: Unicode White_Space and U+001C..U+001F, or "".
_BLANK = r"^[\s\x1c-\x1f]*$"

# Encodings in which every ASCII character, and so every delimiter and line end, is the
# single byte it is in ASCII, and no other character contains such a byte.
_ASCII_COMPATIBLE = ("utf-8", "ascii", "cp125", "iso8859-", "latin-1", "mac-")


@dataclass
class Chunk:
    """Consecutive data rows: one String column per source column, "" for an empty cell."""

    frame: pl.DataFrame
    numbers: list[int]
    notes: dict[int, str] = field(default_factory=dict)
    """Index in the chunk -> note for a row shorter than the header."""
    errors: dict[int, str] = field(default_factory=dict)
    """Index in the chunk -> error of a row with extra non-empty cells."""
    extras: dict[int, tuple[str | None, ...]] = field(default_factory=dict)
    """Index in the chunk -> the extra cells of such a row, as ``SourceRow.extra``."""


@dataclass(frozen=True)
class CsvChunks:
    """The data rows of a checked CSV file, iterated as :class:`Chunk` objects."""

    source: CsvSource
    data_offset: int
    first_line: int

    def __iter__(self) -> Iterator[Chunk]:
        for block, line, lines in self._blocks():
            chunk = self._parse(block, line, lines)
            if chunk.numbers:
                yield chunk

    def _blocks(self) -> Iterator[tuple[bytes, int, int]]:
        """Yield blocks of whole lines, with the number of the first line and their count."""
        line = self.first_line
        with self.source.path.open("rb") as stream:
            stream.seek(self.data_offset)
            while block := stream.read(CHUNK_BYTES):
                if not block.endswith(b"\n"):
                    block += stream.readline()
                lines = block.count(b"\n") + (0 if block.endswith(b"\n") else 1)
                yield block, line, lines
                line += lines

    def _parse(self, block: bytes, first_line: int, lines: int) -> Chunk:
        data = self._utf8(block)
        width = self.source.width
        delimiter = self.source.delimiter or ","
        names = [f"c{index}" for index in range(width)]
        try:
            frame = pl.read_csv(
                data, has_header=False, separator=delimiter, quote_char=None,
                schema=dict.fromkeys(names, pl.String), empty_string_is_null=False,
            )
        except pl.exceptions.PolarsError:
            frame = None  # a row with more cells than the header
        # Without quotes, a line has width - 1 delimiters exactly when no line is short:
        # a longer line would have failed above.
        if frame is None or frame.height != lines or (
            block.count(delimiter.encode("ascii")) != lines * (width - 1)
        ):
            return self._parse_by_records(data, first_line)

        numbers = pl.int_range(first_line, first_line + lines, eager=True)
        # Rows of empty or blank cells are skipped, as CsvSource skips them. Only a row
        # whose first cell is blank can be one, so the other cells are checked only then.
        if frame.get_column(names[0]).str.contains(_BLANK).any():
            empty = frame.select(pl.all_horizontal(pl.all().str.contains(_BLANK))).to_series()
            frame, numbers = frame.filter(~empty), numbers.filter(~empty)
        return Chunk(self._columns(frame), numbers.to_list())

    def _parse_by_records(self, data: bytes, first_line: int) -> Chunk:
        """Parse with the csv module, keeping the notes and errors of irregular rows."""
        source = self.source
        width = source.width
        rows: list[list[str]] = []
        numbers: list[int] = []
        notes: dict[int, str] = {}
        errors: dict[int, str] = {}
        extras: dict[int, tuple[str | None, ...]] = {}
        reader = csv.reader(io.StringIO(data.decode("utf-8"), newline=""),
                            delimiter=source.delimiter or ",")
        for offset, record in enumerate(reader):
            if is_blank(record):
                continue
            index = len(rows)
            if len(record) > width:
                extra = [value or None for value in record[width:]]
                error = extra_cells_error(extra, width)
                if error is not None:
                    errors[index] = error
                    extras[index] = tuple(without_trailing_blanks(extra))
                record = record[:width]
            elif len(record) < width:
                notes[index] = source.missing_cells_note(len(record))
                record = record + [""] * (width - len(record))
            rows.append(record)
            numbers.append(first_line + offset)
        names = [f"c{index}" for index in range(width)]
        frame = pl.DataFrame(rows, schema=dict.fromkeys(names, pl.String), orient="row")
        return Chunk(self._columns(frame), numbers, notes, errors, extras)

    def _columns(self, frame: pl.DataFrame) -> pl.DataFrame:
        """Keep the source's columns, named by their keys in ``SourceRow.cells``."""
        return frame.select(
            pl.col(f"c{column.index}").alias(column.key) for column in self.source.columns
        )

    def _utf8(self, block: bytes) -> bytes:
        encoding = codecs.lookup(self.source.encoding or "utf-8").name
        if encoding in ("utf-8", "utf-8-sig", "ascii"):
            return block
        # CsvSource decoded the whole file already. These encodings have one byte per
        # character, so a block cut at a line end decodes as well.
        return block.decode(encoding).encode("utf-8")


def plan_chunks(source: CsvSource) -> CsvChunks | str:
    """Return the file's data rows as chunks, or why the file needs the row-by-row reader."""
    encoding = codecs.lookup(source.encoding or "utf-8").name
    if not encoding.startswith(_ASCII_COMPATIBLE):
        return f"encoding {encoding} is not ASCII-compatible"
    delimiter = source.delimiter or ","
    if len(delimiter) != 1 or not delimiter.isascii() or delimiter in "\"\r\n":
        return f"delimiter {delimiter!r}"
    # A NUL byte needs no check: CsvSource has rejected such a file already. Empty lines
    # need none either: a chunk with one is parsed by the csv module.
    if source.byte_scan.has_quote:
        return "the file has quoted cells"
    if source.byte_scan.has_lone_cr:
        return "the file has a line end other than LF or CRLF"

    with source.path.open("rb") as stream:
        for _line in range(source.header_line):
            if not stream.readline().endswith(b"\n"):
                return "no line end after the header"
        return CsvChunks(source, stream.tell(), source.header_line + 1)
