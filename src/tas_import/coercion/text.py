"""The text type: sent as the cell's text, never parsed as a number or a date."""

from __future__ import annotations

import re
from decimal import Decimal
from typing import Any

from tas_import.coercion.cells import CellRejected, whole_number_text
from tas_import.i18n import _
from tas_import.mapping import TextVariable

# C0 and C1 control characters but tab and line breaks, which a multi-line cell may have.
# A text read in the wrong encoding (Š in cp1250 read as ISO 8859-2) shows them.
CONTROL_CHARACTERS = "\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f"
CONTROL_CHARACTER = re.compile(f"[{CONTROL_CHARACTERS}]")


class TextConverter:
    """Apply ``map``, ``case``, ``pad``, ``pattern`` and ``max_length``, in that order."""

    def __init__(self, variable: TextVariable) -> None:
        self.map = variable.map
        self.case = variable.case
        self.pad = variable.pad
        self.max_length = variable.max_length
        self.pattern = re.compile(variable.pattern) if variable.pattern is not None else None
        self.pattern_text = variable.pattern
        self.is_plain = not (
            self.map or self.case or self.pad or self.max_length or self.pattern is not None
        )

    def from_text(self, text: str) -> str:
        control = CONTROL_CHARACTER.search(text)
        if control is not None:
            raise CellRejected(
                _("contains the control character U+{code:04X}, which is a sign of a wrong "
                  "encoding; check --encoding", code=ord(control.group()))
            )
        value = self.map.get(text, text)
        if self.case == "upper":
            value = value.upper()
        elif self.case == "lower":
            value = value.lower()
        elif self.case == "title":
            value = value.title()

        # Zero-fill only digit strings: a ZIP code or personal number that lost its zeros.
        if self.pad is not None and value.isdigit() and value.isascii():
            value = value.zfill(self.pad)

        if self.pattern is not None and self.pattern.fullmatch(value) is None:
            raise CellRejected(_("does not match the pattern {pattern}", pattern=self.pattern_text))
        if self.max_length is not None and len(value) > self.max_length:
            raise CellRejected(
                _("is longer than {limit} characters", limit=self.max_length)
            )
        return value

    def from_native(self, value: Any) -> str:
        if isinstance(value, Decimal):  # a number written as the mapping's default
            return self.from_text(str(value))
        return self.from_text(whole_number_text(value))
