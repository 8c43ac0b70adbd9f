"""The templates file: TAS template ids with their variables, types and LOV values.

The sandbox validates requests against it, and ``tas-import --template-file`` checks a
mapping against it before anything is sent. The file is YAML::

    templates:
      27:
        name: Nástup zaměstnance
        variables:
          employeeNumber: text
          startDate: date
          salary: number
          department: {type: lov, values: [HR, IT, Finance]}

A variable is either a bare type name or a mapping with ``type`` and, for ``lov`` only,
a non-empty ``values`` list. Unknown keys are errors.
"""

from __future__ import annotations

import io
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal, NoReturn, cast, get_args

from ruamel.yaml import YAML
from ruamel.yaml.comments import CommentedMap, CommentedSeq
from ruamel.yaml.error import YAMLError

from tas_import.errors import TemplateError
from tas_import.i18n import _

VariableType = Literal["text", "number", "date", "lov"]
VARIABLE_TYPES: tuple[str, ...] = get_args(VariableType)


@dataclass(frozen=True)
class TemplateVariable:
    """A template variable: its TAS type and, for ``lov``, the allowed values."""

    type: VariableType
    values: list[str] | None = field(default=None, hash=False)


@dataclass(frozen=True)
class Template:
    """A TAS process header (template): the ``processId`` and the variables it accepts."""

    id: int
    name: str
    variables: dict[str, TemplateVariable] = field(hash=False)


def load_templates(path: Path) -> dict[int, Template]:
    """Read and validate a templates file; raise TemplateError naming file, line and key."""
    try:
        text = path.read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError) as error:
        raise TemplateError(
            _("Cannot read the templates file {path}: {error}", path=path, error=error),
            hint=_("Check the path and that the file is UTF-8 YAML."),
        ) from error

    try:
        document = YAML(typ="rt").load(text)
    except YAMLError as error:
        raise TemplateError(
            _("The templates file {path} is not valid YAML: {error}", path=path, error=error),
            hint=_("Fix the YAML syntax at the line shown."),
        ) from error

    return _TemplatesParser(path).parse(document)


def dump_templates(templates: dict[int, Template]) -> str:
    """Return the templates as YAML text that :func:`load_templates` reads back unchanged."""
    root = CommentedMap()
    entries = CommentedMap()
    for template_id in sorted(templates):
        template = templates[template_id]
        variables = CommentedMap()
        for name, variable in template.variables.items():
            variables[name] = _dump_variable(variable)
        entry = CommentedMap()
        entry["name"] = template.name
        entry["variables"] = variables
        entries[template_id] = entry
    root["templates"] = entries

    yaml = YAML(typ="rt")
    yaml.allow_unicode = True
    yaml.default_flow_style = False
    buffer = io.StringIO()
    yaml.dump(root, buffer)
    return buffer.getvalue()


def _dump_variable(variable: TemplateVariable) -> object:
    if variable.type != "lov":
        return variable.type

    values = CommentedSeq(variable.values or [])
    values.fa.set_flow_style()
    spec = CommentedMap()
    spec["type"] = "lov"
    spec["values"] = values
    spec.fa.set_flow_style()
    return spec


