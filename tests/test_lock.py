"""The per-ledger run lock: exclusive, names its holder, released when the holder dies."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
import time
from datetime import datetime
from pathlib import Path

import pytest

from tas_import.errors import ExitCode, LockHeldError
from tas_import.lock import holder_info_path, run_lock

SRC = Path(__file__).resolve().parents[1] / "src"


def hold_lock_in_child(ledger_path: Path) -> subprocess.Popen[str]:
    """Start a process that takes the lock, prints "locked" and sleeps."""
    script = textwrap.dedent(
        f"""
        import time
        from pathlib import Path
        from tas_import.lock import run_lock
        with run_lock(Path({str(ledger_path)!r})):
            print("locked", flush=True)
            time.sleep(60)
        """
    )
    child = subprocess.Popen(
        [sys.executable, "-c", script],
        env={"PYTHONPATH": str(SRC)},
        stdout=subprocess.PIPE,
        text=True,
    )
    assert child.stdout is not None
    assert child.stdout.readline().strip() == "locked"
    return child


def test_lock_is_exclusive(tmp_path: Path) -> None:
    ledger_path = tmp_path / "ledger.sqlite"
    with run_lock(ledger_path), pytest.raises(LockHeldError), run_lock(ledger_path):
        pass


def test_lock_error_names_holder(tmp_path: Path) -> None:
    ledger_path = tmp_path / "ledger.sqlite"
    with run_lock(ledger_path), pytest.raises(LockHeldError) as caught, run_lock(ledger_path):
        pass
    assert f"PID {os.getpid()}" in caught.value.message
    assert caught.value.exit_code == ExitCode.LOCKED
    assert caught.value.hint


def test_lock_released_after_block(tmp_path: Path) -> None:
    ledger_path = tmp_path / "ledger.sqlite"
    with run_lock(ledger_path):
        pass
    with run_lock(ledger_path):
        assert holder_info_path(ledger_path).exists()
    assert not holder_info_path(ledger_path).exists()


def test_lock_held_by_other_process(tmp_path: Path) -> None:
    ledger_path = tmp_path / "ledger.sqlite"
    child = hold_lock_in_child(ledger_path)
    try:
        with pytest.raises(LockHeldError) as caught, run_lock(ledger_path):
            pass
        assert f"PID {child.pid}" in caught.value.message
    finally:
        child.kill()
        child.wait(timeout=30)


def test_stale_lock_taken_over(tmp_path: Path) -> None:
    """A holder killed with SIGKILL leaves its info file, but the lock is free again."""
    ledger_path = tmp_path / "ledger.sqlite"
    child = hold_lock_in_child(ledger_path)
    child.kill()
    child.wait(timeout=30)
    assert holder_info_path(ledger_path).exists()

    with run_lock(ledger_path):
        info = json.loads(holder_info_path(ledger_path).read_text())
        assert info["pid"] == os.getpid()


def test_lock_info_has_start_time(tmp_path: Path) -> None:
    ledger_path = tmp_path / "ledger.sqlite"
    before = time.time()
    with run_lock(ledger_path):
        info = json.loads(holder_info_path(ledger_path).read_text())
    assert datetime.fromisoformat(info["started_at"]).timestamp() >= int(before)
