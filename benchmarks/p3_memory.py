"""P3: peak RSS of the P2 dry-run on 1,000,000 rows and on 100,000 rows.

Each dry-run is a child process measured with ``os.wait4``. Targets: at most 300 MB on
1,000,000 rows, and at most 1.5 times the peak of the 100,000-row run, which shows that
memory does not grow with the number of rows.

Run: python benchmarks/p3_memory.py
"""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path

from common import describe_machine, dry_run_arguments, run_child, verdict
from generate import ensure_csv, mapping_path

LIMIT_MB = 300
TARGET_GROWTH = 1.5
MB_PER_MIB = 1.048576


def main() -> int:
    print(describe_machine())
    peaks: dict[int, float] = {}
    for rows in (100_000, 1_000_000):
        input_path = ensure_csv(rows)
        with tempfile.TemporaryDirectory() as folder:
            results_path = Path(folder) / "results.csv"
            run = run_child(dry_run_arguments(input_path, mapping_path(), results_path))
        if run.exit_code != 0:
            print(f"the dry-run of {rows:,} rows exited with {run.exit_code}")
            return 2
        peaks[rows] = run.peak_rss_mib * MB_PER_MIB
        print(f"rows: {rows:,}: peak RSS {peaks[rows]:.0f} MB in {run.seconds:.1f} s")

    within_limit = verdict("P3 peak RSS of 1,000,000 rows, MB", peaks[1_000_000], LIMIT_MB,
                           at_most=True)
    growth = verdict("P3 peak RSS 1,000,000 / 100,000 rows", peaks[1_000_000] / peaks[100_000],
                     TARGET_GROWTH, at_most=True)
    return 0 if within_limit and growth else 1


if __name__ == "__main__":
    sys.exit(main())
