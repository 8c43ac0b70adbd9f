"""What identifies one import run on the Summary sheet."""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True, slots=True)
class RunInfo:
    """The run's input file, template and identity, as shown on the Summary sheet."""

    input_path: Path
    template: int
    run_id: str
    started_at: datetime.datetime
    tool_version: str
    dry_run: bool


def local_naive(moment: datetime.datetime) -> datetime.datetime:
    """Convert an aware time to local wall-clock time without tzinfo, as Excel stores it."""
    if moment.tzinfo is None:
        return moment
    return moment.astimezone().replace(tzinfo=None)
