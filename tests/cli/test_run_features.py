"""Import features beyond one file: the bundled sample, inbox, archive, summary, language."""

from __future__ import annotations

import json
import shutil
from collections.abc import Callable
from pathlib import Path

import pytest
from click.testing import Result
from openpyxl import load_workbook

from tas_import.results import ResultsWriter
from tas_import.sandbox.store import CaseStore

REPO = Path(__file__).resolve().parents[2]
SAMPLE = REPO / "sample_data"
HR_MAPPING = REPO / "mappings" / "hr.yaml"

Invoke = Callable[..., Result]


def results_statuses(path: Path) -> list[str]:
    sheet = load_workbook(path, read_only=True).worksheets[0]
    header = [cell.value for cell in next(sheet.iter_rows(max_row=1))]
    status_index = header.index("status")
    return [row[status_index] for row in sheet.iter_rows(min_row=2, values_only=True)]


def test_sample_workbook_into_sandbox(invoke: Invoke, workdir: Path) -> None:
    workbook = workdir / "onboarding.xlsx"
    shutil.copy(SAMPLE / "onboarding.xlsx", workbook)

    result = invoke(workbook, "--mapping", HR_MAPPING, "--sandbox")

    assert result.exit_code == 1, result.output
    statuses = results_statuses(workdir / "onboarding.results.xlsx")
    assert statuses.count("created") == 55
    assert statuses.count("invalid") == 5
    assert len(CaseStore(workdir / "tas-sandbox.sqlite").list_cases()) == 55
    assert "tas-sandbox.sqlite" in result.output


def test_sample_csv_matches_workbook(invoke: Invoke, workdir: Path) -> None:
    """The Czech CSV and the workbook hold the same rows: the same payloads are sent."""
    for name in ("onboarding.xlsx", "onboarding.csv"):
        shutil.copy(SAMPLE / name, workdir / name)

    invoke(workdir / "onboarding.xlsx", "--mapping", HR_MAPPING, "--sandbox",
           "--sandbox-db", workdir / "from-xlsx.sqlite")
    invoke(workdir / "onboarding.csv", "--mapping", HR_MAPPING, "--sandbox",
           "--sandbox-db", workdir / "from-csv.sqlite")

    def sent(db_name: str) -> list[dict[str, object]]:
        cases = CaseStore(workdir / db_name).list_cases()
        payloads = [case["data"] for case in cases]
        return sorted(payloads, key=lambda data: str(data["employeeNumber"]))

    from_xlsx = sent("from-xlsx.sqlite")
    from_csv = sent("from-csv.sqlite")
    assert len(from_xlsx) == 55
    assert from_csv == from_xlsx


def test_sandbox_with_templates_file(invoke: Invoke, workdir: Path) -> None:
    workbook = workdir / "onboarding.xlsx"
    shutil.copy(SAMPLE / "onboarding.xlsx", workbook)

    result = invoke(workbook, "--mapping", HR_MAPPING, "--sandbox",
                    "--sandbox-templates", SAMPLE / "templates.yaml")

    assert result.exit_code == 1, result.output
    assert len(CaseStore(workdir / "tas-sandbox.sqlite").list_cases()) == 55


def test_inbox_archives_finished_files(
    invoke: Invoke, workdir: Path, people_mapping: Path
) -> None:
    inbox = workdir / "inbox"
    inbox.mkdir()
    header = "Osobní číslo;Jméno;Datum nástupu;Mzda;Oddělení\n"
    (inbox / "a.csv").write_text(header + "000201;Eva;01.02.2027;1 000;IT\n", encoding="utf-8")
    (inbox / "b.csv").write_text(header + "000202;Ema;32.02.2027;1 000;IT\n", encoding="utf-8")
    (inbox / "c.csv").write_text(header + "000203;Ota;03.02.2027;1 000;HR\n", encoding="utf-8")
    archive = workdir / "archive"

    result = invoke(inbox, "--mapping", people_mapping, "--sandbox", "--archive", archive)

    assert result.exit_code == 1, result.output
    assert sorted(path.name for path in archive.iterdir()) == [
        "a.csv", "a.results.csv", "b.csv", "b.results.csv", "c.csv", "c.results.csv",
    ]
    assert list(inbox.iterdir()) == []
    assert len(CaseStore(workdir / "tas-sandbox.sqlite").list_cases()) == 2


def test_inbox_keeps_unfinished_files(
    invoke: Invoke, workdir: Path, people_mapping: Path
) -> None:
    inbox = workdir / "inbox"
    inbox.mkdir()
    header = "Osobní číslo;Jméno;Datum nástupu;Mzda;Oddělení\n"
    rows = "".join(f"{300 + n:06d};Eva;01.02.2027;1 000;IT\n" for n in range(3))
    (inbox / "a.csv").write_text(header + rows, encoding="utf-8")
    archive = workdir / "archive"

    result = invoke(inbox, "--mapping", people_mapping, "--sandbox", "--archive", archive,
                    "--limit", "1")

    assert result.exit_code == 3, result.output
    assert (inbox / "a.csv").exists()
    assert not archive.exists() or list(archive.iterdir()) == []


def test_summary_json(invoke: Invoke, people_csv: Path, people_mapping: Path,
                      workdir: Path) -> None:
    summary = workdir / "summary.json"

    result = invoke(people_csv, "--mapping", people_mapping, "--sandbox",
                    "--summary-json", summary)

    document = json.loads(summary.read_text(encoding="utf-8"))
    assert result.exit_code == 0
    assert document["exit_code"] == 0
    assert document["counts"]["created"] == 3
    assert document["files"][0]["counts"]["created"] == 3
    assert document["version"]
    assert document["run_id"]


