"""Paths, the feed-back loop, the XLSX row limit and error handling of the results writer."""

from __future__ import annotations

import csv
import datetime
from pathlib import Path

import openpyxl
import pytest

from tas_import.errors import UsageError
from tas_import.results import ResultsWriter, RunInfo, default_results_path
from tas_import.rows import RowResult, Status


@pytest.mark.parametrize(
    ("name", "input_format", "expected"),
    [
        ("nastupy.xlsx", "xlsx", "nastupy.results.xlsx"),
        ("nastupy.xls", "xls", "nastupy.results.xlsx"),
        ("nastupy.ods", "ods", "nastupy.results.xlsx"),
        ("nastupy.csv", "csv", "nastupy.results.csv"),
        ("nastupy.tsv", "tsv", "nastupy.results.csv"),
        ("nastupy.results.xlsx", "xlsx", "nastupy.results.results.xlsx"),
    ],
)
def test_default_results_path(name: str, input_format: str, expected: str) -> None:
    path = default_results_path(Path("/data") / name, input_format=input_format)
    assert path == Path("/data") / expected


def test_unsupported_suffix_rejected(tmp_path: Path, info: RunInfo) -> None:
    with pytest.raises(UsageError, match=r"unsupported extension '\.ods'"):
        ResultsWriter(tmp_path / "out.ods", ["A"], info)


def test_input_path_rejected(info: RunInfo) -> None:
    with pytest.raises(UsageError, match="is the input file itself"):
        ResultsWriter(info.input_path.with_suffix(".xlsx"), ["A"], info)


def test_missing_folder_rejected(tmp_path: Path, info: RunInfo) -> None:
    with pytest.raises(UsageError, match="does not exist"):
        ResultsWriter(tmp_path / "missing" / "out.xlsx", ["A"], info)


def test_upper_case_suffix_accepted(tmp_path: Path, info: RunInfo) -> None:
    with ResultsWriter(tmp_path / "OUT.CSV", ["A"], info) as writer:
        writer.write(["x"], RowResult(2, Status.CREATED))
    assert (tmp_path / "OUT.CSV").read_text(encoding="utf-8-sig").startswith("A,row")


def test_existing_results_replaced(tmp_path: Path, info: RunInfo) -> None:
    path = tmp_path / "out.csv"
    path.write_text("old", encoding="utf-8")
    with ResultsWriter(path, ["A"], info) as writer:
        writer.write(["x"], RowResult(2, Status.CREATED))
    assert "old" not in path.read_text(encoding="utf-8-sig")


def test_exception_keeps_written_rows(tmp_path: Path, info: RunInfo) -> None:
    path = tmp_path / "out.xlsx"
    with pytest.raises(KeyError), ResultsWriter(path, ["A"], info) as writer:
        writer.write(["x"], RowResult(2, Status.CREATED))
        raise KeyError("delivery broke")
    assert openpyxl.load_workbook(path).worksheets[0]["B2"].value == 2


def test_close_twice_returns_same_path(tmp_path: Path, info: RunInfo) -> None:
    writer = ResultsWriter(tmp_path / "out.xlsx", ["A"], info)
    assert writer.close() == writer.close()


def test_write_after_close_raises(tmp_path: Path, info: RunInfo) -> None:
    writer = ResultsWriter(tmp_path / "out.xlsx", ["A"], info)
    writer.close()
    with pytest.raises(RuntimeError):
        writer.write(["x"], RowResult(2, Status.CREATED))


def test_empty_run_writes_header_only(tmp_path: Path, info: RunInfo) -> None:
    path = ResultsWriter(tmp_path / "out.xlsx", ["A"], info).close()
    sheet = openpyxl.load_workbook(path).worksheets[0]
    assert sheet.max_row == 1


