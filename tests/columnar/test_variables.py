"""The columnar coercion of one variable gives every cell the exact coercer's result."""

from __future__ import annotations

from typing import Any

import polars as pl
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tas_import.coercion.cells import OMITTED
from tas_import.coercion.columns import VariableCoercer
from tas_import.columnar.variables import ColumnCoercion
from tas_import.mapping import Mapping
from tas_import.rows import CellProblem

# Characters that make the vectorised checks' edge cases: digits of several scripts,
# separators and spaces Czech Excel writes, letters whose case maps differ, escapes.
ALPHABET = "0123456789٣,. -+\u00a0\u202f\x1c\tabcxyzABCĚŠČŘŽéßİΣ@=\\/_N/Aano"

cells = st.text(alphabet=ALPHABET, max_size=12)

VARIABLES: dict[str, dict[str, Any]] = {
    "plain text": {"type": "text"},
    "required text": {"type": "text", "required": True},
    "text with pattern": {"type": "text", "pattern": r"\d{3,5}"},
    "lower text with pattern": {"type": "text", "case": "lower", "pattern": r"[a-z0-9.]+@?\w*"},
    "upper text with max length": {"type": "text", "case": "upper", "max_length": 4},
    "title text": {"type": "text", "case": "title", "pattern": "[A-Z].*"},
    "padded text": {"type": "text", "pad": 5},
    "mapped text": {"type": "text", "map": {"a": "A", "ano": "yes"}},
    "text with default": {"type": "text", "default": "none"},
    "number": {"type": "number"},
    "number with limits": {"type": "number", "min": 0, "max": 100},
    "number with negative minimum": {"type": "number", "min": "-10.5", "max": "1e3"},
    "integer": {"type": "integer", "min": 1},
    "date": {"type": "date"},
    "boolean": {"type": "boolean"},
    "choice": {"type": "choice", "values": ["A", "B"], "map": {"a": "A"}, "ignore_case": True},
}


def build(variable: dict[str, Any], *, fragments: bool) -> tuple[ColumnCoercion, VariableCoercer]:
    mapping = Mapping.model_validate({
        "template": 1,
        "defaults": {"preset": "cz", "empty": ["-", "N/A", "ss"]},
        "variables": {"v": {"column": "C", **variable}},
    })
    exact = VariableCoercer("v", mapping.variables["v"], mapping.defaults, {"C": "C"})
    columnar = VariableCoercer("v", mapping.variables["v"], mapping.defaults, {"C": "C"})
    return ColumnCoercion(columnar, fragments=fragments), exact


def expected(exact: VariableCoercer, values: list[str]) -> tuple[dict[int, Any], list[str]]:
    results = exact.coerce_raws([value or None for value in values])
    problems = {index: (result.value, result.message) for index, result in enumerate(results)
                if isinstance(result, CellProblem)}
    return problems, exact.value_fragments(results)


@pytest.mark.parametrize("name", list(VARIABLES))
@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(values=st.lists(cells, min_size=1, max_size=40), repeat=st.booleans())
def test_each_cell_gets_the_exact_result(name: str, values: list[str], repeat: bool) -> None:
    if repeat:  # a column of few distinct values takes the per-value path
        values = values[:2] * 20
    columnar, exact = build(VARIABLES[name], fragments=True)
    outcome = columnar.run(pl.DataFrame({"C": values}, schema={"C": pl.String}))

    problems, fragments = expected(exact, values)
    assert {index: (problem.value, problem.message)
            for index, problem in outcome.problems.items()} == problems
    assert outcome.fragments is not None
    got = outcome.fragments.to_list()
    assert [got[index] for index in range(len(values)) if index not in problems] == [
        fragments[index] for index in range(len(values)) if index not in problems
    ]


@pytest.mark.parametrize(
    ("value", "valid"),
    [("0", True), ("-0", True), ("-0,01", False), ("100", True), ("100,0000001", False),
     ("1 234", False), ("99,999", True), ("12abc", False), (", ,, 123", False)],
)
def test_numbers_at_their_limits(value: str, valid: bool) -> None:
    columnar, _exact = build(VARIABLES["number with limits"], fragments=False)
    column = [value] * 10 + [str(number) for number in range(10)]  # not few distinct values
    outcome = columnar.run(pl.DataFrame({"C": column}))
    assert (0 not in outcome.problems) is valid


def test_empty_optional_cell_null_fragment() -> None:
    columnar, exact = build({"type": "text"}, fragments=True)
    outcome = columnar.run(pl.DataFrame({"C": ["a", "", " - ", "b\\"]}))
    assert outcome.problems == {}
    assert outcome.fragments is not None
    assert outcome.fragments.to_list() == ['"a"', "null", "null", '"b\\\\"']
    # The empty cell and the empty word "-" are left out of the payload.
    assert exact.coerce_raws([None, " - "]) == [OMITTED, OMITTED]
