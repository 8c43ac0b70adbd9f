"""``--summary-json``: a machine-readable account of a run for schedulers and monitoring."""

from __future__ import annotations

import datetime as dt
import json
from collections import Counter
from pathlib import Path
from typing import Any

from tas_import import __version__
from tas_import.cli.run import RunOutcome
from tas_import.rows import Status


def seconds_between(start: dt.datetime, end: dt.datetime | None) -> float:
    return round(((end or start) - start).total_seconds(), 3)


def summary_document(outcome: RunOutcome) -> dict[str, Any]:
    """Return counts per status and file, durations, the exit code and the tool version."""
    totals: Counter[Status] = Counter()
    files: list[dict[str, Any]] = []
    for file_outcome in outcome.files:
        totals.update(file_outcome.counts)
        files.append(
            {
                "file": str(file_outcome.input_path),
                "results": str(file_outcome.results_path) if file_outcome.results_path else None,
                "counts": {status.value: file_outcome.counts[status] for status in Status},
                "exit_code": file_outcome.exit_code,
                "error": file_outcome.error.message if file_outcome.error else None,
                "stop_reason": file_outcome.stop_reason,
                "duration_seconds": seconds_between(
                    file_outcome.started_at, file_outcome.finished_at
                ),
            }
        )
    return {
        "tool": "tas-import",
        "version": __version__,
        "run_id": outcome.run_id,
        "dry_run": outcome.dry_run,
        "started_at": outcome.started_at.isoformat(),
        "finished_at": outcome.finished_at.isoformat() if outcome.finished_at else None,
        "duration_seconds": seconds_between(outcome.started_at, outcome.finished_at),
        "exit_code": outcome.exit_code,
        "error": outcome.error.message if outcome.error else None,
        "counts": {status.value: totals[status] for status in Status},
        "files": files,
    }


def write_summary_json(path: Path, outcome: RunOutcome) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    text = json.dumps(summary_document(outcome), ensure_ascii=False, indent=2)
    path.write_text(text + "\n", encoding="utf-8")
