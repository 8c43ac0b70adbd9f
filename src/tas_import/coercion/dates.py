"""The date and datetime types: every format is tried, so an ambiguous value is rejected.

No time-zone conversion happens anywhere: the calendar date written in the sheet, or held
by a native Excel date cell, is the date sent, whatever the machine's time zone.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Callable
from typing import Any, Literal

from tas_import.coercion.cells import CellRejected, describe_formats, reject_unsupported
from tas_import.i18n import _

# Excel serial day numbers count from 1899-12-30 in the 1900 date system. Serials below 61
# fall before Excel's phantom 1900-02-29 and mean a different day, so they are rejected.
EXCEL_EPOCH = dt.datetime(1899, 12, 30)
EXCEL_FIRST_EXACT_SERIAL = 61
EXCEL_LAST_SERIAL = 2958465  # 9999-12-31


TwoDigitYear = Literal["python", "past", "future"]


class DateConverter:
    def __init__(
        self,
        formats: list[str],
        *,
        time: Literal["error", "drop"],
        excel_serial: bool,
        two_digit_year: TwoDigitYear = "python",
        today: dt.date | None = None,
    ) -> None:
        self.formats = formats
        self.drop_time = time == "drop"
        self.excel_serial = excel_serial
        self.two_digit_year = two_digit_year
        self.today = today or dt.date.today()

    def from_text(self, text: str) -> str:
        moments = _parse_all(text, self.formats, self._move_century)
        if not moments:
            if self.excel_serial and text.isdigit():
                return self._from_serial(float(text))
            if _names_impossible_day(text, self.formats):
                raise CellRejected(_("is not a real date: that month has no such day"))
            raise CellRejected(
                _("is not a date in format {formats}", formats=describe_formats(self.formats))
            )

        days = {moment.date() for moment in moments}
        if len(days) > 1:
            raise CellRejected(
                _("is ambiguous: the formats {formats} read it as different dates",
                  formats=describe_formats(self.formats, all_of=True))
            )
        if any(moment.time() != dt.time() for moment in moments):
            self._check_time()
        return days.pop().isoformat()

    def from_native(self, value: Any) -> str:
        if isinstance(value, dt.datetime):
            if value.time() != dt.time():
                self._check_time()
            return value.date().isoformat()
        if isinstance(value, dt.date):
            return value.isoformat()
        if isinstance(value, dt.time):
            raise CellRejected(_("is a time cell, not a date"))
        if isinstance(value, bool):
            raise CellRejected(_("is a TRUE/FALSE cell, not a date"))
        if isinstance(value, (int, float)):
            if not self.excel_serial:
                raise CellRejected(
                    _("is a number, not a date; set excel_serial: true if it is an Excel date "
                      "number")
                )
            return self._from_serial(float(value))
        raise reject_unsupported(value)

    def _from_serial(self, serial: float) -> str:
        if not math.isfinite(serial) or not (
            EXCEL_FIRST_EXACT_SERIAL <= serial < EXCEL_LAST_SERIAL + 1
        ):
            raise CellRejected(_("is outside the range of Excel date numbers"))
        if not serial.is_integer():
            self._check_time()
        return (EXCEL_EPOCH + dt.timedelta(days=math.floor(serial))).date().isoformat()

    def _move_century(self, moment: dt.datetime) -> dt.datetime:
        """Put a year read by ``%y`` into the century that ``two_digit_year`` sets.

        strptime maps 69-99 to 1969-1999 and 00-68 to 2000-2068, so a birth date
        written ``05/05/64`` would become 2064; ``past`` moves it to 1964.
        """
        if self.two_digit_year == "past" and moment.date() > self.today:
            return _shift_years(moment, -100)
        if self.two_digit_year == "future" and moment.date() < self.today:
            return _shift_years(moment, 100)
        return moment

    def _check_time(self) -> None:
        if not self.drop_time:
            raise CellRejected(_("has a time of day; set time: drop to send only the date"))


class DatetimeConverter:
    # NOTE: the TAS start-process API documents no datetime format; the default output
    # YYYY-MM-DDTHH:MM:SS is an assumption that `output` lets the mapping override.

    def __init__(self, formats: list[str], *, output: str) -> None:
        self.formats = formats
        self.output = output

    def from_text(self, text: str) -> str:
        moments = set(_parse_all(text, self.formats))
        if not moments:
            raise CellRejected(
                _("is not a date and time in format {formats}",
                  formats=describe_formats(self.formats))
            )
        if len(moments) > 1:
            raise CellRejected(
                _("is ambiguous: the formats {formats} read it as different times",
                  formats=describe_formats(self.formats, all_of=True))
            )
        return moments.pop().strftime(self.output)

    def from_native(self, value: Any) -> str:
        if isinstance(value, dt.datetime):
            return value.strftime(self.output)
        if isinstance(value, dt.date):
            return dt.datetime(value.year, value.month, value.day).strftime(self.output)
        if isinstance(value, dt.time):
            raise CellRejected(_("is a time cell without a date"))
        if isinstance(value, (bool, int, float)):
            raise CellRejected(_("is a number, not a date and time"))
        raise reject_unsupported(value)


def _shift_years(moment: dt.datetime, years: int) -> dt.datetime:
    try:
        return moment.replace(year=moment.year + years)
    except ValueError:
        # 29 February of a year like 2000 has no match a century away (1900 is no leap year).
        raise CellRejected(_("is 29 February in a year that has none")) from None


def _names_impossible_day(text: str, formats: list[str]) -> bool:
    """Tell whether ``text`` fits a format's shape but names a day the month lacks (31.02.)."""
    for strptime_format in formats:
        try:
            dt.datetime.strptime(text, strptime_format)
        except ValueError as error:
            # CPython's strptime words this case "day is out of range for month".
            if "out of range" in str(error):
                return True
    return False


def _parse_all(
    text: str,
    formats: list[str],
    move_century: Callable[[dt.datetime], dt.datetime] | None = None,
) -> list[dt.datetime]:
    """Parse ``text`` with every format; an empty list means no format fits.

    ``move_century`` adjusts what a format with a two-digit year (``%y``) read.
    """
    moments = []
    for strptime_format in formats:
        try:
            moment = dt.datetime.strptime(text, strptime_format)
        except ValueError:
            continue
        if move_century is not None and "%y" in strptime_format:
            moment = move_century(moment)
        moments.append(moment)
    return moments
