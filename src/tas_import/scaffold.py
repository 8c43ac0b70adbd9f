"""The mapping scaffold printed by ``tas-import init``.

One variable per column, with the header as ``column`` and ``type: text``, the type that
sends the cell as it is. What the sample values look like is written as a comment beside
it, so the administrator decides every type; the scaffold never declares a guessed one.
"""

from __future__ import annotations

import datetime as dt
import json
import re
import unicodedata
from collections import Counter
from collections.abc import Iterable, Iterator
from itertools import islice
from typing import Any, Protocol

from tas_import.coercion import format_value
from tas_import.i18n import _
from tas_import.reading.headers import lettered_header
from tas_import.reading.model import Column
from tas_import.rows import SourceRow
from tas_import.templates import Template

MAX_SAMPLE_LENGTH = 30
# Rows read to find samples: enough to see past blank cells at the top of a column.
SCAN_ROWS = 200

# Words that exports write for "no value"; a column that has them and dates is a date
# column with empty cells.
PLACEHOLDERS = frozenset({"-", "--", "n/a", "na", "?", "null", "none"})

CZECH_SAMPLE = re.compile(
    r"-?\d{1,3}(?:[ \u00a0\u202f]\d{3})*,\d+|-?\d+,\d+|\d{1,2}\.\s?\d{1,2}\.\s?\d{4}|(?i:ano|ne)"
)
ENGLISH_SAMPLE = re.compile(r"-?\d+\.\d+|\d{1,2}/\d{1,2}/\d{2,4}|(?i:yes|no)")


def _looks_like_rules() -> list[tuple[re.Pattern[str], str]]:
    """Return (pattern every sample must match, what the column then looks like)."""
    return [
        (re.compile(r"\d{1,2}\.\s?\d{1,2}\.\s?\d{4}"),
         _("date (dd.mm.yyyy): type: date, formats: ['%d.%m.%Y']")),
        (re.compile(r"\d{4}-\d{2}-\d{2}"), _("date (yyyy-mm-dd): type: date")),
        (re.compile(r"0\d+"), _("text with leading zeros: keep type: text, or use pad")),
        (re.compile(r"-?\d+"), _("integer: type: integer")),
        (re.compile(r"-?\d{1,3}(?:[ \u00a0\u202f]\d{3})*,\d+|-?\d+,\d+"),
         _("number with a decimal comma: type: number, decimal: ','")),
        # Some amounts without decimals ("28 000") or plain digits ("1") among them.
        (re.compile(r"-?\d{1,3}(?:[ \u00a0\u202f]\d{3})*(?:,\d+)?|-?\d+(?:,\d+)?"),
         _("number with a decimal comma: type: number, decimal: ','")),
        (re.compile(r"-?\d+\.\d+"), _("number with a decimal point: type: number")),
        (re.compile(r"(?i)ano|ne|yes|no|true|false"), _("boolean")),
    ]


class ScaffoldSource(Protocol):
    """The part of a RowSource that the scaffold reads: its columns and its rows."""

    @property
    def columns(self) -> Any: ...

    def __iter__(self) -> Iterator[SourceRow]: ...


