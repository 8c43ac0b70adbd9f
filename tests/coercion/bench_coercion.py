"""Measure Coercer.coerce_batch against csv.reader on synthetic Czech HR rows.

Run: PYTHONPATH=src python tests/coercion/bench_coercion.py [ROWS]
Prints the CPU time of csv.reader parsing, of coercion, and their ratio. Not collected by
pytest (the file name does not start with test_).
"""

from __future__ import annotations

import csv
import io
import random
import sys
import time

from tas_import.coercion import Coercer
from tas_import.mapping import Mapping
from tas_import.rows import SourceRow

HEADERS = ["Jméno", "Nástup", "Mzda", "Aktivní", "Oddělení",
           "Poznámka", "Konec", "Bonus", "Klíč", "Pobočka"]
BATCH = 10_000


def build_csv(rows: int) -> str:
    generator = random.Random(7)
    out = io.StringIO()
    writer = csv.writer(out, delimiter=";")
    writer.writerow(HEADERS)
    for index in range(rows):
        day, month, year = generator.randint(1, 28), generator.randint(1, 12), generator.randint(
            2000, 2026
        )
        thousands, units, cents = (
            generator.randint(20, 150), generator.randint(0, 999), generator.randint(0, 99)
        )
        writer.writerow([
            f"Zaměstnanec {index}",
            f"{day:02d}.{month:02d}.{year}",
            f"{thousands} {units:03d},{cents:02d}",
            generator.choice(["ano", "ne"]),
            generator.choice(["HR", "IT", "Finance"]),
            generator.choice(["", "poznámka", "x"]),
            f"{generator.randint(1, 28):02d}.{generator.randint(1, 12):02d}.2030",
            f"{generator.randint(0, 5000)},{generator.randint(0, 9)}",
            generator.choice(["1", "0"]),
            generator.choice(["Praha", "Brno", "Ostrava"]),
        ])
    return out.getvalue()


MAPPING = Mapping.model_validate({
    "template": 1,
    "defaults": {"preset": "cz"},
    "variables": {
        "name": {"column": "Jméno", "type": "text", "required": True},
        "start": {"column": "Nástup", "type": "date"},
        "salary": {"column": "Mzda", "type": "number"},
        "active": {"column": "Aktivní", "type": "boolean"},
        "department": {"column": "Oddělení", "type": "choice", "values": ["HR", "IT", "Finance"]},
        "note": {"column": "Poznámka", "type": "text"},
        "end": {"column": "Konec", "type": "date"},
        "bonus": {"column": "Bonus", "type": "number"},
        "flag": {"column": "Klíč", "type": "boolean"},
        "branch": {"column": "Pobočka", "type": "choice", "values": ["Praha", "Brno", "Ostrava"]},
    },
})


def main() -> None:
    rows = int(sys.argv[1]) if len(sys.argv) > 1 else 100_000
    text = build_csv(rows)

    started = time.process_time()
    parsed = list(csv.reader(io.StringIO(text), delimiter=";"))
    parse_seconds = time.process_time() - started

    keys = [f"c{index}" for index in range(len(HEADERS))]
    source_rows = [
        SourceRow(number, dict(zip(keys, cells, strict=True)))
        for number, cells in enumerate(parsed[1:], start=2)
    ]
    coercer = Coercer(MAPPING, dict(zip(HEADERS, keys, strict=True)))

    started = time.process_time()
    valid = 0
    for start in range(0, len(source_rows), BATCH):
        valid += sum(row.is_valid for row in coercer.coerce_batch(source_rows[start:start + BATCH]))
    coerce_seconds = time.process_time() - started

    print(f"rows: {rows}, valid: {valid}")
    print(f"csv.reader parse: {parse_seconds:.3f} s")
    print(f"coerce_batch:     {coerce_seconds:.3f} s ({rows / coerce_seconds:,.0f} rows/s)")
    print(f"ratio coercion / parse: {coerce_seconds / parse_seconds:.2f}")


if __name__ == "__main__":
    main()
