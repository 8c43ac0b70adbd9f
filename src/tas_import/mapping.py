"""The YAML mapping language: which spreadsheet column fills which TAS variable, and how.

A mapping is YAML 1.2 (so ``no``, ``on`` and ``ne`` stay strings; only ``true`` and
``false`` are booleans). It is loaded with ruamel.yaml, which keeps the line of every key,
and validated with pydantic v2 models that forbid unknown keys. A validation error becomes
one :class:`MappingError` naming the file, the line, the key path and a suggested fix.

``python -m tas_import.mapping [PATH]`` writes the JSON Schema (default
``mappings/schema.json``), which editors use through a ``yaml-language-server`` line.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import logging
import re
from decimal import Decimal
from pathlib import Path
from typing import Annotated, Any, Literal

from pydantic import (
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    ValidationError,
    model_validator,
)
from ruamel.yaml import YAML
from ruamel.yaml.error import MarkedYAMLError, YAMLError

from tas_import.errors import MappingError
from tas_import.i18n import _

logger = logging.getLogger(__name__)

SCHEMA_PATH = Path(__file__).resolve().parents[2] / "mappings" / "schema.json"

VARIABLE_TYPES = ("text", "integer", "number", "date", "datetime", "boolean", "choice")

CZECH_THOUSANDS = [" ", "\u00a0", "\u202f"]
CZECH_DATE_FORMATS = ["%d.%m.%Y", "%d. %m. %Y"]
CZECH_DATETIME_FORMATS = [
    "%d.%m.%Y %H:%M:%S",
    "%d.%m.%Y %H:%M",
    "%d. %m. %Y %H:%M:%S",
    "%d. %m. %Y %H:%M",
]
DEFAULT_DATE_FORMATS = ["%Y-%m-%d"]
DEFAULT_DATETIME_FORMATS = ["%Y-%m-%d %H:%M:%S", "%Y-%m-%dT%H:%M:%S"]
DEFAULT_TRUE_WORDS = ["true", "yes", "ano", "1"]
DEFAULT_FALSE_WORDS = ["false", "no", "ne", "0"]


def _to_word(value: Any) -> Any:
    """Turn a YAML boolean or integer into the word the user typed (``1`` -> ``"1"``)."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    return value


def _bool_to_word(value: Any) -> Any:
    if isinstance(value, bool):
        return "true" if value else "false"
    return value


def _to_thousands(value: Any) -> Any:
    return [value] if isinstance(value, str) else value


# A word in a list of values: YAML may read `1` or `true` as a number or a boolean.
Word = Annotated[str, BeforeValidator(_to_word)]
ThousandsSeparators = Annotated[list[str], BeforeValidator(_to_thousands)]
# A value sent as written: YAML `true` becomes the text "true", never the number 1.
SentValue = Annotated[str | int | Decimal, BeforeValidator(_bool_to_word)]
OutputValue = Annotated[str | int, BeforeValidator(_bool_to_word)]


