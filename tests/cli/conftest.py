"""Fixtures for the command-line tests: small input files, mappings and a runner."""

from __future__ import annotations

import textwrap
from collections.abc import Callable
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from tas_import.cli import create_cli
from tas_import.i18n import set_language

REPO = Path(__file__).resolve().parents[2]

PEOPLE_CSV = (
    "Osobní číslo;Jméno;Datum nástupu;Mzda;Oddělení\n"
    "000101;Jiří;01.02.2027;45 000,50;IT\n"
    "000102;Žofie;15.03.2027;52 100;HR\n"
    "000103;Ondřej;30.04.2027;38 900,00;Finance\n"
)

PEOPLE_MAPPING = """\
template: 27
key: ["Osobní číslo"]
constants:
  _isCaseCreatedByAPI: "true"
variables:
  employeeNumber: {column: "Osobní číslo", type: text, required: true}
  firstName:      {column: "Jméno", type: text}
  startDate:      {column: "Datum nástupu", type: date, formats: ["%d.%m.%Y"]}
  salary:         {column: "Mzda", type: number, decimal: ",", thousands: " "}
  department:     {column: "Oddělení", type: choice, values: ["HR", "IT", "Finance"]}
"""


@pytest.fixture(autouse=True)
def english(monkeypatch: pytest.MonkeyPatch) -> None:
    """Every test starts in English with no TAS settings from the developer's shell."""
    for name in ("TAS_URL", "TAS_TOKEN", "TAS_TOKEN_FILE", "TAS_IMPORT_LANG", "LC_ALL", "LANG"):
        monkeypatch.delenv(name, raising=False)
    set_language("en")


@pytest.fixture
def workdir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A temporary working directory, so default sandbox and state files land there."""
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("XDG_STATE_HOME", str(tmp_path / "state"))
    return tmp_path


@pytest.fixture
def people_csv(workdir: Path) -> Path:
    path = workdir / "people.csv"
    path.write_text(PEOPLE_CSV, encoding="utf-8")
    return path


@pytest.fixture
def people_mapping(workdir: Path) -> Path:
    path = workdir / "people.yaml"
    path.write_text(PEOPLE_MAPPING, encoding="utf-8")
    return path


@pytest.fixture
def write_file(workdir: Path) -> Callable[[str, str], Path]:
    def write(name: str, text: str) -> Path:
        path = workdir / name
        path.write_text(textwrap.dedent(text), encoding="utf-8")
        return path

    return write


@pytest.fixture
def invoke() -> Callable[..., Result]:
    """Run ``tas-import`` in-process with click's CliRunner."""

    def run(*args: str | Path, env: dict[str, str] | None = None) -> Result:
        runner = CliRunner()
        return runner.invoke(create_cli(), [str(arg) for arg in args], env=env)

    return run
