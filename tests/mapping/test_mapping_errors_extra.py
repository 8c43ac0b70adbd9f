"""Mapping mistakes caught when the mapping is loaded, with file, line and key."""

from __future__ import annotations

from pathlib import Path

import pytest

from tas_import.errors import MappingError
from tas_import.mapping import load_mapping

CASES = {
    "unknown directive": ("d: {column: D, type: date, formats: ['%Q']}", "not a valid date format"),
    "no directive": ("d: {column: D, type: date, formats: ['dd.mm.yyyy']}", "no % directive"),
    "empty range": ("n: {column: N, type: number, min: 10, max: 1}", "larger than max"),
    "same word": ("b: {column: B, type: boolean, true: [ano], false: [ANO]}", "both the true"),
}


@pytest.mark.parametrize("case", sorted(CASES))
def test_mapping_mistake_named(case: str, tmp_path: Path) -> None:
    variable, expected = CASES[case]
    path = tmp_path / "m.yaml"
    path.write_text(f"template: 27\nvariables:\n  {variable}\n", encoding="utf-8")

    with pytest.raises(MappingError) as caught:
        load_mapping(path)

    assert expected in caught.value.message
    assert "m.yaml, line 3" in caught.value.message


DUPLICATE_KEY = (
    "template: 1\nvariables:\n  a: {column: A, type: text}\n  a: {column: B, type: text}\n"
)


def load_error(tmp_path: Path, text: str) -> MappingError:
    """Load ``text`` as a mapping file and return the MappingError it raises."""
    path = tmp_path / "m.yaml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(MappingError) as caught:
        load_mapping(path)
    return caught.value


@pytest.mark.parametrize(
    ("text", "hint"),
    [
        (DUPLICATE_KEY, "A key appears twice at the same level"),
        ("template: 1\nvariables:\n\ta: {column: A, type: text}\n",
         "Indent with spaces, not tabs."),
        ("template: abc\nvariables:\n  a: {column: A, type: text}\n",
         "Set template to the processId"),
    ],
)
def test_mistake_hint(text: str, hint: str, tmp_path: Path) -> None:
    assert (load_error(tmp_path, text).hint or "").startswith(hint)


def test_bad_default_named_with_line(tmp_path: Path) -> None:
    error = load_error(tmp_path, "template: 1\nvariables:\n  a: {column: A, type: text}\n"
                                 "  b: {column: B, type: integer, default: x}\n")
    assert error.line == 4
    assert error.message.endswith("line 4: variables.b.default: 'x' is not a whole number in "
                                  "the form 1234")


def test_duplicate_key_names_the_key(tmp_path: Path) -> None:
    error = load_error(tmp_path, DUPLICATE_KEY)
    assert error.message.endswith("line 4: invalid YAML: the key 'a' appears twice")


def test_spreadsheet_given_as_mapping(tmp_path: Path) -> None:
    path = tmp_path / "nastupy.csv"
    path.write_bytes("Jméno;Příjmení\n".encode("cp1250"))
    with pytest.raises(MappingError, match="is a spreadsheet, not a YAML mapping"):
        load_mapping(path)


def test_missing_template_names_line_1(tmp_path: Path) -> None:
    error = load_error(tmp_path, "variables:\n  a: {column: A, type: text}\n")
    assert error.line == 1
    assert "processId" in (error.hint or "")
