"""Check a mapping against a TAS template before anything is sent.

Every mapped variable and constant must exist on the template, its mapping type must fit
the template's type, and every value a ``choice`` (or a boolean output) can send must be
in the template's list of values (LOV).
"""

from __future__ import annotations

import difflib

from tas_import.errors import TemplateError
from tas_import.i18n import _
from tas_import.mapping import BooleanVariable, ChoiceVariable, Mapping, Variable
from tas_import.templates import Template, TemplateVariable

# Which template variable types each mapping type can fill.
COMPATIBLE_TYPES: dict[str, set[str]] = {
    "text": {"text"},
    "integer": {"number", "text"},
    "number": {"number", "text"},
    "date": {"date", "text"},
    "datetime": {"text"},
    "boolean": {"text", "lov"},
    "choice": {"lov", "text"},
}


def check_mapping(mapping: Mapping, template: Template) -> None:
    """Raise TemplateError listing every mismatch between the mapping and the template."""
    mismatches: list[str] = []
    if mapping.template != template.id:
        mismatches.append(
            _("the mapping is for template {mapping_id}, the template file entry is {template_id}",
              mapping_id=mapping.template, template_id=template.id)
        )

    for name in mapping.constants:
        # NOTE: TAS accepts system flags such as _isCaseCreatedByAPI beside the template's
        # variables; which flags exist is undocumented, so names starting with "_" pass.
        if name not in template.variables and not name.startswith("_"):
            mismatches.append(_("constant {name}: {problem}", name=name,
                                problem=_unknown_variable(name, template)))

    for name, variable in mapping.variables.items():
        target = template.variables.get(name)
        if target is None:
            mismatches.append(_("variable {name}: {problem}", name=name,
                                problem=_unknown_variable(name, template)))
            continue
        mismatches.extend(_check_variable(name, variable, target))

    if mismatches:
        raise TemplateError(
            _("The mapping does not fit template {id} ({template}):\n{mismatches}",
              id=template.id, template=template.name,
              mismatches="\n".join("  - " + mismatch for mismatch in mismatches)),
            hint=_("Rename the variables to the template's names, or fix the types and values "
                   "in the mapping."),
        )


def _unknown_variable(name: str, template: Template) -> str:
    closest = difflib.get_close_matches(name, list(template.variables), n=1, cutoff=0.6)
    if closest:
        return _("the template has no such variable; did you mean '{closest}'?",
                 closest=closest[0])
    return _("the template has no such variable; its variables are {names}",
             names=", ".join(sorted(template.variables)))


def _check_variable(name: str, variable: Variable, target: TemplateVariable) -> list[str]:
    if target.type not in COMPATIBLE_TYPES[variable.type]:
        return [
            _("variable {name}: type {type} cannot fill a template variable of type "
              "{template_type}", name=name, type=variable.type, template_type=target.type)
        ]
    if target.type != "lov":
        return []

    allowed = target.values or []
    sent = _values_sent(variable)
    outside = [value for value in sent if value not in allowed]
    if not outside:
        return []
    return [
        _("variable {name}: values outside the template's list of values ({allowed}): "
          "{values}", name=name, values=", ".join(outside), allowed=", ".join(allowed))
    ]


def _values_sent(variable: Variable) -> list[str]:
    """Return every value the variable can send to a LOV variable."""
    if isinstance(variable, ChoiceVariable):
        return list(variable.values)
    if isinstance(variable, BooleanVariable):
        return [str(variable.output.true), str(variable.output.false)]
    return []
