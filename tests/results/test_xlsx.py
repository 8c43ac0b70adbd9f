"""The XLSX results workbook, read back with openpyxl as a spreadsheet program would."""

from __future__ import annotations

import datetime
from pathlib import Path

import openpyxl
import pytest
from openpyxl.worksheet.worksheet import Worksheet

from tas_import.i18n import set_language
from tas_import.results import ResultsWriter, RunInfo
from tas_import.rows import RowResult, Status

HEADERS = ["Osobní číslo", "Příjmení", "Datum nástupu", "Mzda", "Poznámka"]

ROWS: list[tuple[list[object], RowResult]] = [
    (["1001", "Novák", datetime.datetime(2026, 4, 1), 42000, "=1+1"],
     RowResult(2, Status.CREATED, case_id="5012")),
    (["1002", "Dvořáková", datetime.date(2026, 4, 15), -5, "@SUM(A1)"],
     RowResult(3, Status.INVALID, "Mzda: -5 is below the minimum 0")),
    (["1003", "Šťastný", None, 38500.5, None],
     RowResult(4, Status.FAILED, "=HYPERLINK(\"http://example.invalid\")")),
    (["1004", "Černá", datetime.datetime(2026, 5, 1, 9, 30), 0, "-"],
     RowResult(5, Status.UNKNOWN, "Read timeout after 30 s")),
    (["1005", "Růžička", datetime.date(2026, 6, 1), 1, ""],
     RowResult(6, Status.SKIPPED, "created on 2026-03-01 as case 4999", case_id="4999")),
    (["1006", "Veselý", datetime.date(2026, 6, 1), 1, "+420 777 123 456"],
     RowResult(7, Status.NOT_ATTEMPTED, "Not sent: the token expired")),
]


def write_sample(path: Path, info: RunInfo) -> Path:
    with ResultsWriter(path, HEADERS, info) as writer:
        for cells, result in ROWS:
            writer.write(cells, result)
        return writer.close(datetime.datetime(2026, 3, 2, 9, 0, tzinfo=datetime.timezone.utc))


@pytest.fixture
def workbook(tmp_path: Path, info: RunInfo) -> openpyxl.Workbook:
    path = write_sample(tmp_path / "nastupy.results.xlsx", info)
    return openpyxl.load_workbook(path)


@pytest.fixture
def data(workbook: openpyxl.Workbook) -> Worksheet:
    sheet = workbook.worksheets[0]
    assert isinstance(sheet, Worksheet)
    return sheet


def test_close_returns_requested_path(tmp_path: Path, info: RunInfo) -> None:
    path = tmp_path / "nastupy.results.xlsx"
    assert write_sample(path, info) == path


def test_no_partial_file_left(tmp_path: Path, info: RunInfo) -> None:
    write_sample(tmp_path / "nastupy.results.xlsx", info)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["nastupy.results.xlsx", "nastupy.xlsx"]


def test_data_sheet_first_summary_second(workbook: openpyxl.Workbook) -> None:
    assert workbook.sheetnames == ["Results", "Summary"]


def test_header_row(data: Worksheet) -> None:
    header = [cell.value for cell in data[1]]
    assert header == [*HEADERS, "row", "status", "case_id", "message"]


def test_rows_in_written_order(data: Worksheet) -> None:
    assert [data.cell(row, 6).value for row in range(2, 8)] == [2, 3, 4, 5, 6, 7]


def test_status_keywords_stay_english(data: Worksheet) -> None:
    statuses = [data.cell(row, 7).value for row in range(2, 8)]
    assert statuses == ["created", "invalid", "failed", "unknown", "skipped", "not attempted"]


@pytest.mark.parametrize(
    ("row", "fill"),
    [(2, "C6EFCE"), (3, "FFC7CE"), (4, "FFC7CE"), (5, "FFD8A8"), (6, "E7E6E6"), (7, "FFD8A8")],
)
def test_status_cell_fill(data: Worksheet, row: int, fill: str) -> None:
    assert data.cell(row, 7).fill.fgColor.rgb == "FF" + fill


def test_header_frozen(data: Worksheet) -> None:
    assert data.freeze_panes == "A2"


def test_autofilter_covers_all_rows(data: Worksheet) -> None:
    assert data.auto_filter.ref == "A1:I7"


def test_formula_text_stays_string(data: Worksheet) -> None:
    cell = data["E2"]
    assert (cell.value, cell.data_type) == ("=1+1", "s")


def test_formula_text_gets_quote_prefix(data: Worksheet) -> None:
    assert data["E2"].quotePrefix


def test_server_message_formula_stays_string(data: Worksheet) -> None:
    cell = data["I4"]
    assert (cell.value, cell.data_type) == ("=HYPERLINK(\"http://example.invalid\")", "s")


def test_no_formula_cells(data: Worksheet) -> None:
    formula_cells = [cell.coordinate for row in data.iter_rows() for cell in row
                     if cell.data_type == "f"]
    assert formula_cells == []


def test_negative_number_stays_number(data: Worksheet) -> None:
    cell = data["D3"]
    assert (cell.value, cell.data_type) == (-5, "n")


