"""Batch writing of the results (CSV and XLSX) gives the same file as writing row by row."""

from __future__ import annotations

import datetime as dt
import zipfile
from decimal import Decimal
from pathlib import Path

import pytest

from tas_import.results import ResultsWriter, RunInfo
from tas_import.rows import RowResult, Status

HEADERS = ["Jméno", "Částka", "Datum"]

ROWS = [
    (["Jana", "1 234,50", "31.12.2026"], RowResult(2, Status.VALID)),
    (["=HYPERLINK(1)", "-5", None], RowResult(3, Status.INVALID, "Částka: '-5' is negative")),
    (["Eva", 12.0, dt.date(2026, 1, 31)], RowResult(4, Status.CREATED, "", "00601")),
    ([None, Decimal("1.50"), True], RowResult(5, Status.FAILED, "@server error")),
]


def written(path: Path, info: RunInfo, *, batch: bool) -> bytes:
    with ResultsWriter(path, HEADERS, info, delimiter=";") as writer:
        if batch:
            writer.write_many([cells for cells, _result in ROWS], [row[1] for row in ROWS])
        else:
            for cells, result in ROWS:
                writer.write(cells, result)
        writer.close()
    return path.read_bytes()


def test_write_many_same_bytes(tmp_path: Path, info: RunInfo) -> None:
    one_by_one = written(tmp_path / "single.results.csv", info, batch=False)
    batched = written(tmp_path / "batch.results.csv", info, batch=True)
    assert batched == one_by_one


def test_write_many_counts(tmp_path: Path, info: RunInfo) -> None:
    with ResultsWriter(tmp_path / "r.csv", HEADERS, info) as writer:
        writer.write_many([cells for cells, _result in ROWS], [row[1] for row in ROWS])
        assert writer.counts[Status.VALID] == 1
        assert writer.most_common_reasons() == [
            ("Částka: '-5' is negative", 1), ("@server error", 1)
        ]


XLSX_HEADERS = ["Jméno", "Částka", "Datum", "Poznámka", "Směna"]

# Columns of one type each (plain text, numbers, dates) take the batch path; the last two
# mix types or need the formula guard and are written cell by cell.
XLSX_ROWS = [
    (["Jana", 1234.5, dt.date(2026, 12, 31), "=HYPERLINK(1)", dt.time(8, 30)],
     RowResult(2, Status.VALID)),
    (["Dlouhé příjmení s diakritikou", -5, None, "", True],
     RowResult(3, Status.INVALID, "Částka: '-5' is negative")),
    ([None, 0, dt.date(2026, 1, 31), "řádek 1\nřádek 2", dt.datetime(2026, 1, 31, 9)],
     RowResult(4, Status.CREATED, "", "00601")),
    (["", 10**15, dt.date(2026, 2, 1), None, Decimal("1.50")],
     RowResult(5, Status.FAILED, "@server error", "601")),
]


def xlsx_parts(path: Path, info: RunInfo, *, batch: bool) -> dict[str, bytes]:
    """Write XLSX_ROWS and return the parts of the workbook that hold cells and styles."""
    with ResultsWriter(path, XLSX_HEADERS, info) as writer:
        if batch:
            writer.write_many([cells for cells, _result in XLSX_ROWS],
                              [row[1] for row in XLSX_ROWS])
        else:
            for cells, result in XLSX_ROWS:
                writer.write(cells, result)
        writer.close(dt.datetime(2026, 3, 2, 9, 0, tzinfo=dt.timezone.utc))
    with zipfile.ZipFile(path) as package:
        return {name: package.read(name) for name in package.namelist()
                if name.startswith(("xl/worksheets/", "xl/styles"))}


def test_write_many_same_xlsx(tmp_path: Path, info: RunInfo) -> None:
    one_by_one = xlsx_parts(tmp_path / "single.results.xlsx", info, batch=False)
    batched = xlsx_parts(tmp_path / "batch.results.xlsx", info, batch=True)
    assert batched == one_by_one


def test_write_many_xlsx_two_batches(tmp_path: Path, info: RunInfo) -> None:
    one_by_one = xlsx_parts(tmp_path / "single.results.xlsx", info, batch=False)
    path = tmp_path / "batches.results.xlsx"
    with ResultsWriter(path, XLSX_HEADERS, info) as writer:
        for part in (XLSX_ROWS[:1], XLSX_ROWS[1:]):
            writer.write_many([cells for cells, _result in part], [row[1] for row in part])
        writer.close(dt.datetime(2026, 3, 2, 9, 0, tzinfo=dt.timezone.utc))
    with zipfile.ZipFile(path) as package:
        sheet = package.read("xl/worksheets/sheet1.xml")
    assert sheet == one_by_one["xl/worksheets/sheet1.xml"]


def overflowed(path: Path, info: RunInfo, *, batch: bool) -> bytes:
    with ResultsWriter(path, XLSX_HEADERS, info, delimiter=";") as writer:
        if batch:
            writer.write_many([cells for cells, _result in XLSX_ROWS],
                              [row[1] for row in XLSX_ROWS])
        else:
            for cells, result in XLSX_ROWS:
                writer.write(cells, result)
        return writer.close().read_bytes()


def test_write_many_xlsx_overflow(
    tmp_path: Path, info: RunInfo, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(ResultsWriter, "max_xlsx_rows", 3)  # the header and 2 data rows
    one_by_one = overflowed(tmp_path / "single.results.xlsx", info, batch=False)
    batched = overflowed(tmp_path / "batch.results.xlsx", info, batch=True)
    assert batched.count(b"\r\n") == 5  # the header and 4 rows
    assert batched == one_by_one
