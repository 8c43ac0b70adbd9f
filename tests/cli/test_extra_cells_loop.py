"""A row with more cells than its header stays invalid through the fix-and-reimport loop."""

from __future__ import annotations

import csv
from collections.abc import Callable
from pathlib import Path

import pytest
from click.testing import Result
from python_calamine import CalamineWorkbook

Invoke = Callable[..., Result]

ROWS = (
    "Osobní číslo;Jméno;Datum nástupu;Mzda;Oddělení\n"
    "000101;Jiří;01.02.2027;45 000,50;IT\n"
    "000102;Žofie;15.03.2027;52 100;HR;navíc\n"
)


def statuses(results: Path) -> list[str]:
    if results.suffix == ".csv":
        with results.open(encoding="utf-8-sig", newline="") as stream:
            rows = list(csv.reader(stream, delimiter=";"))
        status_index = rows[0].index("status")
        return [row[status_index] for row in rows[1:]]
    sheet = CalamineWorkbook.from_path(str(results)).get_sheet_by_index(0).to_python()
    status_index = list(sheet[0]).index("status")
    return [str(row[status_index]) for row in sheet[1:]]


@pytest.mark.parametrize("suffix", [".csv", ".xlsx"])
def test_extra_cell_survives_reimport(
    invoke: Invoke, write_file: Callable[[str, str], Path], people_mapping: Path, suffix: str
) -> None:
    source = write_file("people.csv", ROWS)
    first = source.with_name("first" + suffix)
    result = invoke(source, "--mapping", people_mapping, "--dry-run", "--results", first)
    assert result.exit_code == 1, result.output
    assert statuses(first) == ["valid", "invalid"]

    second = source.with_name("second" + suffix)
    result = invoke(first, "--mapping", people_mapping, "--dry-run", "--results", second)
    assert result.exit_code == 1, result.output
    assert statuses(second) == ["valid", "invalid"]
    assert "'navíc'" in result.output