def test_results_sheet_reimport_keeps_shape(tmp_path: Path, info: RunInfo) -> None:
    """A results sheet used as the next input gets its result columns replaced, not doubled."""
    first = tmp_path / "first.results.xlsx"
    with ResultsWriter(first, ["Jméno", "Mzda"], info) as writer:
        writer.write(["Jana", "x"], RowResult(2, Status.INVALID, "Mzda: 'x' is not a number"))

    sheet = openpyxl.load_workbook(first).worksheets[0]
    headers = [str(cell.value) for cell in sheet[1]]
    fixed_cells = [cell.value for cell in sheet[2]]
    fixed_cells[1] = "42000"

    second = tmp_path / "second.results.xlsx"
    with ResultsWriter(second, headers, info) as writer:
        writer.write(fixed_cells, RowResult(2, Status.CREATED, case_id="9"))

    rows = list(openpyxl.load_workbook(second).worksheets[0].iter_rows(values_only=True))
    assert rows == [("Jméno", "Mzda", "row", "status", "case_id", "message"),
                    ("Jana", "42000", 2, "created", 9, None)]


def test_status_column_of_input_kept(tmp_path: Path, info: RunInfo) -> None:
    """An input's own "status" column is data, unless all four result columns end the header."""
    path = tmp_path / "out.csv"
    with ResultsWriter(path, ["Jméno", "status"], info) as writer:
        writer.write(["Jana", "zaměstnán"], RowResult(2, Status.CREATED))
    header = path.read_text(encoding="utf-8-sig").splitlines()[0]
    assert header == "Jméno,status,row,status,case_id,message"


@pytest.fixture
def small_limit(monkeypatch: pytest.MonkeyPatch) -> int:
    """Limit the XLSX sheet to 4 rows: the header and 3 data rows."""
    monkeypatch.setattr(ResultsWriter, "max_xlsx_rows", 4)
    return 4


def write_overflowing(tmp_path: Path, info: RunInfo, rows: int) -> ResultsWriter:
    writer = ResultsWriter(tmp_path / "big.results.xlsx", ["Jméno", "Datum", "Částka"], info,
                           delimiter=";")
    for number in range(2, rows + 2):
        writer.write([f"=jméno {number}", datetime.date(2026, 1, number), -number],
                     RowResult(number, Status.CREATED, case_id=str(number * 10)))
    return writer


def test_overflow_switches_to_csv(tmp_path: Path, info: RunInfo, small_limit: int) -> None:
    writer = write_overflowing(tmp_path, info, rows=5)
    assert writer.close() == tmp_path / "big.results.csv"


def test_overflow_copies_every_row(tmp_path: Path, info: RunInfo, small_limit: int) -> None:
    path = write_overflowing(tmp_path, info, rows=5).close()
    with path.open(encoding="utf-8-sig", newline="") as csv_file:
        rows = list(csv.reader(csv_file, delimiter=";"))
    assert rows[1:] == [
        [f"'=jméno {n}", f"2026-01-0{n}", f"-{n}", str(n), "created", str(n * 10), ""]
        for n in range(2, 7)
    ]


def test_overflow_leaves_no_xlsx(tmp_path: Path, info: RunInfo, small_limit: int) -> None:
    write_overflowing(tmp_path, info, rows=5).close()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["big.results.csv", "nastupy.xlsx"]


def test_overflow_sets_notice(tmp_path: Path, info: RunInfo, small_limit: int) -> None:
    writer = write_overflowing(tmp_path, info, rows=4)
    writer.close()
    assert writer.notice is not None and "big.results.csv" in writer.notice


def test_exact_limit_stays_xlsx(tmp_path: Path, info: RunInfo, small_limit: int) -> None:
    writer = write_overflowing(tmp_path, info, rows=3)
    assert writer.close().suffix == ".xlsx"


def test_existing_results_kept_as_previous(tmp_path: Path, info: RunInfo) -> None:
    path = tmp_path / "people.results.csv"
    path.write_text("fixed by HR\n", encoding="utf-8")

    with ResultsWriter(path, ["a"], info) as writer:
        writer.write(["1"], RowResult(2, Status.VALID))

    previous = tmp_path / "people.results.previous.csv"
    assert previous.read_text(encoding="utf-8") == "fixed by HR\n"
    assert "valid" in path.read_text(encoding="utf-8-sig")