class StrictModel(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class SourceSettings(StrictModel):
    """How to read the input file; every setting is optional."""

    sheet: str | int | None = Field(
        default=None, description="Sheet name, or 1-based sheet position (default: the first)."
    )
    header_row: int | None = Field(
        default=None, ge=1, description="1-based row that contains the headers (default: 1)."
    )
    encoding: str | None = Field(
        default=None, description="Text encoding of a CSV file (default: detected)."
    )
    delimiter: str | None = Field(
        default=None,
        min_length=1,
        max_length=1,
        description="Field separator of a CSV file (default: detected).",
    )


class Defaults(StrictModel):
    """Settings shared by every variable; a variable's own setting wins."""

    preset: Literal["cz"] | None = Field(
        default=None,
        description="cz: decimal comma, space thousands, dd.mm.yyyy dates (same as locale: cs).",
    )
    locale: Literal["cs", "en"] | None = Field(
        default=None, description="cs is the same as preset: cz; en keeps the plain defaults."
    )
    decimal: Literal[".", ","] | None = None
    thousands: ThousandsSeparators | None = Field(
        default=None, description="Thousands separator, or a list of accepted separators."
    )
    date_formats: list[str] | None = Field(default=None, min_length=1)
    datetime_formats: list[str] | None = Field(default=None, min_length=1)
    true: list[Word] | None = Field(default=None, min_length=1)
    false: list[Word] | None = Field(default=None, min_length=1)
    empty: list[Word] = Field(default_factory=list, description="Extra words that mean empty.")
    strip: bool = True

    @property
    def is_czech(self) -> bool:
        return self.preset == "cz" or self.locale == "cs"

    def decimal_separator(self) -> str:
        if self.decimal is not None:
            return self.decimal
        return "," if self.is_czech else "."

    def thousands_separators(self) -> list[str]:
        if self.thousands is not None:
            return self.thousands
        return list(CZECH_THOUSANDS) if self.is_czech else []

    def date_format_list(self) -> list[str]:
        if self.date_formats is not None:
            return self.date_formats
        return list(CZECH_DATE_FORMATS) if self.is_czech else list(DEFAULT_DATE_FORMATS)

    def datetime_format_list(self) -> list[str]:
        if self.datetime_formats is not None:
            return self.datetime_formats
        return list(CZECH_DATETIME_FORMATS) if self.is_czech else list(DEFAULT_DATETIME_FORMATS)

    def true_words(self) -> list[str]:
        return self.true if self.true is not None else list(DEFAULT_TRUE_WORDS)

    def false_words(self) -> list[str]:
        return self.false if self.false is not None else list(DEFAULT_FALSE_WORDS)


def check_strptime_formats(formats: list[str] | None) -> None:
    """Raise ValueError unless every format is one that strptime can read back."""
    sample = dt.datetime(2001, 2, 3, 4, 5, 6)
    for strptime_format in formats or []:
        if "%" not in strptime_format:
            raise ValueError(
                _("'{format}' is not a date format: it has no % directive such as %d",
                  format=strptime_format)
            )
        try:
            dt.datetime.strptime(sample.strftime(strptime_format), strptime_format)
        except ValueError as error:
            raise ValueError(
                _("'{format}' is not a valid date format: {error}",
                  format=strptime_format, error=error)
            ) from None


class VariableBase(StrictModel):
    """Settings every variable type has."""

    column: str | None = Field(default=None, description="Header text of the source column.")
    columns: list[str] | None = Field(
        default=None, min_length=2, description="Several columns whose texts are joined."
    )
    join: str = Field(default=" ", description="Separator between the joined columns.")
    required: bool = False
    default: SentValue | None = Field(
        default=None, description="Value used for an empty cell; it is coerced like a cell."
    )
    strip: bool | None = Field(
        default=None, description="Strip surrounding whitespace (default: defaults.strip)."
    )
    empty: list[Word] = Field(default_factory=list, description="Extra words that mean empty.")

    @model_validator(mode="after")
    def _one_source(self) -> VariableBase:
        if (self.column is None) == (self.columns is None):
            raise ValueError(_("set exactly one of column or columns"))
        return self

    def source_columns(self) -> list[str]:
        return [self.column] if self.column is not None else list(self.columns or [])

    def source_label(self) -> str:
        """Return the column name shown in problems: the header, or the joined headers."""
        return " + ".join(self.source_columns())


class TextVariable(VariableBase):
    type: Literal["text"]
    pad: int | None = Field(default=None, ge=1, description="Zero-fill digit values to a width.")
    max_length: int | None = Field(default=None, ge=1)
    pattern: str | None = Field(default=None, description="Regular expression the value matches.")
    case: Literal["upper", "lower", "title"] | None = None
    map: dict[str, Word] = Field(default_factory=dict, description="Source text -> sent text.")

    @model_validator(mode="after")
    def _pattern_compiles(self) -> TextVariable:
        if self.pattern is not None:
            try:
                re.compile(self.pattern)
            except re.error as error:
                raise ValueError(
                    _("pattern is not a valid regular expression: {error}", error=error)
                ) from None
        return self


class NumericSettings(VariableBase):
    decimal: Literal[".", ","] | None = None
    thousands: ThousandsSeparators | None = None
    min: Decimal | None = None
    max: Decimal | None = None

    @model_validator(mode="after")
    def _range_not_empty(self) -> NumericSettings:
        if self.min is not None and self.max is not None and self.min > self.max:
            raise ValueError(
                _("min {min} is larger than max {max}", min=self.min, max=self.max)
            )
        return self


class IntegerVariable(NumericSettings):
    type: Literal["integer"]


class NumberVariable(NumericSettings):
    type: Literal["number"]


class DateVariable(VariableBase):
    type: Literal["date"]
    formats: list[str] | None = Field(
        default=None, min_length=1, description="strptime formats, all tried (ambiguity check)."
    )
    time: Literal["error", "drop"] = Field(
        default="error", description="drop: accept a datetime and send only its date."
    )
    excel_serial: bool = Field(default=False, description="Accept Excel serial day numbers.")
    two_digit_year: Literal["python", "past", "future"] = Field(
        default="python",
        description="Century of a %y year: python (1969-2068), past (not after today, for "
        "birth dates) or future (not before today).",
    )

    @model_validator(mode="after")
    def _formats_valid(self) -> DateVariable:
        check_strptime_formats(self.formats)
        return self


class DatetimeVariable(VariableBase):
    type: Literal["datetime"]
    formats: list[str] | None = Field(default=None, min_length=1)
    output: str = Field(default="%Y-%m-%dT%H:%M:%S", description="strftime format of the value.")

    @model_validator(mode="after")
    def _formats_valid(self) -> DatetimeVariable:
        check_strptime_formats(self.formats)
        return self


class BooleanOutput(StrictModel):
    true: OutputValue = "true"
    false: OutputValue = "false"


class BooleanVariable(VariableBase):
    type: Literal["boolean"]
    true: list[Word] | None = Field(default=None, min_length=1)
    false: list[Word] | None = Field(default=None, min_length=1)
    output: BooleanOutput = Field(default_factory=BooleanOutput)

    @model_validator(mode="after")
    def _words_distinct(self) -> BooleanVariable:
        both = {word.casefold() for word in self.true or []} & {
            word.casefold() for word in self.false or []
        }
        if both:
            raise ValueError(
                _("{words} is in both the true and the false list", words=", ".join(sorted(both)))
            )
        return self


class ChoiceVariable(VariableBase):
    type: Literal["choice"]
    values: list[Word] = Field(min_length=1, description="The allowed values (the TAS LOV).")
    map: dict[str, Word] = Field(default_factory=dict, description="Synonym -> allowed value.")
    ignore_case: bool = False

    @model_validator(mode="after")
    def _map_targets_allowed(self) -> ChoiceVariable:
        for synonym, target in self.map.items():
            if target not in self.values:
                raise ValueError(
                    _(
                        "map: '{synonym}' maps to '{target}', which is not in values",
                        synonym=synonym,
                        target=target,
                    )
                )
        return self


Variable = Annotated[
    TextVariable
    | IntegerVariable
    | NumberVariable
    | DateVariable
    | DatetimeVariable
    | BooleanVariable
    | ChoiceVariable,
    Field(discriminator="type"),
]

VARIABLE_MODELS: dict[str, type[VariableBase]] = {
    "text": TextVariable,
    "integer": IntegerVariable,
    "number": NumberVariable,
    "date": DateVariable,
    "datetime": DatetimeVariable,
    "boolean": BooleanVariable,
    "choice": ChoiceVariable,
}


class Mapping(StrictModel):
    """A whole mapping file: one TAS template and where each of its variables comes from."""

    template: int = Field(
        gt=0, description="The processId: the TAS template (process header) id."
    )
    source: SourceSettings = Field(default_factory=SourceSettings)
    defaults: Defaults = Field(default_factory=Defaults)
    key: list[str] = Field(
        default_factory=list, description="Columns that identify a row across runs."
    )
    constants: dict[str, SentValue] = Field(
        default_factory=dict, description="Values sent with every row."
    )
    variables: dict[str, Variable] = Field(min_length=1)

    @model_validator(mode="after")
    def _names_unique(self) -> Mapping:
        both = sorted(set(self.constants) & set(self.variables))
        if both:
            raise ValueError(
                _("{names} is both a constant and a variable", names=", ".join(both))
            )
        return self

    def columns(self) -> list[str]:
        """Return each header text the mapping refers to (variables, then key), in order."""
        seen: dict[str, None] = {}
        for variable in self.variables.values():
            for column in variable.source_columns():
                seen.setdefault(column, None)
        for column in self.key:
            seen.setdefault(column, None)
        return list(seen)


# --- loading ------------------------------------------------------------------------------

KeyPath = tuple[str | int, ...]


_SPREADSHEET_SUFFIXES = frozenset({".csv", ".tsv", ".xlsx", ".xlsm", ".xls", ".ods"})


def load_mapping(path: Path) -> Mapping:
    """Load and validate a mapping file; raise :class:`MappingError` for any mistake in it."""
    if path.suffix.lower() in _SPREADSHEET_SUFFIXES:
        raise MappingError(
            _("{file} is a spreadsheet, not a YAML mapping", file=path),
            path=path,
            hint=_("Give the spreadsheet first and the mapping after --mapping: "
                   "tas-import FILE --mapping MAPPING.yaml"),
        )
    try:
        text = path.read_text(encoding="utf-8-sig")
    except OSError as error:
        raise MappingError(
            _("{file}: cannot read the mapping: {error}", file=path, error=error.strerror),
            path=path,
            hint=_("Check the path given to --mapping."),
        ) from None
    except UnicodeDecodeError:
        raise MappingError(
            _("{file}: the mapping is not UTF-8 text", file=path),
            path=path,
            hint=_("Save the mapping file as UTF-8."),
        ) from None
    return parse_mapping(text, path)


def parse_mapping(text: str, path: Path) -> Mapping:
    """Validate mapping YAML ``text``; ``path`` is only used in error messages."""
    tree = _read_yaml(text, path)
    lines: dict[KeyPath, int] = {}
    data = _to_plain(tree, (), lines)
    if not isinstance(data, dict):
        raise MappingError(
            _("{file}: the mapping must be a YAML mapping of keys, like 'template: 27'", file=path),
            path=path,
            line=1,
            hint=_("Start from the example in docs/mapping.md."),
        )

    try:
        mapping = Mapping.model_validate(data)
    except ValidationError as error:
        # Imported here because the translation module reads the models defined above.
        from tas_import.mapping_errors import translate_validation_error

        raise translate_validation_error(error, data, lines, path) from None

    _check_variable_settings(mapping, lines, path)
    logger.debug("loaded mapping %s: template %s, %d variables", path, mapping.template,
                 len(mapping.variables))
    return mapping


def _check_variable_settings(mapping: Mapping, lines: dict[KeyPath, int], path: Path) -> None:
    """Raise MappingError, with the file and line, for settings that no cell could satisfy.

    A ``default`` must fit its own type, and a decimal separator may not also be a
    thousands separator. The coercer checks both when it is built, so it is built here
    once per variable.
    """
    # Imported here because coercion reads the models defined above.
    from tas_import.coercion.columns import VariableCoercer

    for name, variable in mapping.variables.items():
        columns = {column: column for column in variable.source_columns()}
        try:
            VariableCoercer(name, variable, mapping.defaults, columns)
        except MappingError as error:
            line = lines.get(("variables", name, "default")) or lines.get(("variables", name))
            raise MappingError(
                _("{file}, line {line}: {problem}", file=path, line=line or "?",
                  problem=error.message),
                path=path, line=line, key=error.key, hint=error.hint,
            ) from None


def _read_yaml(text: str, path: Path) -> Any:
    yaml = YAML(typ="rt")
    yaml.version = (1, 2)
    try:
        return yaml.load(text)
    except MarkedYAMLError as error:
        mark = error.problem_mark or error.context_mark
        line = mark.line + 1 if mark is not None else None
        problem = error.problem or error.context or "syntax error"
        hint = _yaml_hint(problem)
        duplicate = re.match(r'found duplicate key "([^"]*)"', problem)
        if duplicate is not None:  # ruamel's text goes on with both values as Python dicts
            problem = _("the key '{key}' appears twice", key=duplicate.group(1))
        raise MappingError(
            _(
                "{file}, line {line}: invalid YAML: {problem}",
                file=path,
                line=line if line is not None else "?",
                problem=problem,
            ),
            path=path,
            line=line,
            hint=hint,
        ) from None
    except YAMLError as error:
        raise MappingError(
            _("{file}: invalid YAML: {problem}", file=path, problem=error),
            path=path,
            hint=_("Check indentation and quoting."),
        ) from None


def _yaml_hint(problem: str) -> str:
    """Return the fix for the YAML problems people make most often in a mapping."""
    if "duplicate key" in problem:
        return _("A key appears twice at the same level; keep one of them, or rename one.")
    if "'\\t'" in problem:
        return _("Indent with spaces, not tabs.")
    return _("Check indentation and quoting on that line; quote texts that contain ': '.")


def _to_plain(node: Any, path: KeyPath, lines: dict[KeyPath, int]) -> Any:
    """Copy ruamel's tree into plain dicts and lists, recording the 1-based line of each key.

    Mapping keys become strings (YAML 1.2 reads ``true:`` as a boolean key) and floats
    become exact Decimals of the shortest text that round-trips.
    """
    if isinstance(node, dict):
        plain: dict[str, Any] = {}
        for key, value in node.items():
            name = _to_word(key) if not isinstance(key, str) else key
            name = str(name)
            child = (*path, name)
            position = _key_line(node, key)
            if position is not None:
                lines[child] = position
            plain[name] = _to_plain(value, child, lines)
        return plain
    if isinstance(node, list):
        items = []
        for index, value in enumerate(node):
            child = (*path, index)
            position = _item_line(node, index)
            if position is not None:
                lines[child] = position
            items.append(_to_plain(value, child, lines))
        return items
    if isinstance(node, float):
        return Decimal(repr(float(node)))
    if isinstance(node, str):
        return str(node)
    return node


def _key_line(node: Any, key: Any) -> int | None:
    try:
        return int(node.lc.key(key)[0]) + 1
    except (AttributeError, KeyError, TypeError):
        return None


def _item_line(node: Any, index: int) -> int | None:
    try:
        return int(node.lc.item(index)[0]) + 1
    except (AttributeError, KeyError, TypeError, IndexError):
        return None


def mapping_json_schema() -> dict[str, Any]:
    """Return the JSON Schema of a mapping file (draft 2020-12, as pydantic writes it)."""
    schema = Mapping.model_json_schema(mode="validation")
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    schema["title"] = "tas-import mapping"
    return schema


def render_mapping_schema() -> str:
    """Return the text of ``mappings/schema.json`` exactly as it is committed."""
    return json.dumps(mapping_json_schema(), indent=2, ensure_ascii=False, sort_keys=True) + "\n"


def write_mapping_schema(path: Path = SCHEMA_PATH) -> None:
    path.write_text(render_mapping_schema(), encoding="utf-8")


def _main() -> None:
    """Regenerate ``mappings/schema.json`` in a checkout, or write it to a given path."""
    parser = argparse.ArgumentParser(
        prog="python -m tas_import.mapping",
        description="Write the JSON Schema of the mapping language (tas-import schema prints it).",
    )
    parser.add_argument("output", nargs="?", type=Path, default=SCHEMA_PATH,
                        help=f"where to write it (default: {SCHEMA_PATH})")
    target: Path = parser.parse_args().output
    if not target.parent.is_dir():
        parser.error(f"the folder {target.parent} does not exist; name an output path")
    write_mapping_schema(target)
    print(f"wrote {target}")


if __name__ == "__main__":
    _main()
