"""The closing summary printed on stdout, in English and Czech."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from tas_import.i18n import set_language
from tas_import.rows import Status
from tas_import.summary import format_summary, status_label

RESULTS = Path("/data/nastupy.results.xlsx")


@pytest.fixture(autouse=True)
def english() -> Iterator[None]:
    set_language("en")
    yield
    set_language("en")


def summary(counts: dict[Status, int], *, dry_run: bool = False,
            stop_reason: str | None = None, problem_lines: tuple[str, ...] = ()) -> str:
    return format_summary(counts, RESULTS, dry_run=dry_run, stop_reason=stop_reason,
                          problem_lines=problem_lines)


def test_counts_per_status() -> None:
    text = summary({Status.CREATED: 48, Status.INVALID: 2})
    assert [line.split() for line in text.splitlines()[1:3]] == [["created", "48"],
                                                                 ["invalid", "2"]]


def test_total_in_heading() -> None:
    assert summary({Status.CREATED: 48, Status.INVALID: 2}).startswith("Rows processed: 50")


def test_zero_counts_left_out() -> None:
    assert "failed" not in summary({Status.CREATED: 3, Status.FAILED: 0})


def test_results_path_shown() -> None:
    assert f"Results: {RESULTS}" in summary({Status.CREATED: 1})


def test_all_created_needs_no_step() -> None:
    assert "Next steps" not in summary({Status.CREATED: 5})


def test_unknown_step() -> None:
    assert "--resend-unknown" in summary({Status.UNKNOWN: 2})


def test_invalid_step_names_results_file() -> None:
    text = summary({Status.INVALID: 2})
    assert "Fix them there and import that file again" in text


def test_failed_step() -> None:
    assert "Failed rows: 1" in summary({Status.FAILED: 1})


def test_stop_reason_and_token_step() -> None:
    text = summary({Status.CREATED: 3, Status.NOT_ATTEMPTED: 7},
                   stop_reason="TAS rejected the token (401).")
    assert "The run stopped early: TAS rejected the token (401)." in text
    assert "set a fresh TAS_TOKEN" in text


def test_problem_lines_indented() -> None:
    text = summary({Status.INVALID: 1}, problem_lines=("Row 7: Mzda 'x' is not a number",))
    assert "\n  Row 7: Mzda 'x' is not a number" in text


def test_dry_run_heading() -> None:
    text = summary({Status.VALID: 9}, dry_run=True)
    assert text.startswith("Dry run, nothing was sent to TAS. Rows checked: 9")


def test_dry_run_all_valid_suggests_import() -> None:
    assert "without --dry-run" in summary({Status.VALID: 9}, dry_run=True)


def test_dry_run_invalid_suggests_dry_run_again() -> None:
    assert "run the dry run again" in summary({Status.VALID: 9, Status.INVALID: 1}, dry_run=True)


def test_czech_summary() -> None:
    set_language("cs")
    text = summary({Status.CREATED: 48, Status.UNKNOWN: 1})
    lines = text.splitlines()
    assert lines[0] == "Zpracováno řádků: 49"
    assert lines[1].split() == ["vytvořeno", "(created)", "48"]


def test_czech_next_step() -> None:
    set_language("cs")
    assert "Řádky s neznámým výsledkem: 1." in summary({Status.UNKNOWN: 1})


@pytest.mark.parametrize("status", list(Status))
def test_status_label_english_is_keyword(status: Status) -> None:
    assert status_label(status) == status.value


@pytest.mark.parametrize("status", list(Status))
def test_status_label_czech_translated(status: Status) -> None:
    set_language("cs")
    assert status_label(status) != status.value


def test_missing_results_path_omitted() -> None:
    text = format_summary({Status.NOT_ATTEMPTED: 4}, None, dry_run=False,
                          stop_reason="TAS rejected the token (401).", problem_lines=())
    assert "Results:" not in text


def test_problems_end_the_summary() -> None:
    problem = "Datum nástupu: 37 rows, e.g. row 12: '2026-13-01' is not a date"
    text = summary({Status.INVALID: 37, Status.VALID: 3}, dry_run=True, problem_lines=(problem,))
    assert text.index("Next steps:") < text.index("Problems:")
    assert text.endswith(problem)
