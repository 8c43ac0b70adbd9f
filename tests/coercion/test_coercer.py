from __future__ import annotations

import hashlib
from decimal import Decimal

import simplejson

from tas_import.coercion import Coercer, canonical_json, format_problems
from tas_import.i18n import set_language
from tas_import.mapping import Mapping
from tas_import.rows import SourceRow

MAPPING = {
    "template": 27,
    "defaults": {"preset": "cz"},
    "constants": {"_isCaseCreatedByAPI": "true"},
    "variables": {
        "employeeNumber": {"column": "Osobní číslo", "type": "text", "required": True},
        "startDate": {"column": "Datum nástupu", "type": "date"},
        "salary": {"column": "Mzda", "type": "number"},
        "note": {"column": "Poznámka", "type": "text"},
    },
}
KEYS = {"Osobní číslo": "a", "Datum nástupu": "b", "Mzda": "c", "Poznámka": "d"}


def make(**changes: object) -> Coercer:
    return Coercer(Mapping.model_validate({**MAPPING, **changes}), KEYS)


def test_valid_row_payload() -> None:
    row = make().coerce_batch([SourceRow(2, {"a": "007", "b": "1.2.2026", "c": "9,99", "d": ""})])
    assert row[0].data == {
        "_isCaseCreatedByAPI": "true",
        "employeeNumber": "007",
        "startDate": "2026-02-01",
        "salary": Decimal("9.99"),
    }


def test_invalid_row_lists_every_cell() -> None:
    rows = make().coerce_batch([SourceRow(5, {"a": "", "b": "2026-13-01", "c": "x", "d": ""})])
    assert rows[0].data is None
    assert [problem.column for problem in rows[0].problems] == [
        "Osobní číslo", "Datum nástupu", "Mzda"
    ]


def test_format_problems_message() -> None:
    rows = make().coerce_batch([SourceRow(5, {"a": "1", "b": "2026-13-01", "c": "1", "d": ""})])
    assert format_problems(rows[0].problems) == (
        "Datum nástupu: '2026-13-01' is not a date in format dd.mm.yyyy or dd. mm. yyyy"
    )


def test_format_problems_czech() -> None:
    set_language("cs")
    try:
        rows = make().coerce_batch([SourceRow(5, {"a": "", "b": "1.1.2020", "c": "1", "d": ""})])
        assert format_problems(rows[0].problems) == "Osobní číslo: chybí povinná hodnota"
    finally:
        set_language("en")


def test_reader_error_makes_invalid() -> None:
    rows = make().coerce_batch([SourceRow(3, {"a": "1"}, error="too many cells")])
    assert rows[0].problems[0].message == "too many cells"


def test_hash_key_is_canonical_payload() -> None:
    rows = make().coerce_batch([
        SourceRow(2, {"a": "1", "b": "1.2.2026", "c": "1 234,50", "d": "ž\"x"}),
        SourceRow(3, {"a": "2", "b": "1.2.2026", "c": "5", "d": ""}),
    ])
    for row in rows:
        assert row.data is not None
        text = simplejson.dumps(row.data, use_decimal=True, sort_keys=True,
                                separators=(",", ":"), ensure_ascii=False)
        assert row.key == hashlib.sha256(text.encode()).hexdigest()
        assert canonical_json(row.data) == text


def test_key_columns() -> None:
    rows = make(key=["Osobní číslo"]).coerce_batch(
        [SourceRow(2, {"a": "007", "b": "", "c": "", "d": ""})]
    )
    assert rows[0].key == '["007"]'


def test_batch_order_and_cache() -> None:
    coercer = make()
    cells = [{"a": str(n), "b": "1.1.2020", "c": "1", "d": ""} for n in range(50)]
    cells[7]["b"] = "bad"
    rows = coercer.coerce_batch([SourceRow(n + 2, c) for n, c in enumerate(cells)])
    assert [row.number for row in rows] == list(range(2, 52))
    assert [row.is_valid for row in rows].count(False) == 1
    assert rows[7].is_valid is False
