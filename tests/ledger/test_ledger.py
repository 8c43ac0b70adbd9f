"""The SQLite ledger: identity, write-ahead states, settling, and its file."""

from __future__ import annotations

import sqlite3
import subprocess
import sys
import textwrap
from collections.abc import Iterator
from pathlib import Path

import pytest

from tas_import.client import DeliveryOutcome
from tas_import.errors import UsageError
from tas_import.ledger import (
    Ledger,
    LedgerState,
    RowIdentity,
    default_ledger_path,
    normalise_base_url,
)
from tas_import.rows import Status

IDENTITY = RowIdentity.of("https://tas.example.cz/", 27, "E001")


@pytest.fixture
def ledger(tmp_path: Path) -> Iterator[Ledger]:
    with Ledger.open(tmp_path / "state" / "ledger.sqlite") as opened:
        yield opened


def send(ledger: Ledger, identity: RowIdentity = IDENTITY, row: int = 2) -> None:
    ledger.mark_sending(identity, source_file="hr.xlsx", row_number=row, run_id="run-1")


def test_unknown_row_lookup_is_none(ledger: Ledger) -> None:
    assert ledger.lookup(IDENTITY) is None


def test_mark_sending_commits_sending(ledger: Ledger) -> None:
    send(ledger)
    entry = ledger.lookup(IDENTITY)
    assert entry is not None
    assert entry.state is LedgerState.SENDING
    assert entry.source_file == "hr.xlsx"
    assert entry.row_number == 2
    assert entry.run_id == "run-1"
    assert entry.sends == 1


def test_created_outcome_keeps_case_id(ledger: Ledger) -> None:
    send(ledger)
    ledger.mark_outcome(IDENTITY, DeliveryOutcome(Status.CREATED, "", case_id="41", attempts=2))
    entry = ledger.lookup(IDENTITY)
    assert entry is not None
    assert entry.state is LedgerState.CREATED
    assert entry.case_id == "41"
    assert entry.attempts == 2
    assert entry.created_at is not None


def test_failed_outcome_keeps_status_and_message(ledger: Ledger) -> None:
    send(ledger)
    ledger.mark_outcome(IDENTITY, DeliveryOutcome(Status.FAILED, "unknown variable x", None, 400))
    entry = ledger.lookup(IDENTITY)
    assert entry is not None
    assert entry.state is LedgerState.FAILED
    assert entry.http_status == 400
    assert entry.message == "unknown variable x"


def test_resend_after_failure_counts_sends(ledger: Ledger) -> None:
    send(ledger)
    ledger.mark_outcome(IDENTITY, DeliveryOutcome(Status.FAILED, "boom", None, 500))
    send(ledger, row=5)
    entry = ledger.lookup(IDENTITY)
    assert entry is not None
    assert entry.state is LedgerState.SENDING
    assert entry.sends == 2
    assert entry.row_number == 5
    assert entry.message == ""
    assert entry.http_status is None


def test_outcome_status_outside_delivery_rejected(ledger: Ledger) -> None:
    send(ledger)
    with pytest.raises(ValueError, match="skipped"):
        ledger.mark_outcome(IDENTITY, DeliveryOutcome(Status.SKIPPED, ""))


def test_identity_normalises_base_url() -> None:
    assert RowIdentity.of("HTTPS://Tas.Example.cz//", 27, "k") == IDENTITY.__class__(
        "https://tas.example.cz", 27, "k"
    )


def test_normalise_keeps_sandbox_path() -> None:
    assert normalise_base_url("sandbox:/tmp/cases.sqlite") == "sandbox:/tmp/cases.sqlite"


def test_identity_separates_templates(ledger: Ledger) -> None:
    send(ledger)
    assert ledger.lookup(RowIdentity.of("https://tas.example.cz", 28, "E001")) is None


def test_entries_filter_by_state_and_file(ledger: Ledger) -> None:
    for number in range(2, 2502):
        identity = RowIdentity.of("https://tas.example.cz", 27, f"E{number}")
        ledger.mark_sending(
            identity,
            source_file="a.csv" if number % 2 else "b.csv",
            row_number=number,
            run_id="run-1",
        )
        if number % 5 == 0:
            ledger.mark_outcome(identity, DeliveryOutcome(Status.UNKNOWN, "read timed out"))

    assert len(list(ledger.entries())) == 2500
    assert len(list(ledger.entries(state=LedgerState.UNKNOWN))) == 500
    assert len(list(ledger.entries(source_file="a.csv"))) == 1250
    assert len(list(ledger.entries(state=LedgerState.UNKNOWN, source_file="b.csv"))) == 250


