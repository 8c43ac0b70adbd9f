"""XLSX, XLS and ODS reading: native types, formulas, headers, damaged files."""

from __future__ import annotations

import datetime as dt
import zipfile
from pathlib import Path

import openpyxl
import pytest
import xlsxwriter

from tas_import.errors import InputFileError
from tas_import.reading import FormulaWithoutValue, ReadOptions, open_source

DATA = Path(__file__).parent / "data"


def rows_of(path: Path, options: ReadOptions | None = None) -> list:
    with open_source(path, options) as source:
        return list(source)


def test_native_types_and_text(tmp_path: Path) -> None:
    path = tmp_path / "types.xlsx"
    workbook = xlsxwriter.Workbook(path)
    sheet = workbook.add_worksheet()
    sheet.write_row(0, 0, ["date", "datetime", "time", "code", "zip", "n", "x", "ok"])
    sheet.write_datetime(1, 0, dt.datetime(2026, 12, 31), workbook.add_format(
        {"num_format": "d/m/yyyy"}))
    sheet.write_datetime(1, 1, dt.datetime(2026, 12, 31, 8, 30), workbook.add_format(
        {"num_format": "d/m/yyyy h:mm"}))
    sheet.write_datetime(1, 2, dt.datetime(1899, 12, 31, 8, 30), workbook.add_format(
        {"num_format": "h:mm"}))
    sheet.write_string(1, 3, "02")
    sheet.write_string(1, 4, "00601")
    sheet.write_number(1, 5, 42)
    sheet.write_number(1, 6, 0.75)
    sheet.write_boolean(1, 7, True)
    workbook.close()

    cells = rows_of(path)[0].cells
    assert cells["date"] == dt.date(2026, 12, 31)
    assert cells["datetime"] == dt.datetime(2026, 12, 31, 8, 30)
    assert cells["time"] == dt.time(8, 30)
    assert cells["code"] == "02"
    assert cells["zip"] == "00601"
    assert cells["n"] == 42
    assert type(cells["n"]) is int
    assert cells["x"] == 0.75
    assert cells["ok"] is True


def test_formula_cached_and_missing(tmp_path: Path) -> None:
    cached = tmp_path / "cached.xlsx"
    workbook = xlsxwriter.Workbook(cached)
    sheet = workbook.add_worksheet()
    sheet.write_column(0, 0, ["n", 1, 2, 3])
    sheet.write(0, 1, "sum")
    sheet.write_formula(1, 1, "=SUM(A2:A4)", None, 6)
    workbook.close()
    assert rows_of(cached)[0].cells["sum"] == 6

    missing = tmp_path / "missing.xlsx"
    book = openpyxl.Workbook()
    book.active.append(["n", "sum"])
    book.active.append([1, "=SUM(A1:A3)"])
    book.save(missing)
    assert rows_of(missing)[0].cells["sum"] == FormulaWithoutValue("SUM(A1:A3)")


def test_formula_error_marked(tmp_path: Path) -> None:
    path = tmp_path / "div.xlsx"
    workbook = xlsxwriter.Workbook(path)
    sheet = workbook.add_worksheet()
    sheet.write_row(0, 0, ["a", "b"])
    sheet.write_formula(1, 0, "=1/0", None, "#DIV/0!")
    sheet.write(1, 1, "x")
    workbook.close()
    assert rows_of(path)[0].cells["a"] == FormulaWithoutValue("1/0", "#DIV/0!")


def test_dimension_claiming_million_rows(tmp_path: Path) -> None:
    source = tmp_path / "small.xlsx"
    book = openpyxl.Workbook()
    book.active.append(["a"])
    book.active.append(["x"])
    book.active.append(["y"])
    book.save(source)
    path = tmp_path / "claim.xlsx"
    with zipfile.ZipFile(source) as original, zipfile.ZipFile(path, "w") as copy:
        for item in original.infolist():
            data = original.read(item.filename)
            if item.filename == "xl/worksheets/sheet1.xml":
                data = data.replace(b'<dimension ref="A1:A3"', b'<dimension ref="A1:Z1048575"')
            copy.writestr(item, data)
    assert [row.number for row in rows_of(path)] == [2, 3]


