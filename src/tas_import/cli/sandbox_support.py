"""Templates for ``--sandbox``: a templates file, or a permissive one built from the mapping."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

from tas_import.errors import TemplateError
from tas_import.i18n import _
from tas_import.mapping import ChoiceVariable, Mapping
from tas_import.templates import Template, TemplateVariable, VariableType, load_templates

# How each mapping type is declared on a TAS template. Booleans and datetimes are sent as
# text ("true"/"false", "YYYY-MM-DDTHH:MM:SS"), so the sandbox declares them as text.
TEMPLATE_TYPES: dict[str, VariableType] = {
    "text": "text",
    "integer": "number",
    "number": "number",
    "date": "date",
    "datetime": "text",
    "boolean": "text",
    "choice": "lov",
}


def permissive_template(mapping: Mapping) -> Template:
    """Build the template that accepts exactly what the mapping sends.

    Every mapped variable and constant is declared with the type its values have, and a
    choice variable's LOV is its ``values`` list, so the sandbox still rejects what a
    real template with the same LOV would.
    """
    variables: dict[str, TemplateVariable] = {}
    for name, variable in mapping.variables.items():
        if isinstance(variable, ChoiceVariable):
            variables[name] = TemplateVariable("lov", [str(value) for value in variable.values])
        else:
            variables[name] = TemplateVariable(TEMPLATE_TYPES[variable.type])

    for name, value in mapping.constants.items():
        is_number = isinstance(value, (int, Decimal)) and not isinstance(value, bool)
        variables.setdefault(name, TemplateVariable("number" if is_number else "text"))

    return Template(
        id=mapping.template,
        name=_("Sandbox template built from the mapping"),
        variables=variables,
    )


def sandbox_templates(mapping: Mapping, templates_path: Path | None) -> dict[int, Template]:
    """Return the sandbox's templates: from ``templates_path``, else the permissive one."""
    if templates_path is None:
        return {mapping.template: permissive_template(mapping)}

    templates = load_templates(templates_path)
    if mapping.template not in templates:
        raise TemplateError(
            _(
                "Template {template} of the mapping is not in the sandbox templates file "
                "'{path}'.",
                template=mapping.template,
                path=templates_path,
            ),
            hint=_("Add the template to the file, or leave out --sandbox-templates."),
        )
    return templates
