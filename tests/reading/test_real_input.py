"""The real-world sample files: each reads correctly or fails with a fix to apply."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from tas_import.errors import InputFileError
from tas_import.reading import ReadOptions, open_source


def read(path: Path, options: ReadOptions | None = None) -> tuple[list[str], list]:
    with open_source(path, options) as source:
        return [column.header for column in source.columns], list(source)


def test_hr_dataset(real_input: Path) -> None:
    headers, rows = read(real_input / "hr_dataset_v14.csv")
    assert headers[0] == "Employee_Name"
    assert len(rows) == 311
    assert rows[0].cells["Zip"] == "01960"
    assert rows[0].cells["Employee_Name"] == "Adinolfi, Wilson  K"
    assert rows[0].cells["EmpID"] is None


def test_employee_sample(real_input: Path) -> None:
    headers, rows = read(real_input / "employee_sample_data.xlsx")
    assert len(rows) == 1000
    assert "Column O" not in headers
    assert rows[0].cells["EEID"] == "E03972"
    assert rows[0].cells["Hire Date"] == dt.date(1994, 9, 15)


@pytest.mark.parametrize(
    ("name", "last_cell"),
    [
        ("csvkit_test_utf8_bom.csv", ("baz", "ʤ")),
        ("csvkit_test_utf16_little.csv", ("c", "ʤ")),
        ("csvkit_test_latin1.csv", ("c", "©")),
    ],
)
def test_csvkit_encodings(real_input: Path, name: str, last_cell: tuple[str, str]) -> None:
    _headers, rows = read(real_input / name)
    assert rows[-1].cells[last_cell[0]] == last_cell[1]


def test_csvkit_locale_and_zeros(real_input: Path) -> None:
    _headers, rows = read(real_input / "csvkit_test_locale.csv")
    assert rows[0].cells == {"a": "1,7", "b": "200.000.000", "c": None}
    _headers, rows = read(real_input / "csvkit_test_no_leading_zeroes.csv")
    assert rows[0].cells["a"] == "01"


def test_csvkit_skip_lines_xlsx(real_input: Path) -> None:
    headers, rows = read(real_input / "csvkit_test_skip_lines.xlsx")
    assert headers[0] == "text"
    assert rows[0].number == 5
    assert rows[0].cells["date"] == dt.date(1971, 1, 1)


def test_frictionless_blank_rows(real_input: Path) -> None:
    _headers, rows = read(real_input / "frictionless_blank-rows.csv")
    assert [row.number for row in rows] == [2, 3]


def test_frictionless_text_ids(real_input: Path) -> None:
    _headers, rows = read(real_input / "frictionless_cast-int-to-string-issue-1251.xlsx")
    assert rows[0].cells["A"] == "001"


@pytest.mark.parametrize(
    "name",
    ["frictionless_merged-cells.xlsx", "frictionless_multiline-headers.xlsx",
     "frictionless_skip-rows.xlsx"],
)
def test_frictionless_merged_headers_explained(real_input: Path, name: str) -> None:
    with pytest.raises(InputFileError, match="merged cells") as caught:
        open_source(real_input / name)
    assert "--header-row" in (caught.value.hint or "")


def test_frictionless_skip_rows_with_header_row(real_input: Path) -> None:
    headers, rows = read(real_input / "frictionless_skip-rows.xlsx", ReadOptions(header_row=2))
    assert headers == ["A", "B"]
    assert rows[0].cells == {"A": 8, "B": 9}
