"""Shared fixtures: a sandbox TAS server, embedded in a thread or as its own process."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Callable, Iterator
from contextlib import ExitStack
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

from tas_import.sandbox.embedded import run_sandbox
from tas_import.sandbox.faults import FaultPlan
from tas_import.sandbox.store import CaseStore
from tas_import.templates import Template, TemplateVariable, dump_templates

SRC_DIR = Path(__file__).resolve().parents[1] / "src"
SANDBOX_TOKEN = "sandbox-test-token"
PROCESS_START_TIMEOUT_SECONDS = 20


def hr_templates() -> dict[int, Template]:
    """Return the onboarding template 27 used across the tests."""
    variables = {
        "employeeNumber": TemplateVariable("text"),
        "fullName": TemplateVariable("text"),
        "startDate": TemplateVariable("date"),
        "salary": TemplateVariable("number"),
        "department": TemplateVariable("lov", ["HR", "IT", "Finance"]),
    }
    return {27: Template(id=27, name="Nástup zaměstnance", variables=variables)}


@dataclass
class RunningSandbox:
    """A started sandbox: its base URL, the token it accepts and its case database."""

    url: str
    token: str
    db_path: Path
    process: subprocess.Popen[str] | None = field(default=None, repr=False)

    def cases(self) -> list[dict[str, Any]]:
        store = CaseStore(self.db_path)
        try:
            return store.list_cases()
        finally:
            store.close()

    def faults(self) -> list[dict[str, Any]]:
        store = CaseStore(self.db_path)
        try:
            return store.list_faults()
        finally:
            store.close()


SandboxFactory = Callable[..., RunningSandbox]


@pytest.fixture
def sandbox(tmp_path: Path) -> Iterator[SandboxFactory]:
    """Start embedded sandboxes on 127.0.0.1: ``sandbox(templates=..., faults=...)``."""
    with ExitStack() as stack:
        counter = iter(range(1_000))

        def start(
            templates: dict[int, Template] | None = None,
            faults: FaultPlan | None = None,
            token: str = SANDBOX_TOKEN,
            db_path: Path | None = None,
        ) -> RunningSandbox:
            db = db_path or tmp_path / f"sandbox-{next(counter)}.sqlite"
            url = stack.enter_context(run_sandbox(templates or hr_templates(), db, token, faults))
            return RunningSandbox(url=url, token=token, db_path=db)

        yield start


@pytest.fixture
def sandbox_process(tmp_path: Path) -> Iterator[SandboxFactory]:
    """Start ``python -m tas_import.sandbox serve --port 0`` subprocesses; stop them after."""
    processes: list[subprocess.Popen[str]] = []
    counter = iter(range(1_000))

    def start(
        templates: dict[int, Template] | None = None,
        extra_args: list[str] | None = None,
        token: str = SANDBOX_TOKEN,
    ) -> RunningSandbox:
        index = next(counter)
        templates_path = tmp_path / f"templates-{index}.yaml"
        templates_path.write_text(dump_templates(templates or hr_templates()), encoding="utf-8")
        db_path = tmp_path / f"sandbox-process-{index}.sqlite"
        command = [
            sys.executable,
            "-m",
            "tas_import.sandbox",
            "serve",
            "--templates",
            str(templates_path),
            "--host",
            "127.0.0.1",
            "--port",
            "0",
            "--db",
            str(db_path),
            *(extra_args or []),
        ]
        # stderr goes to a file: a pipe nobody reads would block the server once full.
        log_path = tmp_path / f"sandbox-process-{index}.log"
        with log_path.open("w", encoding="utf-8") as log_file:
            process = subprocess.Popen(
                command,
                stdout=subprocess.PIPE,
                stderr=log_file,
                text=True,
                env=sandbox_environment(token),
            )
        processes.append(process)
        url = _read_listening_url(process)
        return RunningSandbox(url=url, token=token, db_path=db_path, process=process)

    yield start

    for process in processes:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=10)
        for stream in (process.stdout, process.stderr):
            if stream is not None:
                stream.close()


def sandbox_environment(token: str = SANDBOX_TOKEN) -> dict[str, str]:
    """Return the environment for a subprocess: the token, and ``src`` on PYTHONPATH."""
    environment = dict(os.environ)
    environment["TAS_SANDBOX_TOKEN"] = token
    paths = [str(SRC_DIR), *filter(None, [environment.get("PYTHONPATH")])]
    environment["PYTHONPATH"] = os.pathsep.join(paths)
    return environment


def _read_listening_url(process: subprocess.Popen[str]) -> str:
    assert process.stdout is not None
    # readline blocks, so a hung start-up is bounded by the test's pytest-timeout.
    line = process.stdout.readline().strip()
    if not line.startswith("listening on "):
        process.kill()
        process.wait(timeout=PROCESS_START_TIMEOUT_SECONDS)
        raise RuntimeError(f"sandbox did not start: {line!r}; see its log beside the database")
    return line.removeprefix("listening on ")


@pytest.fixture
def anyio_backend() -> str:
    """Run ``pytest.mark.anyio`` tests on asyncio only, the loop tas-import uses."""
    return "asyncio"
