"""``tas-sandbox``: serve the sandbox as its own process, or list the cases it created."""

from __future__ import annotations

import logging
import sys
from collections.abc import Sequence
from pathlib import Path

import click
import simplejson

from tas_import.console import exit_with
from tas_import.errors import TasImportError
from tas_import.i18n import _, language_from_argv, set_language
from tas_import.sandbox.embedded import bind_socket, build_server
from tas_import.sandbox.faults import FaultPlan
from tas_import.sandbox.store import CaseStore, encode_data
from tas_import.templates import load_templates

logger = logging.getLogger(__name__)

_SHARE = click.FloatRange(0.0, 1.0)


def main(argv: Sequence[str] | None = None) -> None:
    """Console entry point: choose the language, then build and run the commands."""
    args = list(sys.argv[1:] if argv is None else argv)
    set_language(language_from_argv(args))
    create_cli().main(args=args, prog_name="tas-sandbox")


def create_cli() -> click.Group:
    """Build the ``tas-sandbox`` group in the current language.

    click evaluates help texts when a command is defined, so the commands are defined only
    after the language is chosen.
    """

    @click.group(
        help=_("A local server that behaves like the TAS start-process endpoint."),
        context_settings={"help_option_names": ["-h", "--help"]},
    )
    @click.option(
        "--lang",
        type=click.Choice(["en", "cs"]),
        default=None,
        help=_("Language of messages (default: from TAS_IMPORT_LANG or the locale)."),
    )
    def group(lang: str | None) -> None:
        """Language is applied by main() before the commands are built."""

    @group.command(help=_("Serve the start-process endpoint until interrupted (Ctrl+C)."))
    @click.option(
        "--templates",
        "templates_path",
        type=click.Path(exists=True, dir_okay=False, path_type=Path),
        required=True,
        help=_("YAML templates file: template ids with their variables and types."),
    )
    @click.option("--host", default="127.0.0.1", show_default=True, help=_("Address to listen on."))
    @click.option(
        "--port",
        type=click.IntRange(0, 65535),
        default=8080,
        show_default=True,
        help=_("TCP port to listen on; 0 picks a free port and prints it."),
    )
    @click.option(
        "--token",
        envvar="TAS_SANDBOX_TOKEN",
        required=True,
        help=_("Bearer token that clients must send (or set TAS_SANDBOX_TOKEN)."),
    )
    @click.option(
        "--db",
        "db_path",
        type=click.Path(dir_okay=False, path_type=Path),
        required=True,
        help=_("SQLite file that stores the created cases; created when missing."),
    )
    @click.option(
        "--latency-ms",
        type=click.IntRange(min=0),
        default=0,
        show_default=True,
        help=_("Fixed delay in milliseconds added to every start-process request."),
    )
    @click.option(
        "--error-500",
        type=_SHARE,
        default=0.0,
        show_default=True,
        help=_("Share (0 to 1) of requests that get a 500 response, nothing stored."),
    )
    @click.option(
        "--busy-503",
        type=_SHARE,
        default=0.0,
        show_default=True,
        help=_(
            "Share (0 to 1) of requests that get a 503 response with Retry-After, "
            "nothing stored."
        ),
    )
    @click.option(
        "--throttle-429",
        type=_SHARE,
        default=0.0,
        show_default=True,
        help=_(
            "Share (0 to 1) of requests that get a 429 response with Retry-After, "
            "nothing stored."
        ),
    )
    @click.option(
        "--retry-after",
        type=click.IntRange(min=0),
        default=1,
        show_default=True,
        help=_("Seconds sent in the Retry-After header of injected 503 and 429 responses."),
    )
    @click.option(
        "--drop-before-store",
        type=_SHARE,
        default=0.0,
        show_default=True,
        help=_(
            "Share (0 to 1) of requests whose connection is reset after the request is read, "
            "before anything is stored; the client gets no response."
        ),
    )
    @click.option(
        "--drop-after-commit",
        type=_SHARE,
        default=0.0,
        show_default=True,
        help=_(
            "Share (0 to 1) of requests whose case is committed and whose connection is then "
            "reset; the case exists but the client gets no response."
        ),
    )
    @click.option(
        "--slow",
        "slow_after_commit",
        type=_SHARE,
        default=0.0,
        show_default=True,
        help=_(
            "Share (0 to 1) of requests whose case is committed and whose response is then "
            "delayed by --slow-seconds, longer than the client's timeout."
        ),
    )
    @click.option(
        "--slow-seconds",
        type=click.FloatRange(min=0.0),
        default=60.0,
        show_default=True,
        help=_("Delay in seconds of the responses chosen by --slow."),
    )
    @click.option(
        "--seed",
        type=int,
        default=0,
        show_default=True,
        help=_("Seed of the fault draw; the same seed gives the same sequence of faults."),
    )
    def serve(
        templates_path: Path,
        host: str,
        port: int,
        token: str,
        db_path: Path,
        latency_ms: int,
        error_500: float,
        busy_503: float,
        throttle_429: float,
        retry_after: int,
        drop_before_store: float,
        drop_after_commit: float,
        slow_after_commit: float,
        slow_seconds: float,
        seed: int,
    ) -> None:
        try:
            templates = load_templates(templates_path)
        except TasImportError as error:
            exit_with(error)

        try:
            faults = FaultPlan(
                latency_ms=latency_ms,
                error_500=error_500,
                busy_503=busy_503,
                throttle_429=throttle_429,
                drop_before_store=drop_before_store,
                drop_after_commit=drop_after_commit,
                slow_after_commit=slow_after_commit,
                slow_seconds=slow_seconds,
                retry_after_seconds=retry_after,
                seed=seed,
            )
        except ValueError as error:
            raise click.UsageError(
                _("The fault shares add up to more than 1: {error}", error=error)
            ) from error

        try:
            sock = bind_socket(host, port)
        except OSError as error:
            raise click.ClickException(
                _("Cannot listen on {host}:{port}: {error}", host=host, port=port, error=error)
            ) from error

        store = CaseStore(db_path)
        server = build_server(templates, store, token, faults, log_level="info")
        bound_port = sock.getsockname()[1]
        # Tests started with --port 0 read this line to learn the port; the socket already
        # listens, so a client connecting right away waits in the backlog.
        click.echo(f"listening on http://{host}:{bound_port}")
        sys.stdout.flush()
        try:
            server.run(sockets=[sock])
        finally:
            sock.close()
            store.close()

    @group.command(help=_("List the cases stored in a sandbox database."))
    @click.option(
        "--db",
        "db_path",
        type=click.Path(exists=True, dir_okay=False, path_type=Path),
        required=True,
        help=_("SQLite file written by 'tas-sandbox serve'."),
    )
    @click.option(
        "--json",
        "as_json",
        is_flag=True,
        help=_("Print a JSON list of {case_id, process_id, data, created_at} objects."),
    )
    def cases(db_path: Path, as_json: bool) -> None:
        store = CaseStore(db_path)
        try:
            stored = store.list_cases()
        finally:
            store.close()

        if as_json:
            click.echo(simplejson.dumps(stored, use_decimal=True, ensure_ascii=False, indent=2))
            return

        for case in stored:
            click.echo(
                f"{case['case_id']}\t{case['process_id']}\t{case['created_at']}\t"
                f"{encode_data(case['data'])}"
            )
        click.echo(_("Cases: {count}", count=len(stored)), err=True)

    return group


