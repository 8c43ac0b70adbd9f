"""Translate pydantic validation errors of a mapping into one readable MappingError.

pydantic reports a location such as ``('variables', 'startDate', 'date', 'formats', 0)``
in which ``'date'`` is the discriminator tag, not a key of the file. The location is
matched against the loaded YAML data, so only real keys reach the message, and the line
comes from the positions recorded while loading.
"""

from __future__ import annotations

import difflib
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ValidationError
from pydantic_core import ErrorDetails

from tas_import.errors import MappingError
from tas_import.i18n import _
from tas_import.mapping import (
    VARIABLE_MODELS,
    VARIABLE_TYPES,
    BooleanOutput,
    Defaults,
    KeyPath,
    Mapping,
    SourceSettings,
)

MAX_LISTED_ERRORS = 5


def translate_validation_error(
    error: ValidationError, data: dict[str, Any], lines: dict[KeyPath, int], path: Path
) -> MappingError:
    """Build the MappingError for the first problem (by line) and list the others in the hint."""
    located = _unique_by_key(
        [_locate(detail, data, lines) for detail in error.errors(include_url=False)]
    )
    # A missing key has no line of its own: name the line of the key that should hold it.
    located = [
        (key_path, line if line is not None else (lines.get(key_path[:-1]) or 1), detail)
        for key_path, line, detail in located
    ]
    located.sort(key=lambda item: (item[1] or 0, item[0]))
    described = [
        (key_path, line, *_describe(detail, key_path, data)) for key_path, line, detail in located
    ]

    key_path, line, problem, fix = described[0]
    key = _format_key(key_path)
    message = _(
        "{file}, line {line}: {key}: {problem}",
        file=path,
        line=line if line is not None else "?",
        key=key or _("(top level)"),
        problem=problem,
    )
    hint = fix
    if len(described) > 1:
        others = "; ".join(
            _("line {line}: {key}: {problem}", line=other_line or "?",
              key=_format_key(other_path) or _("(top level)"), problem=other_problem)
            for other_path, other_line, other_problem, _fix in described[1:MAX_LISTED_ERRORS + 1]
        )
        hint = _("{fix} Other errors: {others}", fix=fix, others=others)
    return MappingError(message, path=path, line=line, key=key, hint=hint)


def _locate(
    detail: ErrorDetails, data: dict[str, Any], lines: dict[KeyPath, int]
) -> tuple[KeyPath, int | None, ErrorDetails]:
    """Keep the location segments that are keys of the file; find the nearest known line."""
    matched: list[str | int] = []
    node: Any = data
    for segment in detail["loc"]:
        is_key = isinstance(node, dict) and isinstance(segment, str) and segment in node
        is_item = isinstance(node, list) and isinstance(segment, int) and segment < len(node)
        if is_key or is_item:
            matched.append(segment)
            node = node[segment]

    if detail["type"].startswith("union_tag") and isinstance(node, dict) and "type" in node:
        matched.append("type")

    key_path: KeyPath = tuple(matched)
    line = None
    for length in range(len(key_path), 0, -1):
        line = lines.get(key_path[:length])
        if line is not None:
            break

    last = detail["loc"][-1] if detail["loc"] else None
    if detail["type"] == "missing" and isinstance(last, str):
        key_path = (*key_path, last)
    return key_path, line, detail


def _unique_by_key(
    located: list[tuple[KeyPath, int | None, ErrorDetails]],
) -> list[tuple[KeyPath, int | None, ErrorDetails]]:
    """Keep one error per key: a union such as ``str | int`` reports one error per member."""
    seen: dict[KeyPath, tuple[KeyPath, int | None, ErrorDetails]] = {}
    for item in located:
        seen.setdefault(item[0], item)
    return list(seen.values())


def _format_key(key_path: KeyPath) -> str:
    text = ""
    for segment in key_path:
        if isinstance(segment, int):
            text += f"[{segment}]"
        else:
            text += f".{segment}" if text else segment
    return text


