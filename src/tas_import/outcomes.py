"""The outcomes of rows that need no request: over the limit, invalid, a repeated key.

Both validation paths, row by row (``cli/job.py``) and in column batches
(``columnar/dry_run.py``), build them here, so that their messages are the same.
"""

from __future__ import annotations

from collections.abc import Sequence

from tas_import.coercion import format_problems
from tas_import.i18n import _
from tas_import.keys import describe_key
from tas_import.rows import CellProblem, RowResult, Status


def limited_result(number: int, limit: int | None) -> RowResult:
    """Return the result of a row after the first ``limit`` rows of a ``--limit`` run."""
    message = _("Not processed: the run was limited to {limit} rows by --limit.", limit=limit)
    return RowResult(number, Status.NOT_ATTEMPTED, message)


def invalid_result(number: int, problems: Sequence[CellProblem], note: str | None) -> RowResult:
    """Return the result of a row with bad cells; ``note`` explains a short row."""
    message = format_problems(problems)
    if note:
        message = _("{problems} (note: {note})", problems=message, note=note)
    return RowResult(number, Status.INVALID, message)


def repeated_key_problem(key_label: str, key: str) -> CellProblem:
    """Return the problem that the summary counts for a row whose key came before."""
    return CellProblem(key_label, describe_key(key), _("repeats the key of an earlier row"))
