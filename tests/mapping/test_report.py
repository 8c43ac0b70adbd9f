from __future__ import annotations

from tas_import.report import ProblemReport
from tas_import.rows import CellProblem

DATE = "is not a date in format dd.mm.yyyy"


def test_most_common_groups_by_column() -> None:
    report = ProblemReport()
    report.add(12, [CellProblem("Datum nástupu", "2026-13-01", DATE)])
    report.add(14, [CellProblem("Datum nástupu", "x", DATE), CellProblem("Mzda", None,
                                                                          "a value is required")])
    assert report.most_common() == [
        "Datum nástupu: 2 rows, e.g. row 12: '2026-13-01' is not a date in format dd.mm.yyyy",
        "Mzda: row 14: a value is required",
    ]


def test_limit() -> None:
    report = ProblemReport()
    for column in "ABC":
        report.add(2, [CellProblem(column, "x", "bad")])
    assert len(report.most_common(limit=2)) == 2
