"""Header matching: normalisation, missing and repeated headers."""

from __future__ import annotations

import unicodedata
from pathlib import Path

import pytest

from tas_import.errors import InputFileError
from tas_import.reading import Column, column_letter, resolve_columns

PATH = Path("hr.xlsx")


def columns(*headers: str) -> list[Column]:
    keys: list[str] = []
    result = []
    for index, header in enumerate(headers):
        key = header if header not in keys else f"{header} ({column_letter(index)})"
        keys.append(key)
        result.append(Column(key, header, column_letter(index), index))
    return result


def test_column_letters() -> None:
    assert [column_letter(i) for i in (0, 25, 26, 701, 702)] == ["A", "Z", "AA", "ZZ", "AAA"]


def test_decomposed_and_nbsp_match() -> None:
    decomposed = unicodedata.normalize("NFD", "Příjmení")
    resolved = resolve_columns(columns(decomposed, "Datum\u00a0nástupu\u200b"),
                               ["Příjmení", " Datum nástupu "], path=PATH)
    assert resolved == {"Příjmení": decomposed, " Datum nástupu ": "Datum\u00a0nástupu\u200b"}


def test_missing_column_suggests_closest() -> None:
    with pytest.raises(InputFileError, match="Datum nastupu") as caught:
        resolve_columns(columns("Jméno", "Datum nástupu"), ["Datum nastupu"], path=PATH)
    assert "did you mean 'Datum nástupu'" in (caught.value.hint or "")


def test_repeated_header_names_letters() -> None:
    with pytest.raises(InputFileError, match="B, D"):
        resolve_columns(columns("a", "Jméno", "c", "Jméno"), ["Jméno"], path=PATH)


def test_repeated_header_unmapped_is_fine() -> None:
    resolved = resolve_columns(columns("a", "Jméno", "Jméno"), ["a"], path=PATH)
    assert resolved == {"a": "a"}


def test_repeated_header_by_key() -> None:
    resolved = resolve_columns(columns("Jméno", "Jméno"), ["Jméno (B)"], path=PATH)
    assert resolved == {"Jméno (B)": "Jméno (B)"}


def test_lettered_header_picks_first_duplicate() -> None:
    columns = [Column("Příjmení", "Příjmení", "A", 0), Column("Jméno", "Jméno", "B", 1),
               Column("Příjmení (C)", "Příjmení", "C", 2)]
    resolved = resolve_columns(columns, ["Příjmení (A)", "Příjmení (C)"], path=Path("x.csv"))
    assert resolved == {"Příjmení (A)": "Příjmení", "Příjmení (C)": "Příjmení (C)"}


def test_header_in_one_cell_hints_delimiter() -> None:
    with pytest.raises(InputFileError) as caught:
        resolve_columns(columns("Číslo;Částka;Jméno"), ["Číslo", "Jméno"], path=PATH)
    assert "columns 'Číslo', 'Jméno' not found" in caught.value.message
    assert (caught.value.hint or "").startswith("The header row was read as one cell")


def test_garbled_header_hints_encoding() -> None:
    with pytest.raises(InputFileError) as caught:
        resolve_columns(columns("Osobní èíslo", "Jméno"), ["Osobní číslo"], path=PATH)
    assert "read in the wrong encoding" in (caught.value.hint or "")