class _TemplatesParser:
    """Validates the loaded YAML tree; every error names the file, line and key."""

    def __init__(self, path: Path) -> None:
        self.path = path

    def parse(self, document: Any) -> dict[int, Template]:
        if not isinstance(document, CommentedMap):
            self._fail(None, None, _("the file must be a mapping with the key 'templates'"))
        self._reject_unknown_keys(document, {"templates"}, "")
        if "templates" not in document:
            self._fail(document, None, _("the key 'templates' is missing"))

        entries = document["templates"]
        if not isinstance(entries, CommentedMap) or not entries:
            self._fail(document, "templates", _("'templates' must map template ids to templates"))

        templates: dict[int, Template] = {}
        for raw_id, entry in entries.items():
            template_id = self._parse_id(entries, raw_id)
            if template_id in templates:
                self._fail(entries, raw_id, _("template id {id} appears twice", id=template_id))
            templates[template_id] = self._parse_template(entries, raw_id, template_id, entry)
        return templates

    def _parse_id(self, entries: CommentedMap, raw_id: Any) -> int:
        is_digit_text = isinstance(raw_id, str) and raw_id.strip().isdigit()
        if isinstance(raw_id, bool) or not (isinstance(raw_id, int) or is_digit_text):
            self._fail(
                entries, raw_id, _("template id '{id}' is not a whole number", id=str(raw_id))
            )
        template_id = int(raw_id)
        if template_id <= 0:
            self._fail(entries, raw_id, _("template id {id} must be positive", id=template_id))
        return template_id

    def _parse_template(
        self, entries: CommentedMap, raw_id: Any, template_id: int, entry: Any
    ) -> Template:
        where = f"templates.{raw_id}"
        if not isinstance(entry, CommentedMap):
            self._fail(
                entries, raw_id, _("a template must be a mapping with 'name' and 'variables'")
            )
        self._reject_unknown_keys(entry, {"name", "variables"}, where)

        name = entry.get("name")
        if not isinstance(name, str) or not name.strip():
            self._fail(
                entry,
                "name" if "name" in entry else None,
                _("{where}.name must be a non-empty text", where=where),
            )

        raw_variables = entry.get("variables")
        if not isinstance(raw_variables, CommentedMap):
            self._fail(
                entry,
                "variables" if "variables" in entry else None,
                _("{where}.variables must map variable names to types", where=where),
            )

        variables: dict[str, TemplateVariable] = {}
        for variable_name, spec in raw_variables.items():
            if not isinstance(variable_name, str) or not variable_name:
                self._fail(
                    raw_variables,
                    variable_name,
                    _("variable name '{name}' must be text", name=str(variable_name)),
                )
            variables[variable_name] = self._parse_variable(
                raw_variables, variable_name, spec, f"{where}.variables.{variable_name}"
            )
        return Template(id=template_id, name=name.strip(), variables=variables)

    def _parse_variable(
        self, parent: CommentedMap, name: str, spec: Any, where: str
    ) -> TemplateVariable:
        if isinstance(spec, str):
            if spec == "lov":
                self._fail(
                    parent,
                    name,
                    _(
                        "{where}: a lov variable needs its values, "
                        "write {{type: lov, values: [...]}}",
                        where=where,
                    ),
                )
            return TemplateVariable(type=self._parse_type(parent, name, spec, where))

        if not isinstance(spec, CommentedMap):
            self._fail(
                parent, name, _("{where} must be a type name or a mapping with 'type'", where=where)
            )
        self._reject_unknown_keys(spec, {"type", "values"}, where)
        variable_type = self._parse_type(spec, "type", spec.get("type"), where)

        if variable_type != "lov":
            if "values" in spec:
                self._fail(
                    spec, "values", _("{where}: only lov variables take 'values'", where=where)
                )
            return TemplateVariable(type=variable_type)
        return TemplateVariable(type="lov", values=self._parse_values(spec, where))

    def _parse_type(self, parent: CommentedMap, key: Any, value: Any, where: str) -> VariableType:
        if value not in VARIABLE_TYPES:
            self._fail(
                parent,
                key,
                _(
                    "{where}: unknown type '{value}', expected one of {types}",
                    where=where,
                    value=str(value),
                    types=", ".join(VARIABLE_TYPES),
                ),
            )
        return cast(VariableType, value)

    def _parse_values(self, spec: CommentedMap, where: str) -> list[str]:
        raw_values = spec.get("values")
        if not isinstance(raw_values, CommentedSeq) or not raw_values:
            self._fail(
                spec,
                "values" if "values" in spec else "type",
                _("{where}: a lov variable needs a non-empty 'values' list", where=where),
            )

        values: list[str] = []
        for index, value in enumerate(raw_values):
            # LOV values are text in TAS; a bare YAML integer is accepted as its digits,
            # anything else (true, 1.5, a date) must be quoted so its text is unambiguous.
            if isinstance(value, bool) or not isinstance(value, (str, int)):
                self._fail_at(
                    raw_values.lc.item(index)[0],
                    f"{where}.values",
                    _("value '{value}' must be quoted text", value=str(value)),
                )
            values.append(str(value))
        return values

    def _reject_unknown_keys(self, node: CommentedMap, allowed: set[str], where: str) -> None:
        for key in node:
            if key not in allowed:
                prefix = f"{where}." if where else ""
                self._fail(
                    node,
                    key,
                    _(
                        "unknown key '{key}', expected one of {allowed}",
                        key=f"{prefix}{key}",
                        allowed=", ".join(sorted(allowed)),
                    ),
                )

    def _fail(self, node: CommentedMap | None, key: Any, reason: str) -> NoReturn:
        line = None
        if node is not None:
            has_key = key is not None and key in node
            line = node.lc.key(key)[0] if has_key else node.lc.line
        self._fail_at(line, None if key is None else str(key), reason)

    def _fail_at(self, line: int | None, key: str | None, reason: str) -> NoReturn:
        # ruamel.yaml counts lines from 0; editors and messages count from 1.
        line_text = "?" if line is None else str(line + 1)
        if key is None:
            message = _(
                "Templates file {path}, line {line}: {reason}",
                path=self.path,
                line=line_text,
                reason=reason,
            )
        else:
            message = _(
                "Templates file {path}, line {line}, key '{key}': {reason}",
                path=self.path,
                line=line_text,
                key=key,
                reason=reason,
            )
        raise TemplateError(
            message,
            hint=_(
                "Each template needs 'name' and 'variables'; each variable is text, number, "
                "date or {type: lov, values: [...]}."
            ),
        )
