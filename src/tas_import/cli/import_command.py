"""``tas-import FILE --mapping MAPPING``: the import command and its options."""

from __future__ import annotations

import logging
import os
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

import click

from tas_import.cli.connection import known_secrets
from tas_import.cli.job import FileSettings
from tas_import.cli.logs import configure_logging
from tas_import.cli.run import ImportRun, RunOutcome, RunSettings, new_run_id
from tas_import.cli.summary_json import write_summary_json
from tas_import.client import RetryPolicy
from tas_import.console import echo_error
from tas_import.i18n import _, set_language
from tas_import.summary import format_summary

logger = logging.getLogger(__name__)


def exit_codes_help() -> str:
    return _(
        "Exit codes: 0 every row created (dry-run: every row valid); "
        "1 at least one row failed or invalid; "
        "2 usage, mapping or input-file error, nothing sent; "
        "3 at least one outcome unknown, or the run stopped before every row was attempted; "
        "4 another run holds the same ledger."
    )


def parse_sheet(value: str | None) -> str | int | None:
    """Return the sheet: a number is a 1-based position, anything else a sheet name."""
    if value is None:
        return None
    return int(value) if value.isdigit() else value


F = TypeVar("F", bound=Callable[..., Any])

# Names users type for a tab (compared in lower case), because a shell makes the tab
# character itself hard to pass.
_TAB_NAMES = frozenset({"tab", "\\t"})


def _one_character(
    context: click.Context, parameter: click.Parameter, value: str | None
) -> str | None:
    """Return the delimiter as one character; 'tab' and '\\t' mean a tab."""
    if value is None or len(value) == 1:
        return value
    if value.lower() in _TAB_NAMES:
        return "\t"
    raise click.BadParameter(
        _("'{value}' is not one character. Write a single character, for example ';', or "
          "'tab' for a tab.", value=value)
    )


def reading_options(command: F) -> F:
    """Add the options for reading the input file: sheet, header row and CSV format."""
    options = [
        click.option("--sheet", help=_("Sheet name or 1-based position [default: first sheet].")),
        click.option("--header-row", type=click.IntRange(1),
                     help=_("Row of the header, 1-based [default: first non-empty row].")),
        click.option("-e", "--encoding",
                     help=_("Encoding of a CSV file, e.g. cp1250 [default: detected].")),
        click.option("-d", "--delimiter", callback=_one_character,
                     help=_("Delimiter of a CSV file, e.g. ';' or 'tab' [default: detected].")),
    ]
    for option in reversed(options):
        command = option(command)
    return command


