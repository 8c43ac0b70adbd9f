"""P4: dry-run over a 100,000-row XLSX with real date cells, against python-calamine.

The baseline is python-calamine reading the same sheet into Python lists in this process.
The dry-run is a child process as in P2, writing its default XLSX results file; a second
dry-run writing CSV results is shown for comparison. Target: at most 1.5 times the
baseline for the default dry-run.

Run: python benchmarks/p4_xlsx.py [--rows 100000]
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

from common import describe_machine, dry_run_arguments, run_child, verdict
from generate import ensure_xlsx, mapping_path
from python_calamine import CalamineWorkbook

TARGET_RATIO = 1.5


def calamine_seconds(path: Path) -> float:
    """Time python-calamine reading the first sheet of ``path`` into lists of Python values."""
    started = time.perf_counter()
    CalamineWorkbook.from_path(str(path)).get_sheet_by_index(0).to_python()
    return time.perf_counter() - started


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=100_000, help="data rows of the XLSX")
    args = parser.parse_args()

    input_path = ensure_xlsx(args.rows)
    print(describe_machine())
    calamine_seconds(input_path)  # warm the page cache
    baseline = calamine_seconds(input_path)

    runs = {}
    with tempfile.TemporaryDirectory() as folder:
        for suffix in (".xlsx", ".csv"):
            results_path = Path(folder) / f"results{suffix}"
            runs[suffix] = run_child(dry_run_arguments(input_path, mapping_path(), results_path))
    if any(run.exit_code != 0 for run in runs.values()):
        print("a dry-run failed; every generated row should be valid")
        return 2

    print(f"rows: {args.rows:,}")
    print(f"python-calamine to_python(): {baseline:.2f} s")
    for suffix, run in runs.items():
        print(f"tas-import dry-run, {suffix} results: {run.seconds:.2f} s "
              f"({run.seconds / baseline:.2f} x), peak RSS {run.peak_rss_mib:.0f} MiB")
    met = verdict("P4 dry-run (.xlsx results) / calamine", runs[".xlsx"].seconds / baseline,
                  TARGET_RATIO, at_most=True)
    return 0 if met else 1


if __name__ == "__main__":
    sys.exit(main())
