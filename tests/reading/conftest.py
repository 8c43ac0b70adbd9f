"""Shared fixtures for the reading tests: paths and small workbook builders."""

from __future__ import annotations

from pathlib import Path

import pytest

REAL_INPUT = Path(__file__).resolve().parents[2] / ".." / "shared" / "real-input"


@pytest.fixture
def real_input() -> Path:
    """Return the folder of real-world sample files, or skip when it is absent."""
    if not REAL_INPUT.is_dir():
        pytest.skip(f"{REAL_INPUT} is not present")
    return REAL_INPUT
