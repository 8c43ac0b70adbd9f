"""Real spreadsheets that nobody on this project wrote, imported as a user would.

They live in ``shared/real-input`` beside the checkout; the tests skip when it is absent.
"""

from __future__ import annotations

import csv
import shutil
from collections import Counter
from collections.abc import Callable
from pathlib import Path

import pytest
from click.testing import Result
from openpyxl import load_workbook

from tas_import.sandbox.store import CaseStore

REPO = Path(__file__).resolve().parents[2]
REAL_INPUT = REPO.parent / "shared" / "real-input"
MAPPINGS = REPO / "mappings"

Invoke = Callable[..., Result]

pytestmark = pytest.mark.skipif(not REAL_INPUT.is_dir(), reason="shared/real-input is absent")


def copy_input(name: str, workdir: Path) -> Path:
    target = workdir / name
    shutil.copy(REAL_INPUT / name, target)
    return target


def csv_results(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8-sig", newline="") as results_file:
        return list(csv.DictReader(results_file))


def xlsx_results(path: Path) -> list[dict[str, object]]:
    sheet = load_workbook(path, read_only=True).worksheets[0]
    rows = list(sheet.iter_rows(values_only=True))
    header = [str(cell) for cell in rows[0]]
    return [dict(zip(header, row, strict=True)) for row in rows[1:]]


def test_hr_dataset_dry_run(invoke: Invoke, workdir: Path) -> None:
    data = copy_input("hr_dataset_v14.csv", workdir)

    result = invoke(data, "--mapping", MAPPINGS / "hr_dataset_v14.yaml", "--dry-run")

    rows = csv_results(workdir / "hr_dataset_v14.results.csv")
    assert result.exit_code == 1, result.output
    assert "Traceback" not in result.output
    assert len(rows) == 311
    assert Counter(row["status"] for row in rows) == {"valid": 310, "invalid": 1}
    short_row = next(row for row in rows if row["status"] == "invalid")
    assert short_row["row"] == "10"
    assert "Department" in short_row["message"]
    assert "the row has fewer cells than the header, 35 instead of 36" in short_row["message"]


def test_hr_dataset_into_sandbox(invoke: Invoke, workdir: Path) -> None:
    data = copy_input("hr_dataset_v14.csv", workdir)

    result = invoke(data, "--mapping", MAPPINGS / "hr_dataset_v14.yaml", "--sandbox")

    cases = CaseStore(workdir / "tas-sandbox.sqlite").list_cases()
    payloads = [case["data"] for case in cases]
    first = next(data for data in payloads if data["employeeName"].startswith("Adinolfi"))
    assert result.exit_code == 1, result.output
    assert len(cases) == 310
    assert first["zip"] == "01960"
    assert first["dateOfBirth"] == "1983-07-10"
    assert first["hireDate"] == "2011-07-05"
    assert first["department"] == "Production"


def test_employee_workbook_into_sandbox(invoke: Invoke, workdir: Path) -> None:
    data = copy_input("employee_sample_data.xlsx", workdir)

    result = invoke(data, "--mapping", MAPPINGS / "employee_sample_data.yaml", "--sandbox")

    rows = xlsx_results(workdir / "employee_sample_data.results.xlsx")
    statuses = Counter(row["status"] for row in rows)
    cases = CaseStore(workdir / "tas-sandbox.sqlite").list_cases()
    assert result.exit_code == 1, result.output
    assert len(rows) == 1000
    assert statuses["created"] == len(cases)
    assert statuses["created"] + statuses["invalid"] == 1000
    invalid_messages = [str(row["message"]) for row in rows if row["status"] == "invalid"]
    assert all("same key as row" in message for message in invalid_messages)
    assert {str(case["data"]["employeeId"])[0] for case in cases} == {"E"}
