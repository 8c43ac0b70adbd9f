"""P2: wall time of a dry-run over a 1,000,000-row cp1250 CSV, results file included.

The dry-run runs as ``python -m tas_import FILE --mapping MAPPING --dry-run`` in a child
process, so its time includes the interpreter start and the imports, as a user sees it.
The baseline is the standard library's ``csv.reader`` parsing the same file in this
process, measured in the same run. Target: the dry-run takes at most 3 times as long.

Run: python benchmarks/p2_dry_run.py [--rows 1000000]
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from pathlib import Path

from common import csv_reader_seconds, describe_machine, dry_run_arguments, run_child, verdict
from generate import ensure_csv, mapping_path

TARGET_RATIO = 3.0


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=1_000_000, help="data rows of the CSV")
    args = parser.parse_args()

    input_path = ensure_csv(args.rows)
    print(describe_machine())
    csv_reader_seconds(input_path)  # warm the page cache, so that neither side reads the disk
    baseline = csv_reader_seconds(input_path)

    with tempfile.TemporaryDirectory() as folder:
        results_path = Path(folder) / "results.csv"
        run = run_child(dry_run_arguments(input_path, mapping_path(), results_path))

    if run.exit_code != 0:
        print(f"the dry-run exited with {run.exit_code}; every generated row should be valid")
        return 2
    print(f"rows: {args.rows:,}")
    print(f"csv.reader: {baseline:.2f} s")
    print(f"tas-import dry-run: {run.seconds:.2f} s, peak RSS {run.peak_rss_mib:.0f} MiB")
    met = verdict("P2 dry-run / csv.reader", run.seconds / baseline, TARGET_RATIO, at_most=True)
    return 0 if met else 1


if __name__ == "__main__":
    sys.exit(main())