def test_settle_created_records_case(ledger: Ledger) -> None:
    send(ledger)
    ledger.mark_outcome(IDENTITY, DeliveryOutcome(Status.UNKNOWN, "read timed out"))
    entry_id = ledger.lookup(IDENTITY).entry_id  # type: ignore[union-attr]

    settled = ledger.settle(entry_id, created=True, case_id="77")

    assert settled.state is LedgerState.CREATED
    assert settled.case_id == "77"
    assert settled.created_at is not None


def test_settle_not_created(ledger: Ledger) -> None:
    send(ledger)
    entry_id = ledger.lookup(IDENTITY).entry_id  # type: ignore[union-attr]

    settled = ledger.settle(entry_id, created=False, case_id=None)

    assert settled.state is LedgerState.NOT_CREATED
    assert settled.case_id is None


def test_settle_created_needs_case_id(ledger: Ledger) -> None:
    send(ledger)
    entry_id = ledger.lookup(IDENTITY).entry_id  # type: ignore[union-attr]
    with pytest.raises(UsageError, match="case id"):
        ledger.settle(entry_id, created=True, case_id=None)


def test_settle_rejects_created_row(ledger: Ledger) -> None:
    send(ledger)
    ledger.mark_outcome(IDENTITY, DeliveryOutcome(Status.CREATED, "", case_id="1"))
    entry_id = ledger.lookup(IDENTITY).entry_id  # type: ignore[union-attr]
    with pytest.raises(UsageError, match="not in doubt"):
        ledger.settle(entry_id, created=False, case_id=None)


def test_settle_unknown_entry_id(ledger: Ledger) -> None:
    with pytest.raises(UsageError, match="no entry 99"):
        ledger.settle(99, created=False, case_id=None)


def test_ledger_uses_wal(ledger: Ledger) -> None:
    connection = sqlite3.connect(ledger.path)
    assert connection.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    connection.close()


def test_open_missing_without_create(tmp_path: Path) -> None:
    with pytest.raises(UsageError, match="No ledger found"):
        Ledger.open(tmp_path / "missing.sqlite", create=False)


def test_open_rejects_non_sqlite_file(tmp_path: Path) -> None:
    path = tmp_path / "ledger.sqlite"
    path.write_text("this is not a database, just text " * 100)
    with pytest.raises(UsageError, match="Cannot open the ledger"):
        Ledger.open(path)


def test_open_rejects_newer_schema(tmp_path: Path) -> None:
    path = tmp_path / "ledger.sqlite"
    connection = sqlite3.connect(path)
    connection.execute("PRAGMA user_version = 99")
    connection.close()
    with pytest.raises(UsageError, match="schema 99"):
        Ledger.open(path)


def test_default_path_follows_xdg(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("XDG_STATE_HOME", str(tmp_path))
    assert default_ledger_path() == tmp_path / "tas-import" / "ledger.sqlite"


def test_default_path_without_xdg(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.delenv("XDG_STATE_HOME", raising=False)
    monkeypatch.setenv("HOME", str(tmp_path))
    expected = tmp_path / ".local" / "state" / "tas-import" / "ledger.sqlite"
    assert default_ledger_path() == expected


def test_commit_survives_kill(tmp_path: Path) -> None:
    """A process killed right after mark_sending leaves the row committed as `sending`."""
    path = tmp_path / "ledger.sqlite"
    script = textwrap.dedent(
        f"""
        import os, signal
        from pathlib import Path
        from tas_import.ledger import Ledger, RowIdentity
        ledger = Ledger.open(Path({str(path)!r}))
        ledger.mark_sending(RowIdentity.of("http://127.0.0.1:1", 27, "E001"),
                            source_file="hr.xlsx", row_number=2, run_id="run-1")
        os.kill(os.getpid(), signal.SIGKILL)
        """
    )
    src = Path(__file__).resolve().parents[2] / "src"
    completed = subprocess.run(
        [sys.executable, "-c", script], env={"PYTHONPATH": str(src)}, timeout=60, check=False
    )
    assert completed.returncode == -9

    with Ledger.open(path) as ledger:
        entry = ledger.lookup(RowIdentity.of("http://127.0.0.1:1", 27, "E001"))
    assert entry is not None
    assert entry.state is LedgerState.SENDING
