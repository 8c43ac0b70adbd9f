"""Header cells to columns, and the mapping's header names to column keys."""

from __future__ import annotations

import datetime
import difflib
import logging
import re
import unicodedata
from collections.abc import Callable, Iterable, Sequence
from pathlib import Path

from tas_import.errors import InputFileError
from tas_import.i18n import _
from tas_import.reading.model import Column, column_letter
from tas_import.rows import CellValue

logger = logging.getLogger(__name__)

# Spaces that web pages and word processors paste into headers: no-break, narrow no-break,
# figure space. Zero-width characters (and a stray BOM) are dropped.
_SPACE_LIKE = str.maketrans({"\u00a0": " ", "\u202f": " ", "\u2007": " "})
_ZERO_WIDTH = str.maketrans({"\u200b": None, "\u200c": None, "\u200d": None,
                             "\u2060": None, "\ufeff": None})
_WHITESPACE_RUN = re.compile(r"\s+")


def header_text(value: CellValue) -> str:
    """Return a header cell as the text shown in the sheet, without outer whitespace or BOM."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, datetime.date | datetime.time):
        return value.isoformat()
    return str(value).replace("\ufeff", "").strip()


def normalise_header(text: str) -> str:
    """Return the form of a header used for matching.

    NFC (so decomposed letters typed on a Mac match), no-break spaces as spaces,
    zero-width characters removed, whitespace runs (also line breaks inside a cell)
    collapsed to one space, and no surrounding whitespace.
    """
    text = unicodedata.normalize("NFC", text).translate(_SPACE_LIKE).translate(_ZERO_WIDTH)
    return _WHITESPACE_RUN.sub(" ", text).strip()


def empty_header_name(index: int) -> str:
    """Return the name of a column that has data under an empty header, e.g. "Column O".

    The name stays English in every language because mappings refer to it.
    """
    return f"Column {column_letter(index)}"


def build_columns(
    headers: Sequence[str],
    first_index: int,
    columns_with_data: Callable[[set[int]], set[int]],
) -> list[Column]:
    """Turn the header row into columns with unique keys.

    ``headers[i]`` is the stripped header text of file column ``first_index + i``.
    ``columns_with_data`` gets the indexes of columns with an empty header and returns
    those that hold data in some row: the others are dropped.
    """
    empty = {first_index + i for i, text in enumerate(headers) if not text}
    kept_empty = columns_with_data(empty) if empty else set()

    columns: list[Column] = []
    used_keys: set[str] = set()
    for offset, text in enumerate(headers):
        index = first_index + offset
        if not text and index not in kept_empty:
            continue

        header = text or empty_header_name(index)
        key = _unique_key(header, column_letter(index), used_keys)
        used_keys.add(key)
        columns.append(Column(key=key, header=header, letter=column_letter(index), index=index))
    return columns


def _unique_key(header: str, letter: str, used_keys: set[str]) -> str:
    # A repeated header keeps the first column under its own name and names the later
    # ones "Name (D)", which a mapping may use to pick one of them.
    key = header
    if key in used_keys:
        key = f"{header} ({letter})"
    while key in used_keys:
        key = f"{key} ({letter})"
    return key


def lettered_header(header: str, letter: str) -> str:
    """Return the name that picks one of several columns with the same header: "Name (D)"."""
    return f"{header} ({letter})"


def resolve_columns(
    columns: Sequence[Column],
    wanted: Iterable[str],
    *,
    path: Path,
    header_row: int | None = None,
) -> dict[str, str]:
    """Map each header name the mapping refers to onto the key of its column.

    Matching compares :func:`normalise_header` forms. A name that adds the column letter
    to a header ("Name (D)") picks that one column, which is how a mapping tells repeated
    headers apart; a name equal to a column key also matches. A missing column
    raises :class:`InputFileError` with the closest existing header as a hint; a name
    that matches two or more columns raises one naming their letters. Repeated headers
    that the mapping does not use are fine.
    """
    by_header: dict[str, list[Column]] = {}
    for column in columns:
        by_header.setdefault(normalise_header(column.header), []).append(column)
    by_key = {column.key: column for column in columns}
    by_lettered_header = {
        lettered_header(normalise_header(column.header), column.letter): column
        for column in columns
    }

    resolved: dict[str, str] = {}
    missing: list[str] = []
    for name in wanted:
        matches = by_header.get(normalise_header(name), [])
        if not matches and normalise_header(name) in by_lettered_header:
            matches = [by_lettered_header[normalise_header(name)]]
        if not matches and name in by_key:
            matches = [by_key[name]]
        if not matches:
            missing.append(name)
            continue
        if len(matches) > 1:
            raise _duplicate_header_error(name, matches, path)
        resolved[name] = matches[0].key

    if missing:
        raise _missing_columns_error(missing, columns, path, header_row)
    return resolved


def _duplicate_header_error(name: str, matches: Sequence[Column], path: Path) -> InputFileError:
    letters = ", ".join(column.letter for column in matches)
    return InputFileError(
        _("{file}: the header '{header}' appears in several columns ({letters}), so it is "
          "not clear which one the mapping means",
          file=path.name, header=name, letters=letters),
        path=path,
        column=name,
        hint=_("Rename the columns in the file so that each header is unique, or add the "
               "column letter in the mapping: {names}.",
               names=", ".join(
                   f"'{lettered_header(column.header, column.letter)}'" for column in matches
               )),
    )


def _missing_columns_error(
    missing: Sequence[str], columns: Sequence[Column], path: Path, header_row: int | None
) -> InputFileError:
    names = ", ".join(f"'{name}'" for name in missing)
    where = "" if header_row is None else " " + _("(row {row})", row=header_row)
    if len(missing) == 1:
        message = _("{file}: column {names} not found in the header row{where}",
                    file=path.name, names=names, where=where)
    else:
        message = _("{file}: columns {names} not found in the header row{where}",
                    file=path.name, names=names, where=where)

    suggestions = [_suggest(name, columns) for name in missing]
    hints = [hint for hint in suggestions if hint]
    if len(columns) == 1 and any(mark in columns[0].header for mark in ";,\t|"):
        # The whole header is one cell: the file was split with the wrong delimiter.
        hints = [_("The header row was read as one cell, '{header}': choose the delimiter "
                   "with --delimiter, for example --delimiter ';'.", header=columns[0].header)]
    if not hints:
        shown = ", ".join(f"'{column.header}'" for column in columns[:20])
        hints.append(_("The header row contains: {headers}. If the header is on another "
                       "row, choose it with --header-row.", headers=shown))
    return InputFileError(message, path=path, column=missing[0], hint=" ".join(hints))


def _suggest(name: str, columns: Sequence[Column]) -> str | None:
    normalised = {normalise_header(column.header): column.header for column in columns}
    wanted = normalise_header(name)

    by_case = {key.casefold(): header for key, header in normalised.items()}
    closest = by_case.get(wanted.casefold())
    if closest is None:
        candidates = difflib.get_close_matches(wanted, list(normalised), n=1, cutoff=0.6)
        closest = normalised[candidates[0]] if candidates else None
    if closest is None:
        return None
    if _ascii_letters(closest) == _ascii_letters(name) and closest != name:
        # "Osobní èíslo" for "Osobní číslo": only the accented letters differ.
        return _("The header '{header}' looks like '{name}' read in the wrong encoding: "
                 "choose the file's encoding with --encoding, for example --encoding "
                 "cp1250.", header=closest, name=name)
    return _("Instead of '{name}', did you mean '{header}'?", name=name, header=closest)


def _ascii_letters(text: str) -> str:
    return "".join(character for character in text if character.isascii())
