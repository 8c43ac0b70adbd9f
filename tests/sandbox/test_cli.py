"""``tas-sandbox`` as its own process: serve, list cases, help and start-up errors."""

from __future__ import annotations

import asyncio
import json
import subprocess
import sys
from collections.abc import Callable
from decimal import Decimal
from pathlib import Path
from typing import Any

from tas_import.client import DeliveryOutcome, TasClient
from tas_import.rows import Status

# The subprocess sandbox fixture of tests/conftest.py.
SandboxFactory = Callable[..., Any]
SRC_DIR = Path(__file__).resolve().parents[2] / "src"


def run_cli(*arguments: str) -> subprocess.CompletedProcess[str]:
    environment = {"PYTHONPATH": str(SRC_DIR), "TAS_IMPORT_LANG": "en", "PATH": "/usr/bin:/bin"}
    return subprocess.run(
        [sys.executable, "-m", "tas_import.sandbox", *arguments],
        capture_output=True,
        text=True,
        env=environment,
        timeout=60,
        check=False,
    )


def start_case(url: str, token: str, data: dict[str, Any]) -> DeliveryOutcome:
    async def run() -> DeliveryOutcome:
        async with TasClient(url, token) as client:
            return await client.start_process(27, data)

    return asyncio.run(run())


def test_serve_then_cases_json(sandbox_process: SandboxFactory) -> None:
    running = sandbox_process()
    data = {"fullName": "Jiří Dvořák", "salary": Decimal("45000.10"), "startDate": "2026-01-02"}

    outcome = start_case(running.url, running.token, data)
    listed = run_cli("cases", "--db", str(running.db_path), "--json")

    assert outcome.status is Status.CREATED
    assert outcome.case_id == "1"
    assert listed.returncode == 0
    assert '"salary": 45000.10' in listed.stdout
    [case] = json.loads(listed.stdout)
    assert case["case_id"] == 1
    assert case["process_id"] == 27
    assert case["data"]["fullName"] == "Jiří Dvořák"


def test_serve_with_fault_option(sandbox_process: SandboxFactory) -> None:
    running = sandbox_process(extra_args=["--error-500", "1", "--seed", "3"])

    outcome = start_case(running.url, running.token, {"fullName": "x"})

    assert outcome.status is Status.FAILED
    assert outcome.http_status == 500


def test_cases_plain_listing(sandbox_process: SandboxFactory) -> None:
    running = sandbox_process()
    start_case(running.url, running.token, {"fullName": "Eva"})

    listed = run_cli("cases", "--db", str(running.db_path))

    assert listed.stdout.startswith("1\t27\t")
    assert '{"fullName":"Eva"}' in listed.stdout
    assert "Cases: 1" in listed.stderr


def test_serve_help_documents_faults() -> None:
    result = run_cli("serve", "--help")

    for option in (
        "--latency-ms",
        "--error-500",
        "--busy-503",
        "--throttle-429",
        "--retry-after",
        "--drop-before-store",
        "--drop-after-commit",
        "--slow",
        "--slow-seconds",
        "--seed",
    ):
        assert option in result.stdout, option


def test_serve_invalid_templates_exit_2(tmp_path: Path) -> None:
    templates = tmp_path / "templates.yaml"
    templates.write_text("templates:\n  27:\n    name: X\n    variables: {a: integer}\n")

    result = run_cli(
        "serve", "--templates", str(templates), "--token", "t", "--db", str(tmp_path / "db")
    )

    assert result.returncode == 2
    assert "line 4" in result.stderr
    assert "Traceback" not in result.stderr


def test_serve_shares_above_one_rejected(tmp_path: Path) -> None:
    templates = tmp_path / "templates.yaml"
    templates.write_text("templates:\n  27:\n    name: X\n    variables: {a: text}\n")

    result = run_cli(
        "serve",
        "--templates",
        str(templates),
        "--token",
        "t",
        "--db",
        str(tmp_path / "db"),
        "--error-500",
        "0.7",
        "--busy-503",
        "0.7",
    )

    assert result.returncode == 2
    assert "more than 1" in result.stderr


def test_serve_without_token_rejected(tmp_path: Path) -> None:
    templates = tmp_path / "templates.yaml"
    templates.write_text("templates:\n  27:\n    name: X\n    variables: {a: text}\n")

    result = run_cli("serve", "--templates", str(templates), "--db", str(tmp_path / "db"))

    assert result.returncode == 2
    assert "--token" in result.stderr