def test_blank_rows_above_header_and_inside(tmp_path: Path) -> None:
    path = tmp_path / "blank.xlsx"
    workbook = xlsxwriter.Workbook(path)
    sheet = workbook.add_worksheet()
    sheet.write_row(2, 1, ["a", "b"])
    sheet.write_row(3, 1, [1, 2])
    sheet.write_row(5, 1, [3, 4])
    workbook.close()
    with open_source(path) as source:
        assert [column.letter for column in source.columns] == ["B", "C"]
        assert [row.number for row in source] == [4, 6]


def test_header_cells_cleaned(tmp_path: Path) -> None:
    path = tmp_path / "headers.xlsx"
    workbook = xlsxwriter.Workbook(path)
    sheet = workbook.add_worksheet()
    sheet.write_row(0, 0, ["\ufeff Jméno ", 2026, None, None, "Jméno"])
    sheet.write_row(1, 0, ["Eva", 1, None, "side", "Eva2"])
    workbook.close()
    with open_source(path) as source:
        headers = [(column.header, column.key) for column in source.columns]
    assert headers == [("Jméno", "Jméno"), ("2026", "2026"), ("Column D", "Column D"),
                       ("Jméno", "Jméno (E)")]


def test_sheet_by_name_and_position(tmp_path: Path) -> None:
    path = tmp_path / "two.xlsx"
    workbook = xlsxwriter.Workbook(path)
    for name in ("First", "Druhý"):
        sheet = workbook.add_worksheet(name)
        sheet.write_row(0, 0, ["sheet"])
        sheet.write_row(1, 0, [name])
    workbook.close()
    assert rows_of(path, ReadOptions(sheet="Druhý"))[0].cells["sheet"] == "Druhý"
    assert rows_of(path, ReadOptions(sheet=2))[0].cells["sheet"] == "Druhý"
    with pytest.raises(InputFileError, match="'First'"):
        open_source(path, ReadOptions(sheet="Third"))


def test_ods_and_xls_read(tmp_path: Path) -> None:
    pandas = pytest.importorskip("pandas")
    frame = pandas.DataFrame({"d": [dt.date(2026, 1, 2)], "code": ["02"], "n": [3]})
    ods = tmp_path / "data.ods"
    frame.to_excel(ods, engine="odf", index=False)
    cells = rows_of(ods)[0].cells
    assert cells == {"d": dt.date(2026, 1, 2), "code": "02", "n": 3}


@pytest.mark.parametrize(
    ("name", "content", "pattern"),
    [
        ("text.xlsx", b"a,b\n1,2\n", "plain text"),
        ("page.xls", b"<html><table><tr><td>a</td></tr></table></html>", "web page"),
        ("empty.xlsx", b"", "empty"),
    ],
)
def test_lying_or_empty_workbook(tmp_path: Path, name: str, content: bytes,
                                 pattern: str) -> None:
    path = tmp_path / name
    path.write_bytes(content)
    with pytest.raises(InputFileError, match=pattern) as caught:
        open_source(path)
    assert "\n" not in str(caught.value)


def test_truncated_xlsx(tmp_path: Path) -> None:
    source = tmp_path / "full.xlsx"
    book = openpyxl.Workbook()
    book.active.append(["a"])
    book.active.append(["x"])
    book.save(source)
    path = tmp_path / "cut.xlsx"
    path.write_bytes(source.read_bytes()[:2000])
    with pytest.raises(InputFileError, match="damaged"):
        open_source(path)


def test_password_protected_xlsx() -> None:
    # Encrypted with msoffcrypto-tool, password "secret"; holds a 2-row sheet.
    with pytest.raises(InputFileError, match="password"):
        open_source(DATA / "encrypted.xlsx")


def test_header_only_sheet(tmp_path: Path) -> None:
    path = tmp_path / "header.xlsx"
    book = openpyxl.Workbook()
    book.active.append(["a", "b"])
    book.save(path)
    with pytest.raises(InputFileError, match="no data rows"):
        open_source(path)