def render_scaffold(
    source: ScaffoldSource, *, sample_rows: int = 5, template: Template | None = None
) -> str:
    """Return the YAML text of a mapping with one text variable per column of ``source``.

    Each column shows up to ``sample_rows`` non-empty values from the first rows. The
    Czech preset is written only when the samples look Czech (``1 234,50``,
    ``31.12.2026``, ano/ne) rather than English (``4.60``, ``7/5/2011``).
    """
    rows = list(islice(iter(source), SCAN_ROWS))
    # The type is judged on every value of the scanned rows, not only on those shown: a
    # ZIP code with a leading zero may first appear in row 12.
    values = {column.key: _column_samples(rows, column.key, SCAN_ROWS) for column in source.columns}
    samples = {key: column_values[:sample_rows] for key, column_values in values.items()}
    lines = [
        "# yaml-language-server: $schema=schema.json",
        "# " + _("Mapping scaffold: every column is mapped as text. Rename each variable to the"),
        "# " + _("TAS variable name and choose its type; the comments show sample values."),
        "# " + _("The schema line above expects the schema beside this file; save it with"),
        "# " + _("'tas-import schema > schema.json'."),
        f"template: {template.id if template is not None else 0}"
        + ("" if template is not None else "  # " + _("TODO: the TAS template id (processId)")),
        *_key_lines(source.columns),
        *_defaults_lines(samples.values()),
        "variables:",
    ]

    header_counts = Counter(column.header for column in source.columns)
    used_names: set[str] = set()
    template_names = {_fold(name): name for name in (template.variables if template else {})}
    for column in source.columns:
        name = template_names.get(_fold(column.header)) or _variable_name(column.header)
        name = _unique(name, used_names)
        # A repeated header is written with its column letter, which picks one column.
        header = column.header
        if header_counts[header] > 1:
            header = lettered_header(header, column.letter)
        lines.extend(_variable_lines(name, header, samples[column.key], values[column.key],
                                     template))

    if template is not None:
        unmapped = sorted(set(template.variables) - used_names)
        if unmapped:
            lines.append("# " + _("Template variables without a column: {names}",
                                  names=", ".join(unmapped)))
    return "\n".join(lines) + "\n"


def _key_lines(columns: list[Column]) -> list[str]:
    """Return a commented-out ``key`` naming the first column, with why to set it."""
    if not columns:
        return []
    first = json.dumps(columns[0].header, ensure_ascii=False)
    return [
        f"# key: [{first}]  # " + _("TODO: the columns that identify a row across runs"),
        "# " + _("With a key, a rerun skips the rows it created before,"),
        "# " + _("and a dry-run of a large CSV file is much faster."),
    ]


def _column_samples(rows: list[SourceRow], key: str, limit: int) -> list[Any]:
    values = (row.cells.get(key) for row in rows)
    non_empty = (value for value in values if value is not None and value != "")
    return list(islice(non_empty, limit))


def _defaults_lines(samples: Iterable[list[Any]]) -> list[str]:
    texts = [value.strip() for values in samples for value in values if isinstance(value, str)]
    czech = sum(1 for text in texts if CZECH_SAMPLE.fullmatch(text))
    english = sum(1 for text in texts if ENGLISH_SAMPLE.fullmatch(text))
    comment = _("decimal comma, space thousands, dd.mm.yyyy, ano/ne")
    if czech and czech >= english:
        return ["defaults:", "  preset: cz  # " + comment]
    return ["# defaults: {preset: cz}  # " + comment]


def _variable_lines(
    name: str, header: str, samples: list[Any], values: list[Any], template: Template | None
) -> list[str]:
    """Return the variable's lines: ``samples`` are shown, all ``values`` judge the type."""
    shown = ", ".join(_quote_sample(value) for value in samples) or _("(all empty)")
    lines = [
        f"  {json.dumps(name, ensure_ascii=False)}:",
        "    # " + _("samples: {samples}", samples=shown),
        "    # " + _("looks like: {kind}", kind=describe_samples(values)),
    ]
    target = template.variables.get(name) if template is not None else None
    if target is not None:
        described: str = target.type
        if target.values:
            described += " [" + ", ".join(target.values) + "]"
        lines.append("    # " + _("template variable type: {type}", type=described))
    lines.append(f"    column: {json.dumps(header, ensure_ascii=False)}")
    lines.append("    type: text")
    return lines


