"""``tas-import ledger list | export | settle`` through click's test runner."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from tas_import.cli.ledger_command import create_ledger_group
from tas_import.client import DeliveryOutcome
from tas_import.errors import ExitCode
from tas_import.i18n import set_language
from tas_import.ledger import Ledger, LedgerState, RowIdentity
from tas_import.lock import run_lock
from tas_import.rows import Status

BASE_URL = "https://tas.example.cz"


@pytest.fixture(autouse=True)
def english() -> Iterator[None]:
    set_language("en")
    yield
    set_language("en")


@pytest.fixture
def ledger_path(tmp_path: Path) -> Path:
    """A ledger with one row per state: created, failed, unknown, sending."""
    path = tmp_path / "ledger.sqlite"
    outcomes = {
        "E1": DeliveryOutcome(Status.CREATED, "", case_id="501", http_status=200),
        "E2": DeliveryOutcome(Status.FAILED, "unknown variable foo", http_status=400),
        "E3": DeliveryOutcome(Status.UNKNOWN, "TAS did not answer within 30 s."),
        "E4": None,
    }
    with Ledger.open(path) as ledger:
        for number, (key, outcome) in enumerate(outcomes.items(), start=2):
            identity = RowIdentity.of(BASE_URL, 27, key)
            source = str(tmp_path / ("hr.xlsx" if number < 4 else "extra.csv"))
            ledger.mark_sending(identity, source_file=source, row_number=number, run_id="r1")
            if outcome is not None:
                ledger.mark_outcome(identity, outcome)
    return path


def invoke(*args: str) -> Result:
    return CliRunner().invoke(create_ledger_group(), list(args))


def entry_of(path: Path, key: str) -> int:
    with Ledger.open(path) as ledger:
        entry = ledger.lookup(RowIdentity.of(BASE_URL, 27, key))
    assert entry is not None
    return entry.entry_id


def test_list_shows_every_entry(ledger_path: Path) -> None:
    result = invoke("list", "--state", str(ledger_path))
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert lines[0].startswith("ID")
    assert len(lines) == 6
    assert lines[-1] == "Entries: 4"
    assert "did not answer" in result.output


def test_list_filters_by_status(ledger_path: Path) -> None:
    result = invoke("list", "--state", str(ledger_path), "--status", "failed")
    assert result.exit_code == 0, result.output
    assert "Entries: 1" in result.output
    assert "E2 " in result.output
    assert "E1 " not in result.output


def test_list_unknown_includes_sending(ledger_path: Path) -> None:
    result = invoke("list", "--state", str(ledger_path), "--status", "unknown")
    assert result.exit_code == 0, result.output
    assert "Entries: 2" in result.output
    assert "E3 " in result.output
    assert "E4 " in result.output


def test_list_filters_by_file_name(ledger_path: Path) -> None:
    result = invoke("list", "--state", str(ledger_path), "--file", "extra.csv")
    assert result.exit_code == 0, result.output
    assert "Entries: 2" in result.output


def test_list_missing_ledger_exit_2(tmp_path: Path) -> None:
    result = invoke("list", "--state", str(tmp_path / "nothing.sqlite"))
    assert result.exit_code == ExitCode.INPUT_ERROR
    assert "No ledger found" in result.output
    assert not (tmp_path / "nothing.sqlite").exists()


def test_export_csv_to_stdout(ledger_path: Path) -> None:
    result = invoke("export", "--state", str(ledger_path))
    assert result.exit_code == 0, result.output
    rows = list(csv.DictReader(io.StringIO(result.output)))
    assert len(rows) == 4
    assert rows[0]["case_id"] == "501"
    assert rows[1]["http_status"] == "400"
    assert rows[3]["state"] == "sending"


def test_export_json_file(ledger_path: Path, tmp_path: Path) -> None:
    output = tmp_path / "ledger.json"
    result = invoke("export", "--state", str(ledger_path), "-o", str(output))
    assert result.exit_code == 0, result.output
    records = json.loads(output.read_text(encoding="utf-8"))
    assert [record["row_key"] for record in records] == ["E1", "E2", "E3", "E4"]
    assert records[0]["template"] == 27
    assert records[2]["state"] == "unknown"


def test_export_empty_json(ledger_path: Path) -> None:
    result = invoke(
        "export", "--state", str(ledger_path), "--format", "json", "--status", "not created"
    )
    assert result.exit_code == 0, result.output
    assert json.loads(result.output) == []


def test_export_csv_file_has_bom(ledger_path: Path, tmp_path: Path) -> None:
    output = tmp_path / "ledger.csv"
    result = invoke("export", "--state", str(ledger_path), "--output", str(output))
    assert result.exit_code == 0, result.output
    assert output.read_bytes().startswith(b"\xef\xbb\xbf")


def test_settle_created(ledger_path: Path) -> None:
    entry_id = entry_of(ledger_path, "E3")
    result = invoke(
        "settle", str(entry_id), "--state", str(ledger_path), "--created", "--case-id", "777"
    )
    assert result.exit_code == 0, result.output
    assert "case 777" in result.output
    with Ledger.open(ledger_path) as ledger:
        entry = ledger.get(entry_id)
    assert entry is not None
    assert entry.state is LedgerState.CREATED
    assert entry.case_id == "777"


def test_settle_not_created_sending_row(ledger_path: Path) -> None:
    entry_id = entry_of(ledger_path, "E4")
    result = invoke("settle", str(entry_id), "--state", str(ledger_path), "--not-created")
    assert result.exit_code == 0, result.output
    assert "sends this row again" in result.output
    with Ledger.open(ledger_path) as ledger:
        entry = ledger.get(entry_id)
    assert entry is not None
    assert entry.state is LedgerState.NOT_CREATED


def test_settle_several_not_created(ledger_path: Path) -> None:
    entry_ids = [entry_of(ledger_path, "E3"), entry_of(ledger_path, "E4")]
    result = invoke(
        "settle", *map(str, entry_ids), "--state", str(ledger_path), "--not-created"
    )
    assert result.exit_code == 0, result.output
    assert result.output.count("sends this row again") == 2
    with Ledger.open(ledger_path) as ledger:
        states = [entry.state for entry in map(ledger.get, entry_ids) if entry is not None]
    assert states == [LedgerState.NOT_CREATED, LedgerState.NOT_CREATED]


def test_settle_several_created_rejected(ledger_path: Path) -> None:
    entry_ids = [str(entry_of(ledger_path, "E3")), str(entry_of(ledger_path, "E4"))]
    result = invoke(
        "settle", *entry_ids, "--state", str(ledger_path), "--created", "--case-id", "9"
    )
    assert result.exit_code == 2
    assert "one entry at a time" in result.output


@pytest.mark.parametrize(
    ("options", "expected"),
    [
        ([], "--not-created"),
        (["--created"], "--case-id"),
        (["--not-created", "--case-id", "5"], "only with --created"),
    ],
)
def test_settle_option_errors(ledger_path: Path, options: list[str], expected: str) -> None:
    entry_id = entry_of(ledger_path, "E3")
    result = invoke("settle", str(entry_id), "--state", str(ledger_path), *options)
    assert result.exit_code == ExitCode.INPUT_ERROR
    assert expected in result.output


def test_settle_created_row_rejected(ledger_path: Path) -> None:
    entry_id = entry_of(ledger_path, "E1")
    result = invoke("settle", str(entry_id), "--state", str(ledger_path), "--not-created")
    assert result.exit_code == ExitCode.INPUT_ERROR
    assert "not in doubt" in result.output


def test_settle_during_run_exit_4(ledger_path: Path) -> None:
    entry_id = entry_of(ledger_path, "E3")
    with run_lock(ledger_path):
        result = invoke("settle", str(entry_id), "--state", str(ledger_path), "--not-created")
    assert result.exit_code == ExitCode.LOCKED
    assert "Another tas-import run" in result.output


def test_list_in_czech(ledger_path: Path) -> None:
    set_language("cs")
    result = invoke("list", "--state", str(ledger_path), "--status", "failed")
    assert result.exit_code == 0, result.output
    assert "Počet záznamů: 1" in result.output
