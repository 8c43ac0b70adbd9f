"""A results sheet, fixed in place by HR staff, imported again with the same mapping."""

from __future__ import annotations

import csv
import shutil
from collections.abc import Callable
from pathlib import Path

from click.testing import Result
from openpyxl import load_workbook

from tas_import.sandbox.store import CaseStore

REPO = Path(__file__).resolve().parents[2]
Invoke = Callable[..., Result]


def statuses_of(path: Path) -> list[str]:
    with path.open(encoding="utf-8-sig", newline="") as results_file:
        return [row["status"] for row in csv.DictReader(results_file, delimiter=";")]


def test_fixed_csv_results_imported_again(
    invoke: Invoke, write_file: Callable[[str, str], Path], people_mapping: Path, workdir: Path
) -> None:
    data = write_file(
        "people.csv",
        """\
        Osobní číslo;Jméno;Datum nástupu;Mzda;Oddělení
        000101;Jiří;01.02.2027;45 000,50;IT
        000102;Žofie;31.02.2027;52 100;HR
        =cmd|' /C calc'!A0;Eva;01.03.2027;1 000;HR
        """,
    )
    invoke(data, "--mapping", people_mapping, "--sandbox")
    results = workdir / "people.results.csv"
    text = results.read_text(encoding="utf-8-sig")
    assert "'=cmd" in text  # the formula-like cell is written so that Excel shows it as text

    fixed = text.replace("31.02.2027", "28.02.2027")
    results.write_text(fixed, encoding="utf-8-sig")
    result = invoke(results, "--mapping", people_mapping, "--sandbox")

    assert result.exit_code == 0, result.output
    assert statuses_of(workdir / "people.results.results.csv") == ["skipped", "created", "skipped"]
    cases = CaseStore(workdir / "tas-sandbox.sqlite").list_cases()
    numbers = sorted(str(case["data"]["employeeNumber"]) for case in cases)
    assert numbers == ["000101", "000102", "=cmd|' /C calc'!A0"]


def test_fixed_xlsx_results_imported_again(invoke: Invoke, workdir: Path) -> None:
    workbook = workdir / "onboarding.xlsx"
    shutil.copy(REPO / "sample_data" / "onboarding.xlsx", workbook)
    mapping = REPO / "mappings" / "hr.yaml"
    invoke(workbook, "--mapping", mapping, "--sandbox")
    results = workdir / "onboarding.results.xlsx"

    book = load_workbook(results)
    sheet = book.worksheets[0]
    header = [cell.value for cell in sheet[1]]
    status_column = header.index("status") + 1
    for row in sheet.iter_rows(min_row=2):
        if row[status_column - 1].value == "invalid":
            row[header.index("Datum nástupu")].value = "01.03.2027"
            row[header.index("Oddělení")].value = "HR"
            row[header.index("Osobní číslo")].value = f"{90000 + row[0].row:06d}"
            row[header.index("Mzda")].value = 40000
            row[header.index("Zkušební doba")].value = "ne"
    book.save(results)

    result = invoke(results, "--mapping", mapping, "--sandbox")

    assert result.exit_code == 0, result.output
    assert len(CaseStore(workdir / "tas-sandbox.sqlite").list_cases()) == 60


def test_results_ignore_mapping_header_row(invoke: Invoke, workdir: Path) -> None:
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append(["Nástupy, prosinec 2026"])
    sheet.append([])
    sheet.append(["Osobní číslo", "Mzda"])
    sheet.append(["000101", 1000])
    sheet.append(["000102", "hodně"])
    export = workdir / "export.xlsx"
    book.save(export)
    mapping = workdir / "m.yaml"
    mapping.write_text(
        "template: 27\nsource: {header_row: 3}\nkey: [Osobní číslo]\nvariables:\n"
        "  employeeNumber: {column: Osobní číslo, type: text}\n"
        "  salary: {column: Mzda, type: number}\n",
        encoding="utf-8",
    )
    invoke(export, "--mapping", mapping, "--sandbox")
    results = workdir / "export.results.xlsx"
    fixed = load_workbook(results)
    fixed.worksheets[0]["B3"] = 2000
    fixed.save(results)

    result = invoke(results, "--mapping", mapping, "--sandbox")

    assert result.exit_code == 0, result.output
    assert len(CaseStore(workdir / "tas-sandbox.sqlite").list_cases()) == 2
