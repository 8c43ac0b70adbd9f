"""The integer and number types: strict parsing of decimal and thousands separators.

A text value must match the declared separators exactly: ``1 234,50`` with decimal ``,``
and thousands `` ``, but never ``12abc`` or ``, ,, 123``; nothing is removed to make a
value fit. Values are sent as ``int`` (integer) or exact ``Decimal`` (number).
"""

from __future__ import annotations

import math
import re
from decimal import Decimal
from typing import Any

from tas_import.coercion.cells import MAX_EXACT_WHOLE_FLOAT, CellRejected, reject_unsupported
from tas_import.i18n import _


class NumberConverter:
    def __init__(
        self,
        *,
        decimal: str,
        thousands: list[str],
        minimum: Decimal | None,
        maximum: Decimal | None,
        integer: bool,
    ) -> None:
        self.decimal = decimal
        self.thousands = thousands
        self.minimum = minimum
        self.maximum = maximum
        self.integer = integer
        self.regex = _number_regex(decimal, thousands)

    def example(self) -> str:
        separator = self.thousands[0] if self.thousands else ""
        whole = f"1{separator}234"
        return whole if self.integer else f"{whole}{self.decimal}50"

    def from_text(self, text: str) -> int | Decimal:
        if text.isdigit() and text.isascii():  # the common case, without the regex
            return self._checked(Decimal(text))

        match = self.regex.fullmatch(text)
        if match is None:
            if self.integer:
                raise CellRejected(
                    _("is not a whole number in the form {example}", example=self.example())
                )
            raise CellRejected(_("is not a number in the form {example}", example=self.example()))

        sign, whole, separator, fraction = match.group("sign", "whole", "sep", "fraction")
        if separator:
            whole = whole.replace(separator, "")
        number = Decimal(f"{sign}{whole}.{fraction}" if fraction else f"{sign}{whole}")
        return self._checked(number)

    def from_native(self, value: Any) -> int | Decimal:
        if isinstance(value, bool):
            raise CellRejected(_("is a TRUE/FALSE cell, not a number"))
        if isinstance(value, int):
            return self._checked(Decimal(value))
        if isinstance(value, Decimal):
            return self._checked(value)
        if isinstance(value, float):
            if not math.isfinite(value):
                raise CellRejected(_("is not a finite number"))
            if self.integer and abs(value) >= MAX_EXACT_WHOLE_FLOAT:
                # Rounded to 15 digits, 12345678901234567 would be sent as ...600.
                raise CellRejected(
                    _("is a number of more than 15 digits, which Excel does not keep "
                      "exactly; format the column as text in Excel and type the value again")
                )
            # Excel keeps 15 significant digits: 0.1 + 0.2 is shown and meant as 0.3.
            return self._checked(Decimal(format(value, ".15g")))
        if hasattr(value, "year"):
            raise CellRejected(_("is a date or time cell, not a number"))
        raise reject_unsupported(value)

    def _checked(self, number: Decimal) -> int | Decimal:
        if self.minimum is not None and number < self.minimum:
            raise CellRejected(_("is less than the minimum {limit}", limit=self.minimum))
        if self.maximum is not None and number > self.maximum:
            raise CellRejected(_("is greater than the maximum {limit}", limit=self.maximum))
        if not self.integer:
            return number
        if number != number.to_integral_value():
            raise CellRejected(_("is not a whole number"))
        return int(number)


def _number_regex(decimal: str, thousands: list[str]) -> re.Pattern[str]:
    """Build the full-match regex: digits, optionally grouped by one consistent separator."""
    # [0-9], not \d: a digit of another script (fullwidth "１２３") is not guessed at.
    whole = r"[0-9]+(?P<sep>)"
    if thousands:
        separators = "|".join(re.escape(item) for item in thousands)
        # The backreference keeps one separator across the value: "1 234 567", not "1 234.567".
        whole = rf"[0-9]+|[0-9]{{1,3}}(?P<sep>{separators})[0-9]{{3}}(?:(?P=sep)[0-9]{{3}})*"
    return re.compile(
        rf"(?P<sign>[+-]?)(?P<whole>{whole})(?:{re.escape(decimal)}(?P<fraction>[0-9]+))?"
    )
