"""Shared pieces of cell coercion: the rejection signal, native cell checks, format names."""

from __future__ import annotations

import datetime as dt
import math
import re
from typing import Any

from tas_import.i18n import _
from tas_import.reading.model import FormulaWithoutValue

# Excel keeps 15 significant digits; a whole float below this bound prints exactly.
MAX_EXACT_WHOLE_FLOAT = 10**15


class CellRejected(Exception):
    """Raised by a converter when a cell does not fit its type; ``message`` has no value in it."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class Omitted:
    """The marker for an empty optional cell: the variable is left out of ``data``."""

    _instance: Omitted | None = None

    def __new__(cls) -> Omitted:
        if cls._instance is None:
            cls._instance = super().__new__(cls)
        return cls._instance

    def __repr__(self) -> str:
        return "OMITTED"


OMITTED = Omitted()


def reject_unsupported(value: Any) -> CellRejected:
    """Return the rejection for a cell no converter reads, such as a formula without value."""
    if isinstance(value, FormulaWithoutValue):
        if value.error:
            return CellRejected(
                _("is a formula whose result is the Excel error {error}; fix the formula",
                  error=value.error)
            )
        return CellRejected(
            _("is a formula without a saved value; open and save the file in Excel")
        )
    return CellRejected(_("is a cell of an unsupported kind ({kind})", kind=type(value).__name__))


def whole_number_text(value: Any) -> str:
    """Return the digits of a native Excel number that is a whole number and prints exactly.

    ``601`` and ``601.0`` give ``"601"``; ``6.5``, ``1.2E+19``, booleans, dates and times
    raise :class:`CellRejected`, because a text variable never guesses how to print them.
    """
    if isinstance(value, bool):
        raise CellRejected(_("is a TRUE/FALSE cell; declare the variable as type boolean"))
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        if math.isfinite(value) and value.is_integer() and abs(value) < MAX_EXACT_WHOLE_FLOAT:
            return str(int(value))
        if math.isfinite(value) and value.is_integer():
            raise CellRejected(
                _("is a number of more than 15 digits, which Excel does not keep exactly; "
                  "format the column as text in Excel and type the value again")
            )
        raise CellRejected(
            _("is a number that is not a whole number; format the column as text in Excel")
        )
    if isinstance(value, (dt.date, dt.time)):
        raise CellRejected(
            _("is a date or time cell; declare the variable as type date or format the column "
              "as text in Excel")
        )
    raise reject_unsupported(value)


_FORMAT_TOKENS = {
    "%d": "dd",
    "%m": "mm",
    "%y": "yy",
    "%H": "HH",
    "%I": "hh",
    "%M": "MM",
    "%S": "SS",
    "%f": "ffffff",
    "%p": "AM/PM",
    "%b": "mon",
    "%B": "month",
    "%j": "ddd",
    "%z": "+HHMM",
    "%%": "%",
}


def describe_format(strptime_format: str) -> str:
    """Spell a strptime format the way users read it: ``%d.%m.%Y`` -> ``dd.mm.yyyy``."""
    tokens = dict(_FORMAT_TOKENS)
    tokens["%Y"] = _("yyyy")
    tokens["%y"] = _("yy")
    return re.sub(r"%[a-zA-Z%]", lambda match: tokens.get(match.group(0), match.group(0)),
                  strptime_format)


def describe_formats(formats: list[str], *, all_of: bool = False) -> str:
    """Name the formats as alternatives ("a or b"), or with ``all_of`` together ("a and b")."""
    conjunction = _(" and ") if all_of else _(" or ")
    return conjunction.join(describe_format(item) for item in formats)
