"""Colours and number formats shared by the data sheet and the Summary sheet."""

from __future__ import annotations

from tas_import.rows import Status

# Fill and font colour of a status cell, close to Excel's Good, Bad and Neutral styles:
# green for done, red for rows the user must fix, orange for rows to check or resend.
STATUS_COLOURS: dict[Status, tuple[str, str]] = {
    Status.CREATED: ("#C6EFCE", "#006100"),
    Status.VALID: ("#C6EFCE", "#006100"),
    Status.SKIPPED: ("#E7E6E6", "#3A3838"),
    Status.INVALID: ("#FFC7CE", "#9C0006"),
    Status.FAILED: ("#FFC7CE", "#9C0006"),
    Status.UNKNOWN: ("#FFD8A8", "#8A3B00"),
    Status.NOT_ATTEMPTED: ("#FFD8A8", "#8A3B00"),
}

# Excel number formats per language: Czech users read 31.12.2026, others ISO 8601.
DATE_FORMATS = {"cs": "d.m.yyyy", "en": "yyyy-mm-dd"}
DATETIME_FORMATS = {"cs": "d.m.yyyy h:mm:ss", "en": "yyyy-mm-dd hh:mm:ss"}