def create_import_command() -> click.Command:
    @click.command(
        name="import",
        help=_(
            "Create one TAS case per valid row of FILE (a CSV or Excel file, or a folder of "
            "them) as the mapping describes, and write a results sheet that gives every row "
            "its outcome. The TAS URL comes from --url or TAS_URL, the token from TAS_TOKEN "
            "or from the file named by TAS_TOKEN_FILE."
        ),
        epilog=exit_codes_help(),
    )
    @click.argument("file", type=click.Path(path_type=Path))
    @click.option("-m", "--mapping", "mapping_path", required=True,
                  type=click.Path(path_type=Path),
                  help=_("The YAML mapping from columns to template variables."))
    @click.option("--dry-run", is_flag=True,
                  help=_("Only validate: send nothing, mark each row valid or invalid."))
    @click.option("--results", type=click.Path(path_type=Path),
                  help=_("Results file (.xlsx or .csv); default: <file>.results.xlsx or "
                         ".csv beside the input. With a folder: the folder for results."))
    @click.option("--url", help=_("TAS base URL, e.g. https://tas.example.cz (or TAS_URL)."))
    @click.option("--sandbox", is_flag=True,
                  help=_("Import into a built-in sandbox TAS server started for this run."))
    @click.option("--sandbox-templates", type=click.Path(path_type=Path),
                  help=_("Templates file for the sandbox; default: a permissive template "
                         "built from the mapping."))
    @click.option("--sandbox-db", type=click.Path(path_type=Path),
                  help=_("SQLite file where the sandbox keeps its cases "
                         "[default: tas-sandbox.sqlite]."))
    @click.option("--template-file", type=click.Path(path_type=Path),
                  help=_("Check the mapping against this templates file before reading rows."))
    @click.option("--state", "state_path", type=click.Path(path_type=Path),
                  help=_("Ledger file that remembers what was sent [default: "
                         "$XDG_STATE_HOME/tas-import/ledger.sqlite; with --sandbox, "
                         "<sandbox-db>.ledger.sqlite beside the sandbox database]."))
    @click.option("--resend-unknown", is_flag=True,
                  help=_("Send rows whose earlier outcome is unknown again; use only after "
                         "checking in TAS that they were not created."))
    @click.option("--concurrency", type=click.IntRange(1, 256), default=4, show_default=True,
                  help=_("Requests in flight at once."))
    @click.option("--rate", type=click.FloatRange(min=0, min_open=True),
                  help=_("Maximum requests per second (in addition to --concurrency)."))
    @click.option("--timeout", type=click.FloatRange(min=0, min_open=True), default=30.0,
                  show_default=True, help=_("Seconds to wait for TAS to respond to one request."))
    @click.option("--retries", type=click.IntRange(1, 100), default=5, show_default=True,
                  help=_("Attempts for a request that may be repeated safely "
                         "(connection refused, 429, 503)."))
    @click.option("--retry-time", type=click.FloatRange(min=0), default=120.0,
                  show_default=True, help=_("Seconds to keep retrying one request at most."))
    @click.option("--max-connection-failures", type=click.IntRange(1), default=5,
                  show_default=True,
                  help=_("Stop the run after this many rows in a row could not connect."))
    @click.option("--limit", type=click.IntRange(1),
                  help=_("Process only the first N data rows; the rest are not attempted."))
    @reading_options
    @click.option("--archive", "archive_dir", type=click.Path(path_type=Path),
                  help=_("Move each file and its results here once every row has a final "
                         "outcome."))
    @click.option("--summary-json", type=click.Path(path_type=Path),
                  help=_("Write counts, durations and the exit code as JSON to this file."))
    @click.option("--log-file", type=click.Path(path_type=Path),
                  help=_("Append the log, each line with the run id, to this file."))
    @click.option("-v", "--verbose", count=True,
                  help=_("More output: -v one line per request, -vv debug."))
    @click.option("-q", "--quiet", is_flag=True, help=_("Print errors only."))
    @click.option("--lang", type=click.Choice(["en", "cs"]),
                  help=_("Language of messages and of the results sheet (or TAS_IMPORT_LANG)."))
    def import_command(**options: object) -> None:
        sys.exit(run_import_command(options))

    return import_command


def settings_from_options(options: dict[str, object]) -> RunSettings:
    def path(name: str) -> Path | None:
        value = options.get(name)
        return value if isinstance(value, Path) else None

    def number(name: str) -> float | None:
        value = options.get(name)
        return float(value) if isinstance(value, (int, float)) else None

    files = FileSettings(
        sheet=parse_sheet(options.get("sheet")),  # type: ignore[arg-type]
        header_row=options.get("header_row"),  # type: ignore[arg-type]
        encoding=options.get("encoding"),  # type: ignore[arg-type]
        delimiter=options.get("delimiter"),  # type: ignore[arg-type]
        results=path("results"),
        limit=options.get("limit"),  # type: ignore[arg-type]
    )
    return RunSettings(
        input_path=options["file"],  # type: ignore[arg-type]
        mapping_path=options["mapping_path"],  # type: ignore[arg-type]
        dry_run=bool(options.get("dry_run")),
        url=options.get("url"),  # type: ignore[arg-type]
        sandbox=bool(options.get("sandbox")),
        sandbox_templates=path("sandbox_templates"),
        sandbox_db=path("sandbox_db"),
        template_file=path("template_file"),
        state_path=path("state_path"),
        resend_unknown=bool(options.get("resend_unknown")),
        concurrency=int(options.get("concurrency") or 4),  # type: ignore[call-overload]
        rate=number("rate"),
        timeout=number("timeout") or 30.0,
        retry=RetryPolicy(
            attempts=int(options.get("retries") or 5),  # type: ignore[call-overload]
            max_seconds=number("retry_time") or 0.0,
        ),
        max_connection_failures=int(options.get("max_connection_failures") or 5),  # type: ignore[call-overload]
        archive_dir=path("archive_dir"),
        files=files,
    )


