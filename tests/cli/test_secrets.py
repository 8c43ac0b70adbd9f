"""The token never reaches output, logs, summaries or results, on any path."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from click.testing import Result

from tas_import.cli import main
from tas_import.cli.run import ImportRun
from tas_import.sandbox.embedded import run_sandbox
from tas_import.sandbox.faults import FaultPlan
from tas_import.templates import Template, TemplateVariable

SECRET = "tok-3f9a1c77-very-secret"
Invoke = Callable[..., Result]


def people_template() -> dict[int, Template]:
    variables = {
        "employeeNumber": TemplateVariable("text"),
        "firstName": TemplateVariable("text"),
        "startDate": TemplateVariable("date"),
        "salary": TemplateVariable("number"),
        "department": TemplateVariable("lov", ["HR", "IT", "Finance"]),
    }
    return {27: Template(id=27, name="Nástup", variables=variables)}


@pytest.fixture
def failing_tas(workdir: Path) -> Iterator[str]:
    """A sandbox that answers every request with 500, accepting the secret token."""
    faults = FaultPlan(error_500=1.0, seed=1)
    with run_sandbox(people_template(), workdir / "tas.sqlite", SECRET, faults) as url:
        yield url


def written_text(workdir: Path) -> str:
    """Return every file the run wrote, as text, to search for the token."""
    texts = []
    for path in workdir.rglob("*"):
        if path.is_file() and path.suffix in (".csv", ".log", ".json", ".xlsx", ".sqlite"):
            texts.append(path.read_bytes().decode("utf-8", errors="replace"))
    return "\n".join(texts)


@pytest.mark.parametrize("url_kind", ["refused", "rejected", "server error"])
def test_token_absent_on_error_paths(
    invoke: Invoke, people_csv: Path, people_mapping: Path, workdir: Path,
    failing_tas: str, url_kind: str,
) -> None:
    urls = {"refused": "http://127.0.0.1:9", "rejected": failing_tas, "server error": failing_tas}
    token = "not-the-token-" + SECRET if url_kind == "rejected" else SECRET

    result = invoke(
        people_csv, "--mapping", people_mapping, "--url", urls[url_kind], "-vv",
        "--retries", "1", "--log-file", workdir / "run.log",
        "--summary-json", workdir / "summary.json",
        env={"TAS_TOKEN": token},
    )

    assert result.exit_code in (1, 3), result.output
    assert SECRET not in result.output
    assert SECRET not in written_text(workdir)


def test_token_absent_from_crash_traceback(
    people_csv: Path, people_mapping: Path, monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    def crash(self: ImportRun) -> None:
        raise RuntimeError(f"unexpected failure while holding {SECRET}")

    monkeypatch.setattr(ImportRun, "run", crash)
    monkeypatch.setenv("TAS_TOKEN", SECRET)

    with pytest.raises(SystemExit) as stopped:
        main([str(people_csv), "--mapping", str(people_mapping), "--url", "http://127.0.0.1:9"])

    captured = capsys.readouterr()
    assert stopped.value.code == 3
    assert "Traceback" in captured.err
    assert "RuntimeError" in captured.err
    assert SECRET not in captured.err + captured.out