def _describe(detail: ErrorDetails, key_path: KeyPath, data: dict[str, Any]) -> tuple[str, str]:
    """Return the translated problem and the suggested fix for one pydantic error."""
    kind = detail["type"]
    context = detail.get("ctx", {})
    value = detail.get("input")
    name = str(key_path[-1]) if key_path else ""

    if kind == "extra_forbidden":
        allowed = _allowed_keys(key_path[:-1], data)
        closest = difflib.get_close_matches(name, allowed, n=1, cutoff=0.6)
        fix = (
            _("Did you mean '{closest}'?", closest=closest[0])
            if closest
            else _("Allowed keys here: {allowed}.", allowed=", ".join(allowed))
        )
        return _("unknown key '{key}'", key=name), fix

    if kind == "missing" and key_path == ("template",):
        return (
            _("the required key '{key}' is missing", key=name),
            _("Add 'template:' with the processId of the TAS template: its header id."),
        )
    if kind == "missing":
        return (
            _("the required key '{key}' is missing", key=name),
            _("Add '{key}:' with a value; see docs/mapping.md.", key=name),
        )

    if kind == "union_tag_invalid":
        tag = context.get("tag", value)
        closest = difflib.get_close_matches(str(tag), list(VARIABLE_TYPES), n=1, cutoff=0.5)
        fix = _("Use one of the types: {types}.", types=", ".join(VARIABLE_TYPES))
        if closest:
            fix = _("Did you mean '{closest}'?", closest=closest[0]) + " " + fix
        return (
            _("'{tag}' is not one of {types}", tag=tag, types=", ".join(VARIABLE_TYPES)),
            fix,
        )

    if kind == "union_tag_not_found":
        return (
            _("the variable has no 'type'"),
            _("Add 'type:' with one of {types}.", types=", ".join(VARIABLE_TYPES)),
        )

    if kind == "literal_error":
        expected = str(context.get("expected", "")).replace("'", "")
        return (
            _("'{value}' is not one of {expected}", value=value, expected=expected),
            _("Use one of: {expected}.", expected=expected),
        )

    if kind in ("value_error", "assertion_error"):
        reason = str(context.get("error", detail["msg"]))
        return reason, _("Correct the value as the message says.")

    if name == "delimiter" and kind in ("string_too_short", "string_too_long"):
        return (
            _("'{value}' is not one character", value=value),
            _("Write a single character, for example \";\" or \"\\t\" for a tab."),
        )

    if key_path == ("template",) and kind in (
        "greater_than", "greater_than_equal", "int_type", "int_parsing", "int_from_float"
    ):
        return (
            _("'{value}' is not a template id", value=value),
            _("Set template to the processId of the TAS template: its header id, a "
              "number greater than 0."),
        )

    return _describe_type_error(kind, context, value, detail["msg"])


def _describe_type_error(
    kind: str, context: dict[str, Any], value: Any, fallback: str
) -> tuple[str, str]:
    if kind in ("int_type", "int_parsing", "int_from_float"):
        return _("'{value}' is not a whole number", value=value), _("Write a whole number.")
    if kind in ("bool_type", "bool_parsing"):
        return _("'{value}' is not true or false", value=value), _("Write true or false.")
    if kind in ("string_type", "string_too_short", "string_too_long"):
        return (
            _("'{value}' is not a valid text here", value=value),
            _("Write the value as a quoted text, for example \"{value}\".", value=value),
        )
    if kind in ("list_type", "tuple_type"):
        return _("expected a list"), _("Write a list, for example [\"a\", \"b\"].")
    if kind in ("dict_type", "model_type", "model_attributes_type"):
        return _("expected a mapping of keys"), _("Write indented 'key: value' lines.")
    if kind == "too_short":
        return (
            _("needs at least {count} items", count=context.get("min_length", 1)),
            _("Add the missing items."),
        )
    if kind == "greater_than_equal":
        return (
            _("'{value}' is too small, the minimum is {limit}", value=value,
              limit=context.get("ge")),
            _("Use a larger number."),
        )
    if kind == "greater_than":
        return (
            _("'{value}' is too small, it must be greater than {limit}", value=value,
              limit=context.get("gt")),
            _("Use a larger number."),
        )
    if kind in ("decimal_type", "decimal_parsing", "float_type", "float_parsing"):
        return _("'{value}' is not a number", value=value), _("Write a number such as 1500.50.")
    return (
        _("invalid value: {detail}", detail=fallback),
        _("Correct the value; see docs/mapping.md."),
    )


def _allowed_keys(parent: KeyPath, data: dict[str, Any]) -> list[str]:
    model = _model_at(parent, data)
    return sorted(model.model_fields) if model is not None else []


def _model_at(parent: KeyPath, data: dict[str, Any]) -> type[BaseModel] | None:
    if parent == ():
        return Mapping
    if parent == ("source",):
        return SourceSettings
    if parent == ("defaults",):
        return Defaults
    if len(parent) >= 2 and parent[0] == "variables":
        variable = data.get("variables", {}).get(parent[1], {})
        kind = variable.get("type") if isinstance(variable, dict) else None
        model = VARIABLE_MODELS.get(str(kind))
        if len(parent) == 2:
            return model
        if parent[2:] == ("output",) and kind == "boolean":
            return BooleanOutput
    return None