def test_harmless_text_not_quoted(data: Worksheet) -> None:
    assert not data["E7"].quotePrefix


def test_text_number_stays_text(data: Worksheet) -> None:
    assert data["A2"].value == "1001"


def test_date_cell_is_excel_date(data: Worksheet) -> None:
    cell = data["C3"]
    assert (cell.value, cell.is_date) == (datetime.datetime(2026, 4, 15), True)


def test_date_format_iso_in_english(data: Worksheet) -> None:
    assert data["C2"].number_format == "yyyy-mm-dd"


def test_datetime_keeps_time(data: Worksheet) -> None:
    assert data["C5"].value == datetime.datetime(2026, 5, 1, 9, 30)


def test_empty_cell_stays_empty(data: Worksheet) -> None:
    assert data["C4"].value is None


def test_numeric_case_id_is_number(data: Worksheet) -> None:
    assert data["H2"].value == 5012


def test_column_width_fits_header(data: Worksheet) -> None:
    width = data.column_dimensions["C"].width
    assert width is not None and width >= len("Datum nástupu")


def test_message_column_wider_than_short_column(data: Worksheet) -> None:
    assert data.column_dimensions["I"].width > data.column_dimensions["F"].width


def summary_values(workbook: openpyxl.Workbook) -> dict[object, object]:
    sheet = workbook["Summary"]
    return {row[0]: row[1] for row in sheet.iter_rows(values_only=True) if row[0] is not None}


def test_summary_run_details(workbook: openpyxl.Workbook, info: RunInfo) -> None:
    values = summary_values(workbook)
    assert (values["File"], values["Template"], values["Run ID"], values["Tool version"]) == (
        str(info.input_path), 27, "run-20260302-0830", "0.1.0"
    )


def test_summary_times_are_dates(workbook: openpyxl.Workbook) -> None:
    values = summary_values(workbook)
    started = datetime.datetime(2026, 3, 2, 8, 30, tzinfo=datetime.timezone.utc)
    assert values["Started"] == started.astimezone().replace(tzinfo=None)


def test_summary_counts(workbook: openpyxl.Workbook) -> None:
    values = summary_values(workbook)
    counts = {key: values[key] for key in ("created", "invalid", "failed", "Total")}
    assert counts == {"created": 1, "invalid": 1, "failed": 1, "Total": 6}


def summary_reasons(workbook: openpyxl.Workbook) -> list[tuple[object, object]]:
    rows = list(workbook["Summary"].iter_rows(values_only=True))
    heading = next(i for i, row in enumerate(rows) if row[1] == "Most common reasons")
    return [(row[0], row[1]) for row in rows[heading + 1:]]


def test_summary_reasons(workbook: openpyxl.Workbook) -> None:
    reasons = summary_reasons(workbook)
    assert (1, "Mzda: -5 is below the minimum 0") in reasons


def test_summary_reasons_exclude_created_skipped(workbook: openpyxl.Workbook) -> None:
    reasons = summary_reasons(workbook)
    assert len(reasons) == 4
    assert not any("created on" in str(reason) for reason in reasons)


def test_summary_reason_formula_is_string(workbook: openpyxl.Workbook) -> None:
    formulas = [cell.coordinate for row in workbook["Summary"].iter_rows() for cell in row
                if cell.data_type == "f"]
    assert formulas == []


def test_czech_sheet_names_and_labels(tmp_path: Path, info: RunInfo) -> None:
    set_language("cs")
    path = write_sample(tmp_path / "nastupy.results.xlsx", info)
    workbook = openpyxl.load_workbook(path)
    summary = workbook.worksheets[1]
    labels = {row[0]: row[2] for row in summary.iter_rows(values_only=True) if row[0]}
    assert (workbook.sheetnames, labels["created"]) == (["Výsledky", "Souhrn"], "vytvořeno")


def test_czech_date_format(tmp_path: Path, info: RunInfo) -> None:
    set_language("cs")
    path = write_sample(tmp_path / "nastupy.results.xlsx", info)
    sheet = openpyxl.load_workbook(path).worksheets[0]
    assert sheet["C2"].number_format == "d.m.yyyy"


def test_most_common_reasons(tmp_path: Path, info: RunInfo) -> None:
    with ResultsWriter(tmp_path / "r.xlsx", ["A"], info) as writer:
        for number in range(2, 7):
            message = "Missing value" if number % 2 else "Bad date"
            writer.write(["x"], RowResult(number, Status.INVALID, message))
        writer.write(["x"], RowResult(7, Status.CREATED, "ok"))
        assert writer.most_common_reasons() == [("Bad date", 3), ("Missing value", 2)]


def test_counts_per_status(tmp_path: Path, info: RunInfo) -> None:
    with ResultsWriter(tmp_path / "r.xlsx", ["A"], info) as writer:
        writer.write(["x"], RowResult(2, Status.CREATED))
        writer.write(["y"], RowResult(3, Status.CREATED))
        writer.write(["z"], RowResult(4, Status.FAILED, "500"))
        assert dict(writer.counts) == {Status.CREATED: 2, Status.FAILED: 1}
