"""The templates file: loading, validation errors with line and key, and dumping."""

from __future__ import annotations

from pathlib import Path

import pytest

from tas_import.errors import TemplateError
from tas_import.templates import Template, TemplateVariable, dump_templates, load_templates

VALID = """\
templates:
  27:
    name: Nástup zaměstnance
    variables:
      employeeNumber: text
      startDate: date
      salary: number
      department: {type: lov, values: [HR, IT, Finance]}
"""

# The start of a file with template 27, up to its variables.
HEAD = "templates:\n  27:\n    name: X\n    variables:\n"


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "templates.yaml"
    path.write_text(text, encoding="utf-8")
    return path


def load_error(tmp_path: Path, text: str) -> TemplateError:
    with pytest.raises(TemplateError) as caught:
        load_templates(write(tmp_path, text))
    return caught.value


def test_load_valid_file(tmp_path: Path) -> None:
    templates = load_templates(write(tmp_path, VALID))

    template = templates[27]
    assert template.name == "Nástup zaměstnance"
    assert template.variables["employeeNumber"] == TemplateVariable("text")
    assert template.variables["startDate"] == TemplateVariable("date")
    assert template.variables["salary"] == TemplateVariable("number")
    assert template.variables["department"] == TemplateVariable("lov", ["HR", "IT", "Finance"])


def test_dump_round_trip(tmp_path: Path) -> None:
    templates = {
        5: Template(5, "Žádost", {"a": TemplateVariable("lov", ["true", "1.5", "Ano"])}),
        27: load_templates(write(tmp_path, VALID))[27],
    }

    text = dump_templates(templates)

    assert load_templates(write(tmp_path, text)) == templates
    assert "Nástup zaměstnance" in text


def test_quoted_id_and_integer_lov_value(tmp_path: Path) -> None:
    text = 'templates:\n  "31":\n    name: X\n    variables:\n'
    text += '      grade: {type: lov, values: [1, "2"]}\n'

    templates = load_templates(write(tmp_path, text))

    assert templates[31].variables["grade"].values == ["1", "2"]


@pytest.mark.parametrize(
    ("text", "line", "key"),
    [
        (
            HEAD + "      a: {type: lov, values: [A], x: 1}\n",
            5,
            "x",
        ),
        ("templates:\n  27:\n    name: X\n    owner: me\n    variables: {a: text}\n", 4, "owner"),
        (HEAD + "      a: integer\n", 5, "a"),
        (HEAD + "      a: lov\n", 5, "a"),
        (
            HEAD + "      a: {type: text, values: [A]}\n",
            5,
            "values",
        ),
        (
            HEAD + "      a: {type: lov, values: []}\n",
            5,
            "values",
        ),
        ("templates:\n  abc:\n    name: X\n    variables: {a: text}\n", 2, "abc"),
        ("templates:\n  0:\n    name: X\n    variables: {a: text}\n", 2, "0"),
        ("templates:\n  27:\n    variables: {a: text}\n", 3, None),
        (
            HEAD + "      a: {type: lov, values: [true]}\n",
            5,
            "values",
        ),
        (
            "templates:\n  27: {name: X, variables: {a: text}}\n  '27': {name: Y, variables: {}}\n",
            3,
            "27",
        ),
        ("template:\n  27: {name: X, variables: {a: text}}\n", 1, "template"),
    ],
)
def test_invalid_file_names_line_and_key(
    tmp_path: Path, text: str, line: int, key: str | None
) -> None:
    error = load_error(tmp_path, text)

    assert f"line {line}" in error.message
    assert str(tmp_path / "templates.yaml") in error.message
    if key is not None:
        assert key in error.message
    assert error.hint


def test_invalid_yaml_syntax(tmp_path: Path) -> None:
    error = load_error(tmp_path, "templates:\n  27: {name: X\n")

    assert "not valid YAML" in error.message


def test_missing_file(tmp_path: Path) -> None:
    with pytest.raises(TemplateError) as caught:
        load_templates(tmp_path / "missing.yaml")

    assert "missing.yaml" in caught.value.message