def describe_samples(samples: Iterable[Any]) -> str:
    """Name the type the sample values look like, for a comment; never a declaration."""
    values = list(samples)
    if not values:
        return _("nothing (no sample values)")
    if all(isinstance(value, (dt.date, dt.datetime)) for value in values):
        return _("date (Excel date cells)")
    if all(isinstance(value, bool) for value in values):
        return _("boolean (Excel TRUE/FALSE cells)")
    if all(isinstance(value, (int, float)) and not isinstance(value, bool) for value in values):
        whole = all(float(value).is_integer() for value in values)
        return _("integer (Excel number cells)") if whole else _("number (Excel number cells)")
    if not all(isinstance(value, str) for value in values):
        return _("text (mixed kinds of cells)")

    texts = [value.strip() for value in values]
    placeholders = sorted({text for text in texts if text.casefold() in PLACEHOLDERS})
    if placeholders and len(placeholders) < len(set(texts)):
        kind = describe_samples([text for text in texts if text not in placeholders])
        return _("{kind}; '{words}' also appear: list them under empty",
                 kind=kind, words="', '".join(placeholders))
    if all(text.isdigit() for text in texts) and any(
        len(text) > 1 and text.startswith("0") for text in texts
    ):
        # One code with a leading zero is enough: as numbers, the others would lose theirs.
        return _("text with leading zeros: keep type: text, or use pad")
    slash_date = _describe_slash_dates(texts)
    if slash_date is not None:
        return slash_date
    for pattern, kind in _looks_like_rules():
        if all(pattern.fullmatch(text) for text in texts):
            return kind
    return _("text")


SLASH_DATE = re.compile(r"(\d{1,2})/(\d{1,2})/(\d{2}|\d{4})")


def _describe_slash_dates(texts: list[str]) -> str | None:
    """Name the order of day and month in ``1/2/2014`` dates when a sample settles it.

    A first number above 12 can only be a day, a second one above 12 only a day too.
    Two-digit years get a reminder about ``two_digit_year``.
    """
    matches = [SLASH_DATE.fullmatch(text) for text in texts]
    if not all(matches):
        return None
    parts = [match.groups() for match in matches if match is not None]
    day_first = any(int(first) > 12 for first, _second, _year in parts)
    month_first = any(int(second) > 12 for _first, second, _year in parts)
    short_year = any(len(year) == 2 for _first, _second, year in parts)

    year = "%y" if short_year else "%Y"
    if day_first and not month_first:
        kind = _("date (dd/mm): type: date, formats: ['%d/%m/{year}']", year=year)
    elif month_first and not day_first:
        kind = _("date (mm/dd): type: date, formats: ['%m/%d/{year}']", year=year)
    else:
        kind = _("date (dd/mm or mm/dd, check which one)")
    if short_year:
        kind += "; " + _("two-digit years: set two_digit_year: past for birth dates")
    return kind


def _quote_sample(value: Any) -> str:
    text = format_value(value).replace("\n", " ").replace("\r", " ")
    if len(text) > MAX_SAMPLE_LENGTH:
        text = text[:MAX_SAMPLE_LENGTH] + "…"
    return f"'{text}'"


def _fold(text: str) -> str:
    """Lowercase ASCII letters and digits only: "Datum nástupu" -> "datumnastupu"."""
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")
    return re.sub(r"[^a-z0-9]", "", ascii_text.lower())


def _variable_name(header: str) -> str:
    """Derive a camelCase name: "Datum nástupu" -> "datumNastupu", "EmpID" -> "empID".

    A first word in capitals is an abbreviation and is lowered whole: "DOB" -> "dob".
    """
    ascii_text = unicodedata.normalize("NFKD", header).encode("ascii", "ignore").decode("ascii")
    words = re.findall(r"[A-Za-z0-9]+", ascii_text)
    if not words:
        return "column"
    first = words[0].lower() if words[0].isupper() else words[0][:1].lower() + words[0][1:]
    name = first + "".join(
        word[:1].upper() + word[1:] for word in words[1:]
    )
    return name if name[0].isalpha() else f"column{name}"


def _unique(name: str, used: set[str]) -> str:
    candidate = name
    number = 2
    while candidate in used:
        candidate = f"{name}{number}"
        number += 1
    used.add(candidate)
    return candidate
