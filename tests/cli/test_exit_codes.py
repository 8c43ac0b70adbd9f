"""Each exit code of ``tas-import``, a contract that schedulers rely on."""

from __future__ import annotations

import csv
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from click.testing import Result

from tas_import.lock import run_lock
from tas_import.sandbox.embedded import run_sandbox
from tas_import.sandbox.store import CaseStore
from tas_import.templates import load_templates

TEMPLATES = """\
templates:
  27:
    name: Nástup
    variables:
      employeeNumber: text
      firstName: text
      startDate: date
      salary: number
      department: {type: lov, values: [HR, IT, Finance]}
"""

Invoke = Callable[..., Result]


def read_results(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8-sig", newline="") as results_file:
        return list(csv.DictReader(results_file, delimiter=";"))


@pytest.fixture
def tas(workdir: Path) -> Iterator[tuple[str, Path]]:
    """A sandbox TAS on 127.0.0.1 with token 'good-token'; yields its URL and database."""
    templates_path = workdir / "templates.yaml"
    templates_path.write_text(TEMPLATES, encoding="utf-8")
    db_path = workdir / "tas.sqlite"
    with run_sandbox(load_templates(templates_path), db_path, "good-token") as url:
        yield url, db_path


def test_dry_run_all_valid_exits_0(invoke: Invoke, people_csv: Path, people_mapping: Path) -> None:
    result = invoke(people_csv, "--mapping", people_mapping, "--dry-run")

    assert result.exit_code == 0, result.output
    rows = read_results(people_csv.with_name("people.results.csv"))
    assert [row["status"] for row in rows] == ["valid", "valid", "valid"]
    assert [row["row"] for row in rows] == ["2", "3", "4"]


def test_dry_run_invalid_row_exits_1(
    invoke: Invoke, write_file: Callable[[str, str], Path], people_mapping: Path
) -> None:
    data = write_file(
        "bad.csv",
        """\
        Osobní číslo;Jméno;Datum nástupu;Mzda;Oddělení
        000101;Jiří;01.02.2027;45 000,50;IT
        000102;Žofie;31.02.2027;52 100;Marketing
        """,
    )

    result = invoke(data, "--mapping", people_mapping, "--dry-run")

    assert result.exit_code == 1, result.output
    rows = read_results(data.with_name("bad.results.csv"))
    assert rows[0]["status"] == "valid"
    assert rows[1]["status"] == "invalid"
    assert "Datum nástupu" in rows[1]["message"]
    assert "Oddělení" in rows[1]["message"]


def test_missing_mapping_exits_2(invoke: Invoke, people_csv: Path, workdir: Path) -> None:
    result = invoke(people_csv, "--mapping", workdir / "nope.yaml", "--dry-run")

    assert result.exit_code == 2
    assert "nope.yaml" in result.stderr
    assert "Traceback" not in result.output


def test_missing_url_exits_2(invoke: Invoke, people_csv: Path, people_mapping: Path) -> None:
    result = invoke(people_csv, "--mapping", people_mapping)

    assert result.exit_code == 2
    assert result.stderr == (
        "Error: No TAS URL: use --url or set TAS_URL.\n"
        "Hint: Use --dry-run to check the file without a server, or --sandbox to try it.\n"
    )


def test_missing_token_exits_2(invoke: Invoke, people_csv: Path, people_mapping: Path) -> None:
    result = invoke(people_csv, "--mapping", people_mapping, "--url", "http://127.0.0.1:9")

    assert result.exit_code == 2
    assert result.stderr.startswith(
        "Error: No TAS token: set TAS_TOKEN, or TAS_TOKEN_FILE to a file that contains it.\n"
    )


def test_import_creates_cases_exits_0(
    invoke: Invoke, people_csv: Path, people_mapping: Path, tas: tuple[str, Path]
) -> None:
    url, db_path = tas

    result = invoke(
        people_csv, "--mapping", people_mapping, "--url", url, env={"TAS_TOKEN": "good-token"}
    )

    assert result.exit_code == 0, result.output
    cases = CaseStore(db_path).list_cases()
    numbers = sorted(case["data"]["employeeNumber"] for case in cases)
    assert numbers == ["000101", "000102", "000103"]
    rows = read_results(people_csv.with_name("people.results.csv"))
    assert [row["status"] for row in rows] == ["created"] * 3
    assert all(row["case_id"] for row in rows)


def test_rerun_skips_created_rows(
    invoke: Invoke, people_csv: Path, people_mapping: Path, tas: tuple[str, Path]
) -> None:
    url, db_path = tas
    env = {"TAS_TOKEN": "good-token"}
    invoke(people_csv, "--mapping", people_mapping, "--url", url, env=env)

    result = invoke(people_csv, "--mapping", people_mapping, "--url", url, env=env)

    assert result.exit_code == 0, result.output
    assert len(CaseStore(db_path).list_cases()) == 3
    rows = read_results(people_csv.with_name("people.results.csv"))
    assert [row["status"] for row in rows] == ["skipped"] * 3


def test_rejected_token_exits_3(
    invoke: Invoke, people_csv: Path, people_mapping: Path, tas: tuple[str, Path]
) -> None:
    url, db_path = tas

    result = invoke(
        people_csv, "--mapping", people_mapping, "--url", url, env={"TAS_TOKEN": "stale-token-4711"}
    )

    assert result.exit_code == 3, result.output
    assert CaseStore(db_path).list_cases() == []
    rows = read_results(people_csv.with_name("people.results.csv"))
    assert [row["status"] for row in rows] == ["not attempted"] * 3
    assert "stale-token-4711" not in result.output


def test_limit_leaves_rows_not_attempted_exits_3(
    invoke: Invoke, people_csv: Path, people_mapping: Path
) -> None:
    result = invoke(people_csv, "--mapping", people_mapping, "--sandbox", "--limit", "2")

    assert result.exit_code == 3, result.output
    rows = read_results(people_csv.with_name("people.results.csv"))
    assert [row["status"] for row in rows] == ["created", "created", "not attempted"]


def test_held_ledger_exits_4(
    invoke: Invoke, people_csv: Path, people_mapping: Path, workdir: Path
) -> None:
    state = workdir / "ledger.sqlite"

    with run_lock(state):
        result = invoke(
            people_csv, "--mapping", people_mapping, "--sandbox", "--state", state
        )

    assert result.exit_code == 4, result.output
    assert "PID" in result.stderr
    assert not people_csv.with_name("people.results.csv").exists()


def test_other_url_in_ledger_warns(
    invoke: Invoke, people_csv: Path, people_mapping: Path, tas: tuple[str, Path], workdir: Path
) -> None:
    url, _db_path = tas
    env = {"TAS_TOKEN": "good-token"}
    state = workdir / "ledger.sqlite"
    invoke(people_csv, "--mapping", people_mapping, "--url", url, "--state", state, env=env)
    other_url = url.replace("127.0.0.1", "localhost")

    result = invoke(people_csv, "--mapping", people_mapping, "--url", other_url,
                    "--state", state, env=env)

    assert "Rows are matched per TAS URL" in result.stderr
    assert url in result.stderr


def test_quiet_still_reports_stop(
    invoke: Invoke, people_csv: Path, people_mapping: Path, tas: tuple[str, Path]
) -> None:
    url, _db_path = tas

    result = invoke(people_csv, "--mapping", people_mapping, "--url", url, "-q",
                    env={"TAS_TOKEN": "stale-token-4711"})

    assert result.exit_code == 3
    assert result.stdout == ""
    assert result.stderr.startswith("Error: ")
    assert "401" in result.stderr


@pytest.mark.parametrize("delimiter", [";;", "\\t\\t", ""])
def test_bad_delimiter_exits_2(
    invoke: Invoke, people_csv: Path, people_mapping: Path, delimiter: str
) -> None:
    result = invoke(people_csv, "--mapping", people_mapping, "--dry-run", "-d", delimiter)
    assert result.exit_code == 2, result.output
    assert "is not one character" in result.output
    assert "Traceback" not in result.output


def test_tab_delimiter_by_name(invoke: Invoke, write_file: Callable[[str, str], Path],
                               people_mapping: Path) -> None:
    rows = ["Osobní číslo\tJméno\tDatum nástupu\tMzda\tOddělení",
            "000101\tJiří\t01.02.2027\t45 000,50\tIT"]
    source = write_file("people.tsv", "\n".join(rows) + "\n")
    for name in ("tab", "\\t"):
        result = invoke(source, "--mapping", people_mapping, "--dry-run", "-d", name)
        assert result.exit_code == 0, result.output


def test_schema_command_prints_the_schema(invoke: Invoke) -> None:
    result = invoke("schema")
    assert result.exit_code == 0
    schema_file = Path(__file__).resolve().parents[2] / "mappings" / "schema.json"
    assert result.output == schema_file.read_text(encoding="utf-8")


def test_quiet_run_still_shows_encoding_note(invoke: Invoke, workdir: Path) -> None:
    source = workdir / "people.csv"
    source.write_bytes("Cislo;Jmeno\n1;Jiří Dvořák\n2;Věra Šimková\n".encode("cp1250"))
    mapping = workdir / "people.yaml"
    mapping.write_text("template: 27\nkey: [Cislo]\nvariables:\n"
                       "  number: {column: Cislo, type: text}\n"
                       "  name: {column: Jmeno, type: text}\n", encoding="utf-8")
    result = invoke(source, "--mapping", mapping, "--dry-run", "-q", "-e", "cp1252")
    assert result.exit_code == 0, result.output
    assert "Note: people.csv was read as cp1252 as requested, but it looks like cp1250" in (
        result.stderr
    )
