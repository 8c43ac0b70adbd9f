from __future__ import annotations

import pytest

from tas_import.errors import TemplateError
from tas_import.mapping import Mapping
from tas_import.template_check import check_mapping
from tas_import.templates import Template, TemplateVariable

TEMPLATE = Template(27, "Nástup", {
    "employeeNumber": TemplateVariable("text"),
    "salary": TemplateVariable("number"),
    "department": TemplateVariable("lov", ["HR", "IT"]),
})


def mapping(variables: dict[str, object], **extra: object) -> Mapping:
    return Mapping.model_validate({"template": 27, "variables": variables, **extra})


def test_fitting_mapping_passes() -> None:
    check_mapping(mapping({
        "employeeNumber": {"column": "A", "type": "text"},
        "department": {"column": "B", "type": "choice", "values": ["HR"]},
    }, constants={"_isCaseCreatedByAPI": "true"}), TEMPLATE)


def test_every_mismatch_listed() -> None:
    with pytest.raises(TemplateError) as caught:
        check_mapping(mapping({
            "employeNumber": {"column": "A", "type": "text"},
            "salary": {"column": "B", "type": "date"},
            "department": {"column": "C", "type": "choice", "values": ["HR", "Sales"]},
        }), TEMPLATE)
    message = caught.value.message
    assert "employeNumber" in message
    assert "type date" in message
    assert "Sales" in message


def test_mismatches_one_per_line() -> None:
    with pytest.raises(TemplateError) as caught:
        check_mapping(mapping({
            "employeNumber": {"column": "A", "type": "text"},
            "salary": {"column": "B", "type": "date"},
        }), TEMPLATE)
    lines = caught.value.message.splitlines()
    assert lines[1] == ("  - variable employeNumber: the template has no such variable; "
                        "did you mean 'employeeNumber'?")
    assert lines[2].startswith("  - variable salary: type date")
