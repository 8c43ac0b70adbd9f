"""The closing summary on stdout and the translated labels of the status keywords."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from pathlib import Path

from tas_import.i18n import _, current_language
from tas_import.rows import Status

INDENT = "  "


def status_label(status: Status) -> str:
    """Return the status in the current language; the sheet keeps the English keyword."""
    labels = {
        Status.CREATED: _("created"),
        Status.FAILED: _("failed"),
        Status.INVALID: _("invalid"),
        Status.UNKNOWN: _("unknown"),
        Status.VALID: _("valid"),
        Status.SKIPPED: _("skipped"),
        Status.NOT_ATTEMPTED: _("not attempted"),
    }
    return labels[status]


def format_summary(
    counts: Mapping[Status, int],
    results_path: Path | None,
    *,
    dry_run: bool,
    stop_reason: str | None,
    problem_lines: Sequence[str],
) -> str:
    """Build the closing summary: counts per status, results path, next steps, problems.

    ``stop_reason`` is the translated reason why the run stopped before every row was
    attempted (an expired token, the server down). ``problem_lines`` are translated
    lines, one per problem, that the caller chose to show (for example the first
    invalid rows); they are printed as they are. ``results_path`` is None when the run
    stopped before a results file was written.
    """
    lines = [_count_heading(counts, dry_run=dry_run)]
    lines.extend(_count_lines(counts))
    if results_path is not None:
        lines.append(_("Results: {path}", path=results_path))

    if stop_reason:
        lines.append("")
        lines.append(_("The run stopped early: {reason}", reason=stop_reason))

    next_steps = _next_steps(counts, results_path, dry_run=dry_run, stopped=bool(stop_reason))
    if next_steps:
        lines.append("")
        lines.append(_("Next steps:"))
        lines.extend(INDENT + "- " + step for step in next_steps)

    # Last, so that the most common problems per column end the output, where a user
    # looks first.
    if problem_lines:
        lines.append("")
        lines.append(_("Problems:"))
        lines.extend(INDENT + line for line in problem_lines)

    return "\n".join(lines)


def _count_heading(counts: Mapping[Status, int], *, dry_run: bool) -> str:
    total = sum(counts.values())
    if dry_run:
        return _("Dry run, nothing was sent to TAS. Rows checked: {total}", total=total)
    return _("Rows processed: {total}", total=total)


def _count_lines(counts: Mapping[Status, int]) -> list[str]:
    # Czech output shows the translated label and the keyword that the results sheet and
    # scripts use; English output shows the keyword once.
    translated = current_language() != "en"
    entries = []
    for status in Status:
        count = counts.get(status, 0)
        if not count:
            continue
        label = f"{status_label(status)} ({status.value})" if translated else status.value
        entries.append((label, count))

    width = max((len(label) for label, _count in entries), default=0)
    return [f"{INDENT}{label:<{width}}  {count:>7}" for label, count in entries]


def _next_steps(
    counts: Mapping[Status, int], results_path: Path | None, *, dry_run: bool, stopped: bool
) -> list[str]:
    steps: list[str] = []
    results_name = results_path.name if results_path is not None else _("the results file")

    if counts.get(Status.UNKNOWN):
        steps.append(_(
            "Rows with an unknown outcome: {count}. TAS may have created their cases. "
            "Look them up in TAS and record what you find with 'tas-import ledger settle', "
            "or rerun with --resend-unknown once you are sure TAS did not create them.",
            count=counts[Status.UNKNOWN],
        ))

    if counts.get(Status.INVALID):
        if dry_run:
            steps.append(_(
                "Invalid rows: {count}. The message column of {path} says why. "
                "Fix them there and run the dry run again on that file.",
                count=counts[Status.INVALID], path=results_name,
            ))
        else:
            steps.append(_(
                "Invalid rows: {count}. The message column of {path} says why. "
                "Fix them there and import that file again with the same mapping.",
                count=counts[Status.INVALID], path=results_name,
            ))
        if results_path is not None and results_path.suffix.lower() == ".csv":
            steps.append(_(
                "Excel drops leading zeros such as in 00601 when it opens a CSV file. To fix "
                "rows in Excel, run again with --results {name}.",
                name=results_path.with_suffix(".xlsx").name,
            ))

    if counts.get(Status.FAILED):
        steps.append(_(
            "Failed rows: {count}. The message column of {path} has the TAS error. "
            "Fix the cause and import that file again: rows already created are skipped.",
            count=counts[Status.FAILED], path=results_name,
        ))

    if stopped or counts.get(Status.NOT_ATTEMPTED):
        steps.append(_(
            "Fix the cause and rerun the same command; it resumes and skips the rows "
            "already created. If the token expired, set a fresh TAS_TOKEN first."
        ))

    if dry_run and not steps and counts.get(Status.VALID):
        steps.append(_("Every row is valid: run the same command without --dry-run to import."))

    return steps
