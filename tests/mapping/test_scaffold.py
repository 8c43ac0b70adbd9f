from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from tas_import.errors import MappingError
from tas_import.mapping import load_mapping
from tas_import.reading import Column
from tas_import.rows import SourceRow
from tas_import.scaffold import describe_samples, render_scaffold
from tas_import.templates import Template, TemplateVariable


@dataclass
class FakeSource:
    columns: list[Column]
    rows: list[SourceRow] = field(default_factory=list)

    def __iter__(self) -> Iterator[SourceRow]:
        return iter(self.rows)


SOURCE = FakeSource(
    [Column("Osobní číslo", "Osobní číslo", "A", 0), Column("Datum nástupu", "Datum nástupu",
                                                              "B", 1),
     Column("Mzda", "Mzda", "C", 2), Column("Nástup", "Nástup", "D", 3)],
    [SourceRow(2, {"Osobní číslo": "00601", "Datum nástupu": "31.12.2026", "Mzda": "1 234,50",
                   "Nástup": dt.date(2026, 1, 1)})],
)


def test_scaffold_needs_template_id(tmp_path: Path) -> None:
    path = tmp_path / "m.yaml"
    path.write_text(render_scaffold(SOURCE), encoding="utf-8")
    with pytest.raises(MappingError, match="line 6: template: '0' is not a template id"):
        load_mapping(path)


def test_scaffold_suggests_a_key() -> None:
    lines = render_scaffold(SOURCE).splitlines()
    assert '# key: ["Osobní číslo"]  # TODO: the columns that identify a row across runs' in lines


def test_one_leading_zero_means_text() -> None:
    assert describe_samples(["00601", "60200", "11000"]).startswith("text with leading zeros")


def test_czech_amounts_without_decimals() -> None:
    kind = "number with a decimal comma: type: number, decimal: ','"
    assert describe_samples(["35 000,00", "42 500,50", "28 000"]) == kind
    assert describe_samples(["1", "0,5", "1"]) == kind
    assert describe_samples(["1", "2", "3"]) == "integer: type: integer"


def test_scaffold_loads_as_mapping(tmp_path: Path) -> None:
    path = tmp_path / "m.yaml"
    text = render_scaffold(SOURCE).replace("template: 0", "template: 27")
    path.write_text(text, encoding="utf-8")
    mapping = load_mapping(path)
    assert mapping.columns() == ["Osobní číslo", "Datum nástupu", "Mzda", "Nástup"]
    assert {variable.type for variable in mapping.variables.values()} == {"text"}


def test_scaffold_comments_types() -> None:
    text = render_scaffold(SOURCE)
    assert "date (dd.mm.yyyy)" in text
    assert "leading zeros" in text
    assert "decimal comma" in text
    assert "Excel date cells" in text
    assert "'31.12.2026'" in text


def test_scaffold_uses_template_names() -> None:
    template = Template(27, "T", {"datumNastupu": TemplateVariable("date"),
                                  "other": TemplateVariable("text")})
    text = render_scaffold(SOURCE, template=template)
    assert "template: 27" in text
    assert '"datumNastupu":' in text
    assert "without a column: other" in text


ENGLISH_SOURCE = FakeSource(
    [Column("Score", "Score", "A", 0), Column("Hired", "Hired", "B", 1)],
    [SourceRow(2, {"Score": None, "Hired": "7/5/2011"}),
     SourceRow(3, {"Score": "4.60", "Hired": "3/30/2015"})],
)


def test_scaffold_czech_preset_when_czech() -> None:
    assert "\n  preset: cz" in render_scaffold(SOURCE)


def test_scaffold_no_preset_when_english() -> None:
    text = render_scaffold(ENGLISH_SOURCE)
    assert "\n  preset: cz" not in text
    assert "# defaults: {preset: cz}" in text


def test_scaffold_samples_skip_empty_cells() -> None:
    assert "samples: '4.60'" in render_scaffold(ENGLISH_SOURCE)


def test_scaffold_letters_repeated_headers() -> None:
    source = FakeSource(
        [Column("Příjmení", "Příjmení", "A", 0), Column("Příjmení (C)", "Příjmení", "C", 2)],
        [SourceRow(2, {"Příjmení": "Nová", "Příjmení (C)": "Novák"})],
    )
    text = render_scaffold(source)
    assert 'column: "Příjmení (A)"' in text
    assert 'column: "Příjmení (C)"' in text


def test_slash_dates_order_named() -> None:
    from tas_import.scaffold import describe_samples

    assert "formats: ['%m/%d/%Y']" in describe_samples(["7/5/2011", "3/30/2015"])
    assert "formats: ['%d/%m/%Y']" in describe_samples(["30/3/2015"])
    assert "check which one" in describe_samples(["1/2/2014"])
    assert "two_digit_year: past" in describe_samples(["07/10/83", "05/05/75"])


def test_abbreviation_lowered_whole() -> None:
    source = FakeSource([Column("DOB", "DOB", "A", 0), Column("EmpID", "EmpID", "B", 1)])
    text = render_scaffold(source)
    assert '"dob":' in text
    assert '"empID":' in text


def test_placeholders_do_not_hide_dates() -> None:
    kind = describe_samples(["N/A", "31.01.2026", "-", "01.02.2026"])
    assert kind.startswith("date (dd.mm.yyyy)")
    assert kind.endswith("'-', 'N/A' also appear: list them under empty")


def test_type_judged_beyond_shown_samples() -> None:
    rows = [SourceRow(number, {"PSČ": code}) for number, code in
            enumerate(["60200", "11000", "12000", "13000", "14000", "15000", "00601"], start=2)]
    source = FakeSource([Column("PSČ", "PSČ", "A", 0)], rows)
    text = render_scaffold(source)
    assert "# looks like: text with leading zeros" in text
    assert "'00601'" not in text  # shown samples stay five
