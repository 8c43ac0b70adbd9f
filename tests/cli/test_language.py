"""Czech help and messages through the real entry point, click's own texts included."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]


def run_tas_import(*args: str, language: str | None = None) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PYTHONPATH": str(REPO / "src")}
    env.pop("TAS_IMPORT_LANG", None)
    if language is not None:
        env["TAS_IMPORT_LANG"] = language
    return subprocess.run(
        [sys.executable, "-m", "tas_import", *args],
        env=env, capture_output=True, text=True, timeout=60, check=False,
    )


def test_czech_help() -> None:
    result = run_tas_import("import", "--help", "--lang", "cs")

    assert result.returncode == 0
    assert result.stdout.startswith("Použití: tas-import import")
    assert "Volby:" in result.stdout
    assert "Zobrazí tuto nápovědu a skončí." in result.stdout
    assert "Návratové kódy:" in result.stdout


def test_czech_usage_error_from_environment() -> None:
    result = run_tas_import("data.csv", language="cs")

    assert result.returncode == 2
    assert "Chyba: Chybí volba '-m' / '--mapping'." in result.stderr


def test_english_by_default() -> None:
    result = run_tas_import("data.csv")

    assert result.returncode == 2
    assert "Error: Missing option '-m' / '--mapping'." in result.stderr
