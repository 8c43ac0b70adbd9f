from __future__ import annotations

import datetime
from collections.abc import Iterator
from pathlib import Path

import pytest

from tas_import.i18n import set_language
from tas_import.results import RunInfo

STARTED = datetime.datetime(2026, 3, 2, 8, 30, tzinfo=datetime.timezone.utc)


@pytest.fixture(autouse=True)
def english() -> Iterator[None]:
    """Run each test in English unless it switches, and restore English afterwards."""
    set_language("en")
    yield
    set_language("en")


@pytest.fixture
def info(tmp_path: Path) -> RunInfo:
    input_path = tmp_path / "nastupy.xlsx"
    input_path.write_bytes(b"")
    return RunInfo(
        input_path=input_path,
        template=27,
        run_id="run-20260302-0830",
        started_at=STARTED,
        tool_version="0.1.0",
        dry_run=False,
    )
