"""Batch writing of a results CSV gives the same file as writing row by row."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from pathlib import Path

from tas_import.results import ResultsWriter, RunInfo
from tas_import.rows import RowResult, Status

HEADERS = ["Jméno", "Částka", "Datum"]

ROWS = [
    (["Jana", "1 234,50", "31.12.2026"], RowResult(2, Status.VALID)),
    (["=HYPERLINK(1)", "-5", None], RowResult(3, Status.INVALID, "Částka: '-5' is negative")),
    (["Eva", 12.0, dt.date(2026, 1, 31)], RowResult(4, Status.CREATED, "", "00601")),
    ([None, Decimal("1.50"), True], RowResult(5, Status.FAILED, "@server error")),
]


def written(path: Path, info: RunInfo, *, batch: bool) -> bytes:
    with ResultsWriter(path, HEADERS, info, delimiter=";") as writer:
        if batch:
            writer.write_many([cells for cells, _result in ROWS], [row[1] for row in ROWS])
        else:
            for cells, result in ROWS:
                writer.write(cells, result)
        writer.close()
    return path.read_bytes()


def test_write_many_same_bytes(tmp_path: Path, info: RunInfo) -> None:
    one_by_one = written(tmp_path / "single.results.csv", info, batch=False)
    batched = written(tmp_path / "batch.results.csv", info, batch=True)
    assert batched == one_by_one


def test_write_many_counts(tmp_path: Path, info: RunInfo) -> None:
    with ResultsWriter(tmp_path / "r.csv", HEADERS, info) as writer:
        writer.write_many([cells for cells, _result in ROWS], [row[1] for row in ROWS])
        assert writer.counts[Status.VALID] == 1
        assert writer.most_common_reasons() == [
            ("Částka: '-5' is negative", 1), ("@server error", 1)
        ]