def test_czech_messages(invoke: Invoke, people_csv: Path, people_mapping: Path) -> None:
    result = invoke(people_csv, "--mapping", people_mapping, "--lang", "cs")

    assert result.exit_code == 2
    assert result.stderr.startswith("Chyba: ")


def test_token_never_in_log_file(
    invoke: Invoke, people_csv: Path, people_mapping: Path, workdir: Path
) -> None:
    log_file = workdir / "run.log"
    secret = "s3cret-token-value-123"

    result = invoke(people_csv, "--mapping", people_mapping, "--url", "http://127.0.0.1:9",
                    "--retries", "1", "-vv", "--log-file", log_file,
                    env={"TAS_TOKEN": secret})

    assert result.exit_code == 1, result.output
    assert secret not in result.output
    assert secret not in log_file.read_text(encoding="utf-8")
    assert secret not in people_csv.with_name("people.results.csv").read_text(encoding="utf-8-sig")


def test_init_prints_scaffold(invoke: Invoke, people_csv: Path) -> None:
    result = invoke("init", people_csv)

    assert result.exit_code == 0, result.output
    assert "Osobní číslo" in result.output
    assert "variables:" in result.output


def test_results_fall_back_to_csv(
    invoke: Invoke, workdir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(ResultsWriter, "max_xlsx_rows", 10)
    workbook = workdir / "onboarding.xlsx"
    shutil.copy(SAMPLE / "onboarding.xlsx", workbook)

    result = invoke(workbook, "--mapping", HR_MAPPING, "--dry-run")

    assert result.exit_code == 1, result.output
    assert "onboarding.results.csv" in result.output
    assert not (workdir / "onboarding.results.xlsx").exists()
    lines = (workdir / "onboarding.results.csv").read_text(encoding="utf-8-sig").splitlines()
    assert len(lines) == 61


def test_formula_without_value_shown_as_formula(invoke: Invoke, workdir: Path) -> None:
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append(["Osobní číslo", "Jméno", "Datum nástupu", "Mzda", "Oddělení"])
    sheet.append(["000101", "Jiří", "01.02.2027", "=1/0", "IT"])
    workbook = workdir / "formula.xlsx"
    book.save(workbook)
    mapping = workdir / "people.yaml"
    mapping.write_text(
        "template: 27\n"
        "variables:\n"
        "  salary: {column: Mzda, type: number}\n",
        encoding="utf-8",
    )

    result = invoke(workbook, "--mapping", mapping, "--dry-run")

    assert result.exit_code == 1, result.output
    assert "'=1/0' is a formula without a saved value" in result.output
    assert "FormulaWithoutValue" not in result.output
    results = load_workbook(workdir / "formula.results.xlsx").worksheets[0]
    assert results["D2"].value == "=1/0"
    assert results["D2"].data_type == "s"


def test_inbox_imports_dropped_results_sheet(
    invoke: Invoke, workdir: Path, people_mapping: Path
) -> None:
    inbox = workdir / "inbox"
    inbox.mkdir()
    header = "Osobní číslo;Jméno;Datum nástupu;Mzda;Oddělení"
    (inbox / "a.csv").write_text(header + "\n000201;Eva;01.02.2027;1 000;IT\n", encoding="utf-8")
    fixed = f"{header};row;status;case_id;message\n000202;Ema;28.02.2027;1 000;IT;2;invalid;;x\n"
    (inbox / "b.results.csv").write_text(fixed, encoding="utf-8-sig")

    first = invoke(inbox, "--mapping", people_mapping, "--sandbox")
    second = invoke(inbox, "--mapping", people_mapping, "--sandbox")

    assert first.exit_code == 0, first.output
    assert second.exit_code == 0, second.output
    assert (inbox / "a.results.csv").exists()
    assert (inbox / "b.results.results.csv").exists()
    assert not (inbox / "a.results.results.csv").exists()
    assert len(CaseStore(workdir / "tas-sandbox.sqlite").list_cases()) == 2


def test_empty_inbox_exits_0(invoke: Invoke, workdir: Path, people_mapping: Path) -> None:
    inbox = workdir / "inbox"
    inbox.mkdir()
    summary = workdir / "summary.json"

    result = invoke(inbox, "--mapping", people_mapping, "--sandbox", "--summary-json", summary)

    assert result.exit_code == 0, result.output
    assert result.output.startswith("Nothing to import: the folder ")
    assert json.loads(summary.read_text(encoding="utf-8"))["files"] == []


def test_summary_sheet_groups_reasons(invoke: Invoke, workdir: Path) -> None:
    workbook = workdir / "onboarding.xlsx"
    shutil.copy(SAMPLE / "onboarding.xlsx", workbook)
    invoke(workbook, "--mapping", HR_MAPPING, "--sandbox")
    invoke(workbook, "--mapping", HR_MAPPING, "--sandbox")

    summary = load_workbook(workdir / "onboarding.results.xlsx").worksheets[1]
    texts = [str(cell) for row in summary.iter_rows(values_only=True) for cell in row if cell]

    assert any(text.startswith("Datum nástupu: row 9:") for text in texts)
    assert not any("created on" in text for text in texts)


def test_dry_run_after_import_shows_skipped(
    invoke: Invoke, people_csv: Path, people_mapping: Path, workdir: Path
) -> None:
    invoke(people_csv, "--mapping", people_mapping, "--sandbox", "--limit", "2")

    result = invoke(people_csv, "--mapping", people_mapping, "--sandbox", "--dry-run")

    assert result.exit_code == 0, result.output
    with (workdir / "people.results.csv").open(encoding="utf-8-sig") as results_file:
        statuses = [line.split(";")[6] for line in results_file.read().splitlines()[1:]]
    assert statuses == ["skipped", "skipped", "valid"]
