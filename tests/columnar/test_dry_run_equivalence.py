"""A columnar dry-run writes the same results file and summary as the row-by-row one."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner, Result

import tas_import.cli.job
import tas_import.columnar.csv_chunks
from tas_import.cli import create_cli
from tas_import.columnar import ColumnarDryRun
from tas_import.i18n import set_language

REPO = Path(__file__).resolve().parents[2]
HR_MAPPING = REPO / "mappings" / "hr.yaml"

HEADER = ("Osobní číslo;Jméno;Příjmení;E-mail;Datum nástupu;Oddělení;Pozice;Mzda;Úvazek;"
          "Zkušební doba;Poznámka")

# Valid rows, and rows with every kind of problem the columnar path must hand over to
# the exact coercer: bad dates, empty words, spaces to strip, limits, repeated keys,
# short, long and empty rows, formulas, escapes and non-ASCII text.
ROWS = [
    "010000;Věra;Růžičková;vera.ruzickova@firma.cz;01.04.2027;Finance;Účetní;58 753,00;1,00;ano;",
    "010001;Jan;Novák;JAN.NOVAK@FIRMA.CZ;31.12.2026;it;Tester;1 234,50;0,5;ne;=1+1",
    "010002; Eva ;Malá;eva@firma.cz;2026-13-01;HR;Analytik;-5;1;ano;-5",
    "010003;-;N/A;x@firma.cz;01.02.2027;Personální;Mistr;0;1,0000001;ANO;@SUM(A1)",
    "10004;Ota;Zelený;ota@firma;01.02.2027;Výroba;Mistr;12abc;;nevím;",
    "010001;Jan;Novák;jan.novak@firma.cz;31.12.2026;IT;Tester;1 234,50;0,5;ne;opakovaný",
    "010005;Zoë;Čermák;zoë.čermák@firma.cz;29.02.2027;Účtárna;Účetní;1\u00a0234,50;0;1;",
    "010006;Ida",
    "010007;Petr;Dvořák;petr@firma.cz;01.03.2027;IT;Vývojář;50 000;1;ne;;;navíc",
    "010011;Petr;Malý;maly@firma.cz;01.03.2027;IT;Vývojář;50 000;1;ne;; ",
    ";;;;;;;;;;",
    " ; ;\u00a0;;;;;;;;\t",
    "   ",
    "",
    "010008;Back\\slash;Tab\tOvá;b@firma.cz;01.03.2027;Obchod;Obchodník;9,99;0,75;ne;",
    "010009;Ema;Šťastná;ema@firma.cz;1.3.2027;Obchod;Obchodník;1 000 000,1;1;ne;",
    "010010;Ema;Šťastná;ema@firma.cz;01.03.2027;Obchod;Obchodník;1,000;1;false;",
    "010000;Věra;Růžičková;vera.ruzickova@firma.cz;01.04.2027;Finance;Účetní;1;1;ano;",
]


@pytest.fixture(autouse=True)
def english(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    for name in ("TAS_URL", "TAS_TOKEN", "TAS_TOKEN_FILE", "TAS_IMPORT_LANG", "LANG"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("XDG_STATE_HOME", str(tmp_path / "state"))
    set_language("en")


def invoke(*args: str | Path) -> Result:
    return CliRunner().invoke(create_cli(), [str(arg) for arg in args])


def write_csv(path: Path, rows: list[str], *, encoding: str, newline: str) -> Path:
    path.write_bytes(newline.join([HEADER, *rows, ""]).encode(encoding))
    return path


def both_ways(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, source: Path, *options: str | Path
) -> tuple[tuple[Result, bytes], tuple[Result, bytes]]:
    """Dry-run ``source`` in columns and then row by row; return each output and file."""
    columnar_runs: list[object] = []
    original = ColumnarDryRun.run

    def spy(self: ColumnarDryRun, *args: object) -> None:
        columnar_runs.append(self)
        original(self, *args)  # type: ignore[arg-type]

    monkeypatch.setattr(ColumnarDryRun, "run", spy)
    columnar = invoke(source, "--mapping", HR_MAPPING, "--dry-run",
                      "--results", tmp_path / "columnar.csv", *options)
    assert columnar_runs, "the columnar path was not taken"

    monkeypatch.setattr(tas_import.cli.job, "columnar_plan", lambda *args: "forced")
    by_row = invoke(source, "--mapping", HR_MAPPING, "--dry-run",
                    "--results", tmp_path / "by-row.csv", *options)
    return ((columnar, (tmp_path / "columnar.csv").read_bytes()),
            (by_row, (tmp_path / "by-row.csv").read_bytes()))


def assert_same(runs: tuple[tuple[Result, bytes], tuple[Result, bytes]]) -> None:
    (columnar, columnar_file), (by_row, by_row_file) = runs
    assert columnar.exit_code == by_row.exit_code, columnar.output
    assert columnar.output.replace("columnar.", "X.") == by_row.output.replace("by-row.", "X.")
    assert columnar_file.decode("utf-8-sig").splitlines() == (
        by_row_file.decode("utf-8-sig").splitlines()
    )
    assert columnar_file == by_row_file


@pytest.mark.parametrize(("encoding", "newline"), [("cp1250", "\r\n"), ("utf-8-sig", "\n")])
@pytest.mark.parametrize("chunk_bytes", [64, 1 << 20])
def test_same_results_as_row_by_row(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, encoding: str, newline: str,
    chunk_bytes: int,
) -> None:
    monkeypatch.setattr(tas_import.columnar.csv_chunks, "CHUNK_BYTES", chunk_bytes)
    source = write_csv(tmp_path / "people.csv", ROWS, encoding=encoding, newline=newline)
    runs = both_ways(monkeypatch, tmp_path, source)
    assert runs[0][0].exit_code == 1
    assert_same(runs)


def test_same_results_with_a_limit(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setattr(tas_import.columnar.csv_chunks, "CHUNK_BYTES", 200)
    source = write_csv(tmp_path / "people.csv", ROWS, encoding="utf-8", newline="\n")
    assert_same(both_ways(monkeypatch, tmp_path, source, "--limit", "6"))


def test_same_results_with_rows_in_the_ledger(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    first = write_csv(tmp_path / "first.csv", ROWS[:2], encoding="utf-8", newline="\n")
    sent = invoke(first, "--mapping", HR_MAPPING, "--sandbox")
    assert sent.exit_code == 0, sent.output

    source = write_csv(tmp_path / "people.csv", ROWS, encoding="utf-8", newline="\n")
    runs = both_ways(monkeypatch, tmp_path, source, "--sandbox")
    assert b"skipped" in runs[0][1]
    assert_same(runs)


def test_valid_file_valid_both_ways(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    rows = [f"{10000 + index:06d};Jan;Novák;jan{index}@firma.cz;01.04.2027;IT;Tester;"
            f"{index},50;1;ano;" for index in range(1, 3000)]
    monkeypatch.setattr(tas_import.columnar.csv_chunks, "CHUNK_BYTES", 4096)
    source = write_csv(tmp_path / "people.csv", rows, encoding="cp1250", newline="\r\n")
    runs = both_ways(monkeypatch, tmp_path, source)
    assert runs[0][0].exit_code == 0, runs[0][0].output
    assert_same(runs)


def plan_reasons(monkeypatch: pytest.MonkeyPatch) -> list[object]:
    """Record what columnar_plan returns during the next invocations."""
    reasons: list[object] = []
    original = tas_import.cli.job.columnar_plan

    def recording(*args: Any) -> object:
        plan = original(*args)
        reasons.append(plan)
        return plan

    monkeypatch.setattr(tas_import.cli.job, "columnar_plan", recording)
    return reasons


@pytest.mark.parametrize(
    ("content", "reason"),
    [
        ("\n".join([HEADER, *ROWS[:3], '010009;"Věra";x', ""]), "the file has quoted cells"),
        ("\n".join([HEADER, *ROWS[:3], "010009;Věra\rx", ""]),
         "the file has a line end other than LF or CRLF"),
    ],
)
def test_irregular_files_go_row_by_row(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, content: str, reason: str
) -> None:
    reasons = plan_reasons(monkeypatch)
    source = tmp_path / "people.csv"
    source.write_text(content, encoding="utf-8")
    invoke(source, "--mapping", HR_MAPPING, "--dry-run", "--delimiter", ";")
    assert reasons == [reason]


def test_xlsx_results_go_row_by_row(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    reasons = plan_reasons(monkeypatch)
    source = write_csv(tmp_path / "people.csv", ROWS[:3], encoding="utf-8", newline="\n")
    result = invoke(source, "--mapping", HR_MAPPING, "--dry-run",
                    "--results", tmp_path / "out.xlsx")
    assert result.exit_code == 1, result.output
    assert reasons == ["the results file is not CSV"]


def test_results_file_goes_row_by_row(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    source = write_csv(tmp_path / "people.csv", ROWS[:3], encoding="utf-8", newline="\n")
    invoke(source, "--mapping", HR_MAPPING, "--dry-run")
    reasons = plan_reasons(monkeypatch)
    invoke(tmp_path / "people.results.csv", "--mapping", HR_MAPPING, "--dry-run")
    assert reasons == ["the file has quoted cells"] or reasons == [
        "the file is a results file of an earlier run"
    ]
