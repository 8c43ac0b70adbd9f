"""On real CSV exports, the columnar dry-run gives the row-by-row results exactly.

The files live in ``shared/real-input`` beside the checkout; the tests skip when it is
absent. Each column is mapped with one type in turn, so that every converter meets
cells written outside this project.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

import tas_import.cli.job
from tas_import.cli import create_cli
from tas_import.columnar import CsvChunks
from tas_import.i18n import set_language
from tas_import.reading import ReadOptions, open_source

REPO = Path(__file__).resolve().parents[2]
REAL_INPUT = REPO.parent / "shared" / "real-input"

pytestmark = pytest.mark.skipif(not REAL_INPUT.is_dir(), reason="shared/real-input is absent")

FILES = [
    "csvkit_test_latin1.csv",
    "csvkit_test_no_leading_zeroes.csv",
    "csvkit_test_utf8_bom.csv",
    "frictionless_blank-rows.csv",
]


def mapping_for(path: Path, variable_type: str) -> dict[str, object]:
    """Map the first column as the text key and every other column as ``variable_type``."""
    with open_source(path, ReadOptions()) as source:
        headers = [column.header for column in source.columns]
    variables = {f"v{index}": {"column": header, "type": variable_type if index else "text"}
                 for index, header in enumerate(headers)}
    return {"template": 1, "key": [headers[0]], "variables": variables}


def dry_run(source: Path, mapping: Path, results: Path) -> tuple[int, str, bytes]:
    result = CliRunner().invoke(create_cli(), [
        str(source), "--mapping", str(mapping), "--dry-run", "--results", str(results),
    ])
    output = result.output.replace(results.name, "RESULTS").replace(results.stem, "RESULTS")
    return result.exit_code, output, results.read_bytes()


@pytest.mark.parametrize("name", FILES)
@pytest.mark.parametrize("variable_type", ["text", "number", "integer", "date", "boolean"])
def test_real_file_same_both_ways(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, name: str, variable_type: str
) -> None:
    set_language("en")
    monkeypatch.chdir(tmp_path)
    source = tmp_path / name
    shutil.copy(REAL_INPUT / name, source)
    mapping = tmp_path / "mapping.yaml"
    mapping.write_text(json.dumps(mapping_for(source, variable_type)), encoding="utf-8")

    plans: list[object] = []
    original = tas_import.cli.job.columnar_plan

    def recording(*args: Any) -> object:
        plans.append(original(*args))
        return plans[-1]

    monkeypatch.setattr(tas_import.cli.job, "columnar_plan", recording)
    columnar = dry_run(source, mapping, tmp_path / "columnar.csv")
    assert isinstance(plans[0], CsvChunks)

    monkeypatch.setattr(tas_import.cli.job, "columnar_plan", lambda *args: "forced")
    by_row = dry_run(source, mapping, tmp_path / "by-row.csv")

    assert columnar == by_row
