"""The acceptance path: ``tas-sandbox serve`` as its own process, ``tas-import`` as another."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

from tas_import.templates import load_templates

REPO = Path(__file__).resolve().parents[2]
SAMPLE = REPO / "sample_data"


def run_tool(args: list[str], env: dict[str, str], cwd: Path) -> subprocess.CompletedProcess[str]:
    command = [sys.executable, "-m", *args]
    return subprocess.run(
        command, env=env, cwd=cwd, capture_output=True, text=True, timeout=120, check=False
    )


def test_import_into_served_sandbox(sandbox_process: Callable[..., Any], tmp_path: Path) -> None:
    server = sandbox_process(templates=load_templates(SAMPLE / "templates.yaml"))
    env = {
        **os.environ,
        "PYTHONPATH": os.pathsep.join([str(REPO / "src"), os.environ.get("PYTHONPATH", "")]),
        "TAS_URL": server.url,
        "TAS_TOKEN": server.token,
        "XDG_STATE_HOME": str(tmp_path / "state"),
    }
    workbook = tmp_path / "onboarding.xlsx"
    workbook.write_bytes((SAMPLE / "onboarding.xlsx").read_bytes())

    imported = run_tool(
        ["tas_import", str(workbook), "--mapping", str(REPO / "mappings" / "hr.yaml")],
        env, tmp_path,
    )
    listed = run_tool(
        ["tas_import.sandbox", "cases", "--db", str(server.db_path), "--json"], env, tmp_path
    )

    assert imported.returncode == 1, imported.stderr
    assert "Traceback" not in imported.stderr
    cases = json.loads(listed.stdout)
    assert len(cases) == 55
    assert all(case["process_id"] == 27 for case in cases)
    assert all(case["data"]["_isCaseCreatedByAPI"] == "true" for case in cases)
    assert server.token not in imported.stdout + imported.stderr
