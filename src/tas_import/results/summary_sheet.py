"""The Summary sheet: which run wrote the workbook, counts per status, common reasons."""

from __future__ import annotations

import datetime
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from tas_import.i18n import _, current_language
from tas_import.results.cells import needs_formula_guard
from tas_import.results.formats import DATETIME_FORMATS, STATUS_COLOURS
from tas_import.results.run import RunInfo, local_naive
from tas_import.rows import Status
from tas_import.summary import status_label


@dataclass(frozen=True, slots=True)
class SummaryData:
    """Everything the Summary sheet shows, collected by the results writer on close."""

    sheet_name: str
    info: RunInfo
    finished_at: datetime.datetime
    counts: Mapping[Status, int]
    reasons: Sequence[tuple[str, int]]


def write_summary_sheet(workbook: Any, sheet: Any, summary: SummaryData) -> None:
    """Fill ``sheet`` (an xlsxwriter worksheet) with the run's summary."""
    formats = _SummaryFormats(workbook)
    show_labels = current_language() != "en"

    # Long texts (the file path, reasons) overflow into the empty columns to their right.
    sheet.set_column(0, 0, 24)
    sheet.set_column(1, 1, 20)
    sheet.set_column(2, 2, 40)
    sheet.write_string(0, 0, _("Import summary"), formats.title)

    row = _write_run_details(sheet, summary, formats, first_row=2)
    row = _write_counts(sheet, summary.counts, formats, first_row=row + 1, labels=show_labels)
    _write_reasons(sheet, summary.reasons, formats, first_row=row + 1)


def _write_run_details(sheet: Any, summary: SummaryData, formats: _SummaryFormats, *,
                       first_row: int) -> int:
    info = summary.info
    mode = _("dry run, nothing sent") if info.dry_run else _("import")
    details: list[tuple[str, object]] = [
        (_("File"), str(info.input_path)),
        (_("Template"), info.template),
        (_("Run ID"), info.run_id),
        (_("Started"), local_naive(info.started_at)),
        (_("Finished"), local_naive(summary.finished_at)),
        (_("Mode"), mode),
        (_("Tool version"), info.tool_version),
    ]

    row = first_row
    for label, value in details:
        sheet.write_string(row, 0, label, formats.label)
        if isinstance(value, datetime.datetime):
            sheet.write_datetime(row, 1, value, formats.datetime)
        elif isinstance(value, int):
            sheet.write_number(row, 1, value, formats.left)
        else:
            _write_text(sheet, row, 1, str(value), formats)
        row += 1
    return row


def _write_counts(sheet: Any, counts: Mapping[Status, int], formats: _SummaryFormats, *,
                  first_row: int, labels: bool) -> int:
    # The stable English keyword stays in the first column, so the counts match the status
    # column of the data sheet. In a translated language its label follows the count.
    headings = [_("Status"), _("Rows"), _("Label")] if labels else [_("Status"), _("Rows")]
    sheet.write_row(first_row, 0, headings, formats.heading)

    row = first_row + 1
    for status in Status:
        if not counts.get(status):
            continue
        sheet.write_string(row, 0, status.value, formats.status(status))
        sheet.write_number(row, 1, counts[status], formats.left)
        if labels:
            sheet.write_string(row, 2, status_label(status))
        row += 1

    sheet.write_string(row, 0, _("Total"), formats.total)
    sheet.write_number(row, 1, sum(counts.values()), formats.total_number)
    return row + 1


def _write_reasons(sheet: Any, reasons: Sequence[tuple[str, int]], formats: _SummaryFormats,
                   *, first_row: int) -> None:
    sheet.write_row(first_row, 0, [_("Rows"), _("Most common reasons")], formats.heading)
    if not reasons:
        sheet.write_string(first_row + 1, 1, _("No row needs attention."))
        return

    for offset, (reason, count) in enumerate(reasons, start=1):
        sheet.write_number(first_row + offset, 0, count, formats.left)
        _write_text(sheet, first_row + offset, 1, reason, formats)


def _write_text(sheet: Any, row: int, column: int, text: str, formats: _SummaryFormats) -> None:
    # Reasons are server messages and input values: never let them become formulas.
    sheet.write_string(row, column, text, formats.quoted if needs_formula_guard(text) else None)


class _SummaryFormats:
    """The cell formats of the Summary sheet, created once per workbook."""

    def __init__(self, workbook: Any) -> None:
        language = current_language()
        self.title = workbook.add_format({"bold": True, "font_size": 14})
        self.label = workbook.add_format({"bold": True})
        self.heading = workbook.add_format({"bold": True, "bottom": 1, "bg_color": "#D9E1F2"})
        self.total = workbook.add_format({"bold": True, "top": 1})
        self.total_number = workbook.add_format({"bold": True, "top": 1, "align": "left"})
        self._status = {
            status: workbook.add_format({"bg_color": fill, "font_color": font})
            for status, (fill, font) in STATUS_COLOURS.items()
        }
        self.left = workbook.add_format({"align": "left"})
        self.quoted = workbook.add_format({"quote_prefix": True})
        self.datetime = workbook.add_format(
            {"num_format": DATETIME_FORMATS[language],
             "align": "left"}
        )

    def status(self, status: Status) -> Any:
        return self._status[status]
