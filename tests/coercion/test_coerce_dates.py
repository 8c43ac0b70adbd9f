from __future__ import annotations

import datetime as dt
from collections.abc import Callable

from tas_import.reading import FormulaWithoutValue
from tas_import.rows import CoercedRow

CoerceOne = Callable[..., CoercedRow]


def test_slash_day_first(coerce_one: CoerceOne) -> None:
    row = coerce_one("02/01/2014", None, type="date", formats=["%d/%m/%Y"])
    assert row.data == {"v": "2014-01-02"}


def test_ambiguous_formats_invalid(coerce_one: CoerceOne) -> None:
    row = coerce_one("02/01/2014", None, type="date", formats=["%d/%m/%Y", "%m/%d/%Y"])
    assert row.data is None
    assert "ambiguous" in row.problems[0].message


def test_formats_agreeing_valid(coerce_one: CoerceOne) -> None:
    row = coerce_one("13/01/2014", None, type="date", formats=["%d/%m/%Y", "%m/%d/%Y"])
    assert row.data == {"v": "2014-01-13"}


def test_czech_dates(coerce_one: CoerceOne) -> None:
    assert coerce_one("31.12.2026", {"preset": "cz"}, type="date").data == {"v": "2026-12-31"}
    assert coerce_one("1. 2. 2026", {"preset": "cz"}, type="date").data == {"v": "2026-02-01"}


def test_bad_date_message(coerce_one: CoerceOne) -> None:
    row = coerce_one("2026-13-01", {"preset": "cz"}, type="date")
    assert row.problems[0].message == "is not a date in format dd.mm.yyyy or dd. mm. yyyy"


def test_native_date_cell(coerce_one: CoerceOne) -> None:
    assert coerce_one(dt.date(2026, 3, 1), None, type="date").data == {"v": "2026-03-01"}


def test_datetime_with_time(coerce_one: CoerceOne) -> None:
    moment = dt.datetime(2026, 3, 1, 23, 30)
    assert coerce_one(moment, None, type="date").data is None
    assert coerce_one(moment, None, type="date", time="drop").data == {"v": "2026-03-01"}


def test_midnight_datetime_valid(coerce_one: CoerceOne) -> None:
    row = coerce_one(dt.datetime(2026, 3, 1), None, type="date")
    assert row.data == {"v": "2026-03-01"}


def test_excel_serial_opt_in(coerce_one: CoerceOne) -> None:
    assert coerce_one(45000, None, type="date").data is None
    assert coerce_one(45000, None, type="date", excel_serial=True).data == {"v": "2023-03-15"}


def test_formula_without_value(coerce_one: CoerceOne) -> None:
    row = coerce_one(FormulaWithoutValue("A1+1"), None, type="date")
    assert "formula" in row.problems[0].message


def test_datetime_output(coerce_one: CoerceOne) -> None:
    row = coerce_one("2026-03-01 08:15:00", None, type="datetime")
    assert row.data == {"v": "2026-03-01T08:15:00"}


def test_two_digit_year_python_rule(coerce_one: CoerceOne) -> None:
    row = coerce_one("05/05/64", None, type="date", formats=["%m/%d/%y"])
    assert row.data == {"v": "2064-05-05"}


def test_two_digit_year_past(coerce_one: CoerceOne) -> None:
    options = {"type": "date", "formats": ["%m/%d/%y"], "two_digit_year": "past"}
    assert coerce_one("05/05/64", None, **options).data == {"v": "1964-05-05"}
    assert coerce_one("07/10/83", None, **options).data == {"v": "1983-07-10"}
    assert coerce_one("01/02/03", None, **options).data == {"v": "2003-01-02"}


def test_two_digit_year_future(coerce_one: CoerceOne) -> None:
    options = {"type": "date", "formats": ["%d.%m.%y"], "two_digit_year": "future"}
    assert coerce_one("31.12.99", None, **options).data == {"v": "2099-12-31"}


def test_two_digit_year_leaves_four_digits(coerce_one: CoerceOne) -> None:
    options = {"type": "date", "formats": ["%m/%d/%Y"], "two_digit_year": "past"}
    assert coerce_one("05/05/2064", None, **options).data == {"v": "2064-05-05"}


def test_impossible_day_named(coerce_one: CoerceOne) -> None:
    row = coerce_one("31.02.2027", {"preset": "cz"}, type="date")
    assert row.problems[0].message == "is not a real date: that month has no such day"
