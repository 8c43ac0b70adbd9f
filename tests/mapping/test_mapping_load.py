from __future__ import annotations

from pathlib import Path

import pytest

from tas_import.errors import MappingError
from tas_import.mapping import BooleanVariable, ChoiceVariable, load_mapping

DATA = Path(__file__).parent / "data"


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "m.yaml"
    path.write_text(text, encoding="utf-8")
    return path


def load_error(tmp_path: Path, text: str) -> MappingError:
    with pytest.raises(MappingError) as caught:
        load_mapping(write(tmp_path, text))
    return caught.value


def test_full_example_loads() -> None:
    mapping = load_mapping(DATA / "full.yaml")
    assert mapping.template == 27
    assert mapping.columns()[:3] == ["Osobní číslo", "Jméno", "Příjmení"]


def test_yaml_12_words_stay_text() -> None:
    variable = load_mapping(DATA / "full.yaml").variables["fullTime"]
    assert isinstance(variable, BooleanVariable)
    assert variable.false == ["ne", "0"]


def test_choice_map() -> None:
    variable = load_mapping(DATA / "full.yaml").variables["department"]
    assert isinstance(variable, ChoiceVariable)
    assert variable.map == {"Personální": "HR"}


def test_wrong_type_names_line_and_fix(tmp_path: Path) -> None:
    error = load_error(tmp_path, "template: 1\nvariables:\n  startDate:\n    column: D\n"
                                 "    type: datum\n")
    assert error.line == 5
    assert error.key == "variables.startDate.type"
    assert "'datum' is not one of text, integer" in error.message
    assert error.hint is not None
    assert "'date'" in error.hint


def test_unknown_key_suggests(tmp_path: Path) -> None:
    error = load_error(tmp_path, "template: 1\nvariables:\n  a: {column: A, type: text, "
                                 "requird: true}\n")
    assert error.key == "variables.a.requird"
    assert error.line == 3
    assert error.hint == "Did you mean 'required'?"


def test_missing_template(tmp_path: Path) -> None:
    error = load_error(tmp_path, "variables:\n  a: {column: A, type: text}\n")
    assert error.key == "template"


def test_column_and_columns_exclusive(tmp_path: Path) -> None:
    error = load_error(tmp_path, "template: 1\nvariables:\n  a: {type: text}\n")
    assert "exactly one of column or columns" in error.message


def test_choice_map_target_checked(tmp_path: Path) -> None:
    error = load_error(tmp_path, "template: 1\nvariables:\n  a: {column: A, type: choice, "
                                 "values: [HR], map: {x: IT}}\n")
    assert "'IT'" in error.message


def test_yaml_syntax_error_line(tmp_path: Path) -> None:
    error = load_error(tmp_path, "template: 1\nvariables:\n  a: {column: A, type: text\n")
    assert error.line is not None
    assert "invalid YAML" in error.message


def test_duplicate_key_rejected(tmp_path: Path) -> None:
    error = load_error(tmp_path, "template: 1\ntemplate: 2\nvariables:\n  a: {column: A, "
                                 "type: text}\n")
    assert error.line == 2


def test_constant_true_is_text(tmp_path: Path) -> None:
    mapping = load_mapping(write(tmp_path, "template: 1\nconstants: {flag: true, n: 1.50}\n"
                                           "variables:\n  a: {column: A, type: text}\n"))
    assert mapping.constants["flag"] == "true"
    assert str(mapping.constants["n"]) == "1.5"


def test_missing_file(tmp_path: Path) -> None:
    with pytest.raises(MappingError):
        load_mapping(tmp_path / "none.yaml")
