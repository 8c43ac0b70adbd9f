"""P1: rows per second delivering 5,000 rows to the sandbox, against a bare httpx loop.

The sandbox runs as its own process (``python -m tas_import.sandbox serve --latency-ms``),
so client and server never share an event loop. For each setting (100 ms latency with 16
requests in flight, 20 ms with 64) this script measures, in the same run:

- ideal: concurrency / latency, the rate if every response took exactly the latency;
- bare loop: an ``httpx.AsyncClient`` with N workers posting the same payloads;
- tas-import: a whole real run in this process (``ImportRun``): validation pass, the
  SQLite ledger written before and after every request, and the results file.

Targets: tas-import >= 0.97 x the bare loop in both settings, and >= 0.9 x ideal at 100 ms.
The bare loop's share of the ideal shows what the sandbox and this machine allow.

Run: python benchmarks/p1_delivery.py [--rows 5000]
"""

from __future__ import annotations

import argparse
import asyncio
import os
import secrets
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import httpx
from common import PYTHON, child_environment, describe_machine, verdict
from generate import ensure_csv, mapping_path, templates_path

from tas_import.cli.job import FileSettings
from tas_import.cli.run import ImportRun, RunSettings
from tas_import.coercion import Coercer
from tas_import.mapping import load_mapping
from tas_import.payload import encode_start_process
from tas_import.reading import open_source, resolve_columns

SETTINGS = ((100, 16), (20, 64))
TARGET_VERSUS_BARE = 0.97
TARGET_VERSUS_IDEAL = 0.9
ENDPOINT = "/api/plugins/api-extensions/start-process"
SERVER_START_SECONDS = 30


def payloads(input_path: Path) -> list[bytes]:
    """Return the request bodies tas-import sends for the rows of ``input_path``."""
    mapping = load_mapping(mapping_path())
    with open_source(input_path) as source:
        coercer = Coercer(mapping, resolve_columns(source.columns, mapping.columns(),
                                                   path=input_path))
        rows = coercer.coerce_batch(list(source))
    return [encode_start_process(mapping.template, row.data) for row in rows if row.data]


class Sandbox:
    """A sandbox server in a child process, listening on a free port of 127.0.0.1."""

    def __init__(self, folder: Path, latency_ms: int) -> None:
        self.token = secrets.token_urlsafe(16)
        self.process = subprocess.Popen(
            [
                PYTHON, "-m", "tas_import.sandbox", "serve", "--port", "0",
                "--templates", str(templates_path()), "--db", str(folder / "cases.sqlite"),
                "--latency-ms", str(latency_ms), "--token", self.token,
            ],
            env=child_environment(),
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,
            text=True,
        )
        self.url = self._wait_for_address()

    def _wait_for_address(self) -> str:
        assert self.process.stdout is not None
        deadline = time.monotonic() + SERVER_START_SECONDS
        while time.monotonic() < deadline:
            line = self.process.stdout.readline()
            if line.startswith("listening on "):
                return line.removeprefix("listening on ").strip()
            if not line and self.process.poll() is not None:
                break
        self.close()
        raise RuntimeError("the sandbox did not start")

    def close(self) -> None:
        self.process.terminate()
        self.process.wait(timeout=10)


async def bare_loop(url: str, token: str, bodies: list[bytes], concurrency: int) -> float:
    """Post every body with ``concurrency`` workers; return the rows per second."""
    headers = {"Authorization": f"Bearer {token}", "Content-Type": "application/json"}
    limits = httpx.Limits(max_connections=concurrency, max_keepalive_connections=concurrency)
    queue = iter(bodies)

    async with httpx.AsyncClient(base_url=url, headers=headers, limits=limits,
                                 timeout=30) as client:
        async def worker() -> None:
            for body in queue:
                response = await client.post(ENDPOINT, content=body)
                response.raise_for_status()

        started = time.perf_counter()
        await asyncio.gather(*(worker() for _ in range(concurrency)))
        return len(bodies) / (time.perf_counter() - started)


def tas_import_rate(url: str, token: str, input_path: Path, folder: Path,
                    concurrency: int, rows: int) -> float:
    """Run a whole import of ``input_path``; return the rows per second."""
    os.environ["TAS_TOKEN"] = token
    settings = RunSettings(
        input_path=input_path,
        mapping_path=mapping_path(),
        url=url,
        concurrency=concurrency,
        state_path=folder / f"ledger-{concurrency}.sqlite",
        show_progress=False,
        files=FileSettings(results=folder / f"results-{concurrency}.csv"),
    )
    started = time.perf_counter()
    outcome = ImportRun(settings).run()
    seconds = time.perf_counter() - started
    if outcome.exit_code != 0:
        raise RuntimeError(f"the import exited with {outcome.exit_code}: {outcome.error}")
    return rows / seconds


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=5_000, help="rows to deliver")
    args = parser.parse_args()

    input_path = ensure_csv(args.rows)
    bodies = payloads(input_path)
    print(describe_machine())
    print(f"rows: {len(bodies):,}")
    met = True
    for latency_ms, concurrency in SETTINGS:
        with tempfile.TemporaryDirectory() as name:
            folder = Path(name)
            sandbox = Sandbox(folder, latency_ms)
            try:
                ideal = concurrency / (latency_ms / 1000)
                bare = asyncio.run(bare_loop(sandbox.url, sandbox.token, bodies, concurrency))
                ours = tas_import_rate(sandbox.url, sandbox.token, input_path, folder,
                                       concurrency, len(bodies))
            finally:
                sandbox.close()
        label = f"{latency_ms} ms, concurrency {concurrency}"
        print(f"{label}: ideal {ideal:.0f} rows/s, bare loop {bare:.0f} rows/s "
              f"({bare / ideal:.2f} x ideal), tas-import {ours:.0f} rows/s")
        met &= verdict(f"P1 {label}: tas-import / bare loop", ours / bare, TARGET_VERSUS_BARE,
                       at_most=False)
        if latency_ms == 100:
            met &= verdict(f"P1 {label}: tas-import / ideal", ours / ideal, TARGET_VERSUS_IDEAL,
                           at_most=False)
    return 0 if met else 1


if __name__ == "__main__":
    sys.exit(main())
