"""The CSV results file, read back with the csv module as Czech Excel would decode it."""

from __future__ import annotations

import csv
import datetime
from pathlib import Path

from tas_import.results import ResultsWriter, RunInfo
from tas_import.rows import RowResult, Status

HEADERS = ["Osobní číslo", "Příjmení", "Mzda", "Poznámka"]


def write_csv(path: Path, info: RunInfo, delimiter: str = ";") -> Path:
    with ResultsWriter(path, HEADERS, info, delimiter=delimiter) as writer:
        writer.write(["1001", "Dvořák", "-1 234,50", "=1+1"], RowResult(2, Status.CREATED,
                                                                      case_id="77"))
        writer.write(["1002", "Šťastná", -5, "@SUM(A1)"],
                     RowResult(3, Status.FAILED, "=cmd|' /C calc'!A0"))
        writer.write(["1003", None, datetime.date(2026, 12, 31), "a;b"],
                     RowResult(5, Status.INVALID, "Mzda: 'x' is not a number"))
        return writer.close()


def read_rows(path: Path, delimiter: str = ";") -> list[list[str]]:
    with path.open(encoding="utf-8-sig", newline="") as csv_file:
        return list(csv.reader(csv_file, delimiter=delimiter))


def test_starts_with_bom(tmp_path: Path, info: RunInfo) -> None:
    path = write_csv(tmp_path / "out.csv", info)
    assert path.read_bytes().startswith(b"\xef\xbb\xbf")


def test_header_with_result_columns(tmp_path: Path, info: RunInfo) -> None:
    rows = read_rows(write_csv(tmp_path / "out.csv", info))
    assert rows[0] == [*HEADERS, "row", "status", "case_id", "message"]


def test_diacritics_intact(tmp_path: Path, info: RunInfo) -> None:
    rows = read_rows(write_csv(tmp_path / "out.csv", info))
    assert rows[2][1] == "Šťastná"


def test_input_delimiter_used(tmp_path: Path, info: RunInfo) -> None:
    path = write_csv(tmp_path / "out.csv", info, delimiter=";")
    assert path.read_text(encoding="utf-8-sig").splitlines()[1].count(";") == 7


def test_delimiter_inside_value_quoted(tmp_path: Path, info: RunInfo) -> None:
    rows = read_rows(write_csv(tmp_path / "out.csv", info))
    assert rows[3][3] == "a;b"


def test_tab_delimiter(tmp_path: Path, info: RunInfo) -> None:
    rows = read_rows(write_csv(tmp_path / "out.csv", info, delimiter="\t"), delimiter="\t")
    assert rows[1][:2] == ["1001", "Dvořák"]


def test_formula_cell_quoted(tmp_path: Path, info: RunInfo) -> None:
    rows = read_rows(write_csv(tmp_path / "out.csv", info))
    assert rows[1][3] == "'=1+1"


def test_at_sign_cell_quoted(tmp_path: Path, info: RunInfo) -> None:
    rows = read_rows(write_csv(tmp_path / "out.csv", info))
    assert rows[2][3] == "'@SUM(A1)"


def test_server_message_quoted(tmp_path: Path, info: RunInfo) -> None:
    rows = read_rows(write_csv(tmp_path / "out.csv", info))
    assert rows[2][7] == "'=cmd|' /C calc'!A0"


def test_negative_number_not_quoted(tmp_path: Path, info: RunInfo) -> None:
    rows = read_rows(write_csv(tmp_path / "out.csv", info))
    assert rows[2][2] == "-5"


def test_negative_text_number_not_quoted(tmp_path: Path, info: RunInfo) -> None:
    rows = read_rows(write_csv(tmp_path / "out.csv", info))
    assert rows[1][2] == "-1 234,50"


def test_date_written_iso(tmp_path: Path, info: RunInfo) -> None:
    rows = read_rows(write_csv(tmp_path / "out.csv", info))
    assert rows[3][2] == "2026-12-31"


def test_empty_cell_empty(tmp_path: Path, info: RunInfo) -> None:
    rows = read_rows(write_csv(tmp_path / "out.csv", info))
    assert rows[3][1] == ""


def test_outcome_columns(tmp_path: Path, info: RunInfo) -> None:
    rows = read_rows(write_csv(tmp_path / "out.csv", info))
    assert rows[1][4:] == ["2", "created", "77", ""]


def test_crlf_line_endings(tmp_path: Path, info: RunInfo) -> None:
    path = write_csv(tmp_path / "out.csv", info)
    assert path.read_bytes().count(b"\r\n") == 4