def run_import_command(options: dict[str, object]) -> int:
    """Run the import the options describe; print the summary; return the exit code."""
    language = options.get("lang")
    if isinstance(language, str):
        set_language(language)
    run_id = new_run_id()
    verbosity = int(options.get("verbose") or 0)  # type: ignore[call-overload]
    quiet = bool(options.get("quiet"))
    log_context = configure_logging(
        verbosity=verbosity,
        quiet=quiet,
        run_id=run_id,
        log_file=options.get("log_file"),  # type: ignore[arg-type]
    )
    for secret in known_secrets(os.environ):
        log_context.add_secret(secret)

    settings = settings_from_options(options)
    logger.info("run %s started: %s with %s", run_id, settings.input_path, settings.mapping_path)
    outcome = ImportRun(settings, run_id=run_id).run()
    logger.info("run %s finished with exit code %d", run_id, outcome.exit_code)

    print_outcome(outcome, quiet=quiet)
    summary_path = options.get("summary_json")
    if isinstance(summary_path, Path):
        write_summary_json(summary_path, outcome)
    return outcome.exit_code


def print_outcome(outcome: RunOutcome, *, quiet: bool) -> None:
    """Print each file's error or summary; errors go to stderr, summaries to stdout."""
    if outcome.error is not None:
        echo_error(outcome.error)
        return
    if outcome.inbox is not None and not outcome.files and not quiet:
        click.echo(
            _(
                "Nothing to import: the folder '{path}' has no new spreadsheet files "
                "(.csv .txt .tsv .xlsx .xlsm .xls .ods).",
                path=outcome.inbox,
            )
        )

    for file_outcome in outcome.files:
        if file_outcome.error is not None:
            if len(outcome.files) > 1:
                click.echo(_("{file}:", file=file_outcome.input_path), err=True)
            echo_error(file_outcome.error)
            continue
        if quiet:
            # cron mails stderr, so a stopped run and the notes (a doubtful encoding, an
            # XLSX that overflowed to CSV) are reported there even with -q.
            for notice in file_outcome.notices:
                click.echo(notice, err=True)
            if file_outcome.stop_reason:
                click.echo(_("Error: {message}", message=file_outcome.stop_reason), err=True)
            continue
        if file_outcome.results_path is None and not file_outcome.stop_reason:
            continue
        if len(outcome.files) > 1:
            click.echo(_("{file}:", file=file_outcome.input_path))
        for notice in file_outcome.notices:
            click.echo(notice)
        click.echo(
            format_summary(
                file_outcome.counts,
                file_outcome.results_path,
                dry_run=outcome.dry_run,
                stop_reason=file_outcome.stop_reason,
                problem_lines=file_outcome.problem_lines,
            )
        )

    sent_anything = any(file_outcome.results_path for file_outcome in outcome.files)
    if outcome.sandbox_db is not None and sent_anything and not quiet:
        click.echo(
            _(
                "Sandbox cases are stored in {path}; list them with: tas-sandbox cases --db {path}",
                path=outcome.sandbox_db,
            )
        )
    for path in outcome.archived:
        if not quiet:
            click.echo(_("Archived: {path}", path=path))

