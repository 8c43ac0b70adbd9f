"""Peak RSS of reading a full XLSX sheet (1,048,576 rows: the header and 1,048,575 rows).

A child process opens the file with ``tas_import.reading.open_source`` and iterates every
row without keeping them; ``os.wait4`` reports its peak RSS. No target: the figure is
recorded in docs/benchmarks.md.

Run: python benchmarks/xlsx_memory.py [--rows 1048575]
"""

from __future__ import annotations

import argparse
import sys

from common import describe_machine, run_child
from generate import ensure_xlsx

MAX_DATA_ROWS = 1_048_575

READ_ALL_ROWS = (
    "import sys; from pathlib import Path; from tas_import.reading import open_source\n"
    "with open_source(Path(sys.argv[1])) as source:\n"
    "    count = sum(1 for _row in source)\n"
    "print(count)\n"
)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=MAX_DATA_ROWS, help="data rows of the XLSX")
    args = parser.parse_args()

    input_path = ensure_xlsx(args.rows)
    print(describe_machine())
    run = run_child(["-c", READ_ALL_ROWS, str(input_path)])
    if run.exit_code != 0:
        print(f"reading failed with exit code {run.exit_code}")
        return 2
    print(f"rows: {args.rows:,}: read in {run.seconds:.1f} s, peak RSS {run.peak_rss_mib:.0f} MiB")
    return 0


if __name__ == "__main__":
    sys.exit(main())
