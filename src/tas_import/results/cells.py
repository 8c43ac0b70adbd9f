"""Cell values of the results sheet: formula-injection guard, CSV text, column widths.

A spreadsheet program evaluates a cell that starts with ``=``, ``+``, ``-`` or ``@`` as a
formula, and tab, CR or LF at the start can smuggle one past a naive check. Input cells
and server messages are untrusted, so every text cell with such a start is neutralised.
In XLSX it stays a string cell (never a formula) with the quote-prefix style. In CSV it
gets a leading apostrophe, so that no spreadsheet program reads it as a formula.
"""

from __future__ import annotations

import datetime
import math
import re
from decimal import Decimal

from tas_import.rows import CellValue

FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r", "\n")

CSV_GUARD = "'"

# A signed plain number as Czech and English exports write it ("-5", "-1 234,50",
# "+420 777 123 456"): digits, separators and spaces cannot call a function, so the
# text is left as it is and a re-import reads the same number. The spaces include the
# no-break spaces that Czech Excel uses between digit groups.
_PLAIN_NUMBER = re.compile(r"[+-]?\d[\d \u00a0\u202f.,]*")

# A cell made only of dashes or plus signs ("-", "--") is a placeholder, not a formula.
_PLACEHOLDER = re.compile(r"[-+]+")

MIN_COLUMN_WIDTH = 6
MAX_COLUMN_WIDTH = 60


def needs_formula_guard(text: str) -> bool:
    """Tell whether a spreadsheet program could evaluate ``text`` as a formula."""
    if not text.startswith(FORMULA_PREFIXES):
        return False
    return not (_PLAIN_NUMBER.fullmatch(text) or _PLACEHOLDER.fullmatch(text))


def guard_csv_text(text: str) -> str:
    """Prefix a text that could be evaluated as a formula with an apostrophe."""
    return CSV_GUARD + text if needs_formula_guard(text) else text


def unguard_csv_text(text: str) -> str:
    """Undo :func:`guard_csv_text`, so a re-imported results CSV yields the original text."""
    if text.startswith(CSV_GUARD) and needs_formula_guard(text[1:]):
        return text[1:]
    return text


def is_finite_number(value: CellValue) -> bool:
    """Tell whether ``value`` can be written as a spreadsheet number."""
    if isinstance(value, bool):
        return False
    if isinstance(value, int):
        return True
    if isinstance(value, (float, Decimal)):
        return math.isfinite(value)
    return False


def csv_text(value: CellValue) -> str:
    """Format a cell for a CSV results file, guarded against formula injection.

    Numbers keep their sign unquoted, integral floats lose the ``.0`` that Excel never
    shows, dates use ISO 8601 and an empty cell is an empty string.
    """
    if value is None:
        return ""

    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"

    if is_finite_number(value):
        if isinstance(value, float) and value.is_integer():
            return str(int(value))
        return str(value)

    if isinstance(value, datetime.datetime):
        if value.time() == datetime.time(0, 0):
            return value.date().isoformat()
        return value.isoformat(sep=" ", timespec="seconds")

    if isinstance(value, (datetime.date, datetime.time)):
        return value.isoformat()

    return guard_csv_text(str(value))


def display_width(value: CellValue) -> int:
    """Estimate the characters a cell needs on screen, for the column width."""
    if value is None:
        return 0

    if isinstance(value, datetime.datetime):
        return 19 if value.time() != datetime.time(0, 0) else 10

    if isinstance(value, datetime.date):
        return 10

    text = str(value)
    longest_line = max((len(line) for line in text.splitlines()), default=0)
    return longest_line
