"""Helpers shared by the benchmark scripts: timing child processes, baselines, verdicts."""

from __future__ import annotations

import csv
import os
import platform
import subprocess
import sys
import time
from dataclasses import dataclass
from importlib import metadata
from pathlib import Path

REPOSITORY = Path(__file__).resolve().parents[1]
PYTHON = sys.executable

# The scripts import tas_import from the source tree, as the tests do.
sys.path.insert(0, str(REPOSITORY / "src"))

PACKAGES = ("httpx", "python-calamine", "xlsxwriter", "uvicorn", "starlette", "pydantic")


@dataclass(frozen=True)
class ChildRun:
    """A finished child process: wall time in seconds, peak RSS in MiB, exit code."""

    seconds: float
    peak_rss_mib: float
    exit_code: int


def child_environment() -> dict[str, str]:
    """Return the environment for a child ``python -m tas_import``: the source tree on the path."""
    environment = dict(os.environ)
    source = str(REPOSITORY / "src")
    current = environment.get("PYTHONPATH")
    environment["PYTHONPATH"] = source if not current else f"{source}{os.pathsep}{current}"
    environment.setdefault("TAS_IMPORT_LANG", "en")
    return environment


def run_child(arguments: list[str], environment: dict[str, str] | None = None) -> ChildRun:
    """Run ``python ARGUMENTS`` to the end and measure its wall time and peak RSS.

    ``os.wait4`` returns the resource usage of this one child, so several measurements in
    one benchmark do not mix (``RUSAGE_CHILDREN`` would report the maximum of all of them).
    On Linux ``ru_maxrss`` is in KiB.
    """
    started = time.perf_counter()
    process = subprocess.Popen(
        [PYTHON, *arguments],
        env=environment or child_environment(),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    assert process.stderr is not None
    errors = process.stderr.read()
    _, status, usage = os.wait4(process.pid, 0)
    seconds = time.perf_counter() - started
    process.returncode = os.waitstatus_to_exitcode(status)
    if process.returncode not in (0, 1):
        sys.stderr.write(errors.decode("utf-8", errors="replace"))
    return ChildRun(seconds, usage.ru_maxrss / 1024, process.returncode)


def csv_reader_seconds(path: Path, encoding: str = "cp1250", delimiter: str = ";") -> float:
    """Time the standard library's ``csv.reader`` parsing every record of ``path``."""
    started = time.perf_counter()
    with path.open(encoding=encoding, newline="") as stream:
        for _record in csv.reader(stream, delimiter=delimiter):
            pass
    return time.perf_counter() - started


def dry_run_arguments(input_path: Path, mapping_path: Path, results_path: Path) -> list[str]:
    return [
        "-m", "tas_import", str(input_path), "--mapping", str(mapping_path),
        "--dry-run", "--results", str(results_path),
    ]


def describe_machine() -> str:
    """Return one line naming the CPU, the core count, Python and the package versions."""
    versions = ", ".join(f"{name} {_version(name)}" for name in PACKAGES)
    return (
        f"{_cpu_model()}, {os.cpu_count()} cores, {platform.system()} {platform.release()}, "
        f"Python {platform.python_version()}; {versions}"
    )


def verdict(name: str, value: float, limit: float, *, at_most: bool) -> bool:
    """Print one figure against its target and return whether the target is met."""
    met = value <= limit if at_most else value >= limit
    relation = "<=" if at_most else ">="
    print(f"{name}: {value:.2f} (target {relation} {limit}) {'OK' if met else 'MISSED'}")
    return met


def _version(package: str) -> str:
    try:
        return metadata.version(package)
    except metadata.PackageNotFoundError:
        return "not installed"


def _cpu_model() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text(encoding="utf-8").splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown CPU"
