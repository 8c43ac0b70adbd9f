"""Kill -9 during real imports, and two runs on one ledger: never a duplicate, no row lost.

Each test runs ``tas-import`` as a subprocess against ``tas-sandbox serve`` in its own
process, both on 127.0.0.1.
"""

from __future__ import annotations

import os
import random
import signal
import subprocess
import sys
import time
from collections import Counter
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from tas_import.ledger import Ledger, LedgerState
from tas_import.lock import holder_info_path

SRC_DIR = Path(__file__).resolve().parents[2] / "src"

# The `sandbox_process` fixture of tests/conftest.py starts the server and returns a
# RunningSandbox (url, token, db_path, cases()).
RunningSandbox = Any
SandboxFactory = Callable[..., Any]

MAPPING = """\
template: 27
key: ["Osobní číslo"]
variables:
  employeeNumber: {column: "Osobní číslo", type: text, required: true}
  fullName:       {column: "Jméno", type: text}
  salary:         {column: "Mzda", type: number, decimal: ","}
"""


def write_input(folder: Path, rows: int) -> tuple[Path, Path]:
    """Write a Czech-style CSV with ``rows`` valid rows and its mapping."""
    lines = ["Osobní číslo;Jméno;Mzda"]
    lines += [f"E{number:05d};Zaměstnanec {number};{number},50" for number in range(rows)]
    csv_path = folder / "people.csv"
    csv_path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    mapping_path = folder / "people.yaml"
    mapping_path.write_text(MAPPING, encoding="utf-8")
    return csv_path, mapping_path


def import_command(csv_path: Path, mapping_path: Path, ledger: Path, *extra: str) -> list[str]:
    return [
        sys.executable,
        "-m",
        "tas_import",
        str(csv_path),
        "--mapping",
        str(mapping_path),
        "--state",
        str(ledger),
        "--concurrency",
        "8",
        *extra,
    ]


def import_environment(server: RunningSandbox) -> dict[str, str]:
    environment = dict(os.environ)
    paths = [str(SRC_DIR), *filter(None, [environment.get("PYTHONPATH")])]
    environment["PYTHONPATH"] = os.pathsep.join(paths)
    environment["TAS_URL"] = server.url
    environment["TAS_TOKEN"] = server.token
    return environment


def case_counts(server: RunningSandbox) -> Counter[str]:
    return Counter(str(case["data"]["employeeNumber"]) for case in server.cases())


def wait_until_quiet(server: RunningSandbox, *, quiet_seconds: float = 0.5) -> None:
    """Wait until the sandbox stores no new case for ``quiet_seconds`` (at most 20 s).

    Requests that a killed import had sent still finish on the server. Checking for
    stored cases before they have would make the test resend a row that is about to
    be stored, the very duplicate an operator avoids by checking TAS after the run.
    """
    deadline = time.monotonic() + 20
    count = len(server.cases())
    quiet_since = time.monotonic()
    while time.monotonic() - quiet_since < quiet_seconds and time.monotonic() < deadline:
        time.sleep(0.1)
        now_count = len(server.cases())
        if now_count != count:
            count, quiet_since = now_count, time.monotonic()


def settle_doubts(server: RunningSandbox, ledger_path: Path) -> tuple[int, int]:
    """Settle every doubtful row that the sandbox stored; return (settled, left) counts.

    This is the operator's check in TAS: a row the sandbox has a case for is settled as
    created. The rows left are verified as not stored, so ``--resend-unknown`` is safe.
    """
    stored = {str(case["data"]["employeeNumber"]): case["case_id"] for case in server.cases()}
    settled = left = 0
    with Ledger.open(ledger_path) as ledger:
        doubts = [
            entry
            for entry in ledger.entries()
            if entry.state in (LedgerState.UNKNOWN, LedgerState.SENDING)
        ]
        for entry in doubts:
            employee = entry.identity.row_key.strip('[]"')
            if employee in stored:
                ledger.settle(entry.entry_id, created=True, case_id=str(stored[employee]))
                settled += 1
            else:
                left += 1
    return settled, left


@pytest.mark.slow
def test_kill_nine_then_rerun(sandbox_process: SandboxFactory, tmp_path: Path) -> None:
    rows = 3000
    server = sandbox_process(extra_args=["--latency-ms", "10"])
    csv_path, mapping_path = write_input(tmp_path, rows)
    ledger_path = tmp_path / "ledger.sqlite"
    environment = import_environment(server)
    chooser = random.Random(20261204)
    deadline = time.monotonic() + 40

    kills = doubts = 0
    left = 0
    for _attempt in range(10):
        if time.monotonic() > deadline:
            break
        extra = ["--resend-unknown"] if left else []
        process = subprocess.Popen(
            import_command(csv_path, mapping_path, ledger_path, *extra),
            env=environment,
            cwd=tmp_path,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        time.sleep(chooser.uniform(0.8, 2.5))
        if process.poll() is not None:
            break
        process.send_signal(signal.SIGKILL)
        process.wait(timeout=30)
        kills += 1
        wait_until_quiet(server)
        settled, left = settle_doubts(server, ledger_path)
        doubts += settled + left

    _settled, left = settle_doubts(server, ledger_path)
    final = subprocess.run(
        import_command(csv_path, mapping_path, ledger_path, *(["--resend-unknown"] * bool(left))),
        env=environment,
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )

    counts = case_counts(server)
    assert kills >= 3
    assert doubts > 0, "no kill landed while rows were in flight"
    assert final.returncode == 0, final.stdout + final.stderr
    assert len(counts) == rows
    assert max(counts.values()) == 1
    assert "Traceback" not in final.stderr
    for state_file in tmp_path.glob("ledger.sqlite*"):
        assert server.token.encode() not in state_file.read_bytes(), state_file.name


@pytest.mark.slow
def test_second_run_exits_4(sandbox_process: SandboxFactory, tmp_path: Path) -> None:
    rows = 400
    server = sandbox_process(extra_args=["--latency-ms", "40"])
    csv_path, mapping_path = write_input(tmp_path, rows)
    ledger_path = tmp_path / "ledger.sqlite"
    environment = import_environment(server)

    first = subprocess.Popen(
        import_command(csv_path, mapping_path, ledger_path),
        env=environment,
        cwd=tmp_path,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    deadline = time.monotonic() + 30
    while not holder_info_path(ledger_path).exists():
        assert first.poll() is None, "the first run ended before it took the lock"
        assert time.monotonic() < deadline
        time.sleep(0.05)

    second = subprocess.run(
        import_command(csv_path, mapping_path, ledger_path),
        env=environment,
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    first_stdout, first_stderr = first.communicate(timeout=60)

    counts = case_counts(server)
    assert second.returncode == 4, second.stdout + second.stderr
    assert f"PID {first.pid}" in second.stderr
    assert first.returncode == 0, first_stdout + first_stderr
    assert len(counts) == rows
    assert max(counts.values()) == 1
    assert server.token not in second.stdout + second.stderr
    assert server.token not in first_stdout + first_stderr
