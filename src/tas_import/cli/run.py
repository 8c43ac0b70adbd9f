"""A whole run: the mapping, one file or an inbox, a real TAS, the sandbox, or a dry-run.

This is the only place that wires reading, coercion, delivery and results together.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import logging
import os
import secrets
import uuid
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import click

from tas_import import __version__
from tas_import.cli.connection import Connection, normalise_url, resolve_connection
from tas_import.cli.inbox import archive, input_files
from tas_import.cli.job import FileImport, FileOutcome, FileSettings
from tas_import.cli.sandbox_support import sandbox_templates
from tas_import.client import RetryPolicy, TasClient
from tas_import.delivery import Delivery, LedgerPreview
from tas_import.errors import ExitCode, TasImportError, TemplateError, UsageError
from tas_import.i18n import _
from tas_import.ledger import Ledger, default_ledger_path
from tas_import.lock import run_lock
from tas_import.mapping import Mapping, load_mapping
from tas_import.progress import Progress
from tas_import.results import RunInfo
from tas_import.template_check import check_mapping
from tas_import.templates import load_templates

logger = logging.getLogger(__name__)

DEFAULT_SANDBOX_DB = Path("tas-sandbox.sqlite")


@dataclass(frozen=True)
class RunSettings:
    """The settings of one import run, from the command line."""

    input_path: Path
    mapping_path: Path
    dry_run: bool = False
    url: str | None = None
    sandbox: bool = False
    sandbox_templates: Path | None = None
    sandbox_db: Path | None = None
    template_file: Path | None = None
    state_path: Path | None = None
    resend_unknown: bool = False
    concurrency: int = 4
    rate: float | None = None
    timeout: float = 30.0
    retry: RetryPolicy = field(default_factory=RetryPolicy)
    max_connection_failures: int = 5
    archive_dir: Path | None = None
    files: FileSettings = field(default_factory=FileSettings)
    show_progress: bool | None = None


@dataclass
class RunOutcome:
    """The outcome of a run, per file and overall."""

    run_id: str
    started_at: dt.datetime
    dry_run: bool
    files: list[FileOutcome] = field(default_factory=list)
    finished_at: dt.datetime | None = None
    sandbox_db: Path | None = None
    archived: list[Path] = field(default_factory=list)
    error: TasImportError | None = None
    inbox: Path | None = None

    @property
    def exit_code(self) -> int:
        """The worst outcome: incomplete, then file errors, then failed rows, then OK."""
        if self.error is not None:
            return self.error.exit_code
        codes = {outcome.exit_code for outcome in self.files}
        severity = (
            ExitCode.LOCKED,
            ExitCode.INCOMPLETE,
            ExitCode.INPUT_ERROR,
            ExitCode.ROWS_FAILED,
        )
        return next((code for code in severity if code in codes), ExitCode.OK)


def new_run_id() -> str:
    return uuid.uuid4().hex[:12]


def load_checked_mapping(settings: RunSettings) -> Mapping:
    """Load the mapping and, with ``--template-file``, check it against its template."""
    mapping = load_mapping(settings.mapping_path)
    if settings.template_file is None:
        return mapping

    templates = load_templates(settings.template_file)
    template = templates.get(mapping.template)
    if template is None:
        known = ", ".join(str(template_id) for template_id in sorted(templates)) or "-"
        raise TemplateError(
            _(
                "Template {template} of the mapping is not in '{path}' (it has: {known}).",
                template=mapping.template,
                path=settings.template_file,
                known=known,
            )
        )
    check_mapping(mapping, template)
    return mapping


class ImportRun:
    """Run the import of every input file and collect the outcomes."""

    def __init__(self, settings: RunSettings, run_id: str | None = None) -> None:
        self.settings = settings
        self.outcome = RunOutcome(
            run_id=run_id or new_run_id(),
            started_at=dt.datetime.now().astimezone(),
            dry_run=settings.dry_run,
            inbox=settings.input_path if settings.input_path.is_dir() else None,
        )
        self.secrets: list[str] = []

    def run(self) -> RunOutcome:
        try:
            mapping = load_checked_mapping(self.settings)
            files = input_files(self.settings.input_path)
            if not files:
                logger.info("nothing to import in %s", self.settings.input_path)
            elif self.settings.dry_run:
                self._dry_run(mapping, files)
            else:
                asyncio.run(self._deliver(mapping, files))
        except TasImportError as error:
            self.outcome.error = error
        self.outcome.finished_at = dt.datetime.now().astimezone()
        return self.outcome

    def _run_info(self, path: Path, mapping: Mapping) -> RunInfo:
        return RunInfo(
            input_path=path,
            template=mapping.template,
            run_id=self.outcome.run_id,
            started_at=self.outcome.started_at,
            tool_version=__version__,
            dry_run=self.settings.dry_run,
        )

    def _file_import(self, path: Path, mapping: Mapping) -> FileImport:
        return FileImport(path, mapping, self._file_settings(path), self._run_info(path, mapping))

    def _file_settings(self, path: Path) -> FileSettings:
        files = self.settings.files
        if self.settings.input_path.is_dir() and files.results is not None:
            # With an inbox, --results names the folder for every file's results.
            return FileSettings(**{**files.__dict__, "results": None, "results_dir": files.results})
        return files

    def _progress(self, total: int | None) -> Progress:
        return Progress(total=total, enabled=self.settings.show_progress)

    def _dry_run(self, mapping: Mapping, files: list[Path]) -> None:
        with self._ledger_preview(mapping) as preview:
            for path in files:
                job = self._file_import(path, mapping)
                try:
                    with self._progress(None) as progress:
                        job.dry_run(progress, preview)
                except TasImportError as error:
                    job.outcome.error = error
                self._finish_file(job.outcome)

    @contextmanager
    def _ledger_preview(self, mapping: Mapping) -> Iterator[LedgerPreview | None]:
        """Open the ledger read-only when a dry-run has the URL a real run would send to.

        Then the dry-run reports the rows that a run would skip or hold back as unknown,
        so ``valid`` means "would be sent". Without a URL or a ledger file, every valid
        row is ``valid``.
        """
        ledger_url = self._dry_run_ledger_url()
        state_path = self._state_path()
        if ledger_url is None or not state_path.exists():
            yield None
            return
        with Ledger.open(state_path, create=False) as ledger:
            yield LedgerPreview(
                ledger,
                base_url=ledger_url,
                template=mapping.template,
                resend_unknown=self.settings.resend_unknown,
            )

    def _dry_run_ledger_url(self) -> str | None:
        if self.settings.sandbox:
            return f"sandbox:{(self.settings.sandbox_db or DEFAULT_SANDBOX_DB).resolve()}"
        url = self.settings.url or os.environ.get("TAS_URL", "")
        return normalise_url(url) if url.strip() else None

    async def _deliver(self, mapping: Mapping, files: list[Path]) -> None:
        with ExitStack() as stack:
            connection = stack.enter_context(self._connection(mapping))
            self.secrets.append(connection.token)
            state_path = self._state_path()
            stack.enter_context(run_lock(state_path))
            ledger = stack.enter_context(Ledger.open(state_path))
            self._warn_other_urls(ledger, connection, mapping.template)
            client = TasClient(
                connection.base_url,
                connection.token,
                timeout=self.settings.timeout,
                retry=self.settings.retry,
                max_connections=self.settings.concurrency,
            )
            async with client:
                stopped: str | None = None
                for path in files:
                    job = self._file_import(path, mapping)
                    if stopped is not None:
                        job.outcome.stop_reason = stopped
                    else:
                        await self._deliver_file(job, client, ledger, connection)
                        stopped = job.outcome.stop_reason
                    self._finish_file(job.outcome)

    def _warn_other_urls(self, ledger: Ledger, connection: Connection, template: int) -> None:
        """Warn when the ledger contains rows of this template sent to another URL.

        Rows are matched per TAS URL, so the same server reached under another address
        (an IP instead of its name, another port) would get every case a second time.
        """
        others = ledger.other_base_urls(connection.ledger_url, template)
        if not others:
            return
        logger.warning("ledger %s also has template %s rows for %s", ledger, template, others)
        # Printed at once, not with the summary, so that the operator can still stop the run.
        click.echo(
            _(
                "Note: the ledger also records rows of template {template} sent to {urls}. "
                "Rows are matched per TAS URL, so rows created there are sent again to "
                "{url}. If that is the same TAS under another address, stop this run "
                "(Ctrl+C) and always use one URL for it.",
                template=template,
                urls=", ".join(others),
                url=connection.ledger_url,
            ),
            err=True,
        )

    async def _deliver_file(
        self, job: FileImport, client: TasClient, ledger: Ledger, connection: Connection
    ) -> None:
        try:
            job.validate()
            # Shown before anything is sent, and again with the summary.
            for notice in job.outcome.notices:
                click.echo(notice, err=True)
            delivery = Delivery(
                client,
                ledger,
                base_url=connection.ledger_url,
                template=job.mapping.template,
                source_file=str(job.path.resolve()),
                run_id=self.outcome.run_id,
                concurrency=self.settings.concurrency,
                rate=self.settings.rate,
                resend_unknown=self.settings.resend_unknown,
                max_connection_failures=self.settings.max_connection_failures,
            )
            with self._progress(job.total_rows) as progress:
                await job.deliver(delivery, progress)
        except TasImportError as error:
            job.outcome.error = error

    def _finish_file(self, outcome: FileOutcome) -> None:
        outcome.finished_at = dt.datetime.now().astimezone()
        self.outcome.files.append(outcome)
        archive_dir = self.settings.archive_dir
        if archive_dir is None or self.settings.dry_run or not outcome.is_final:
            return
        paths = [outcome.input_path]
        if outcome.results_path is not None and outcome.results_path.exists():
            paths.append(outcome.results_path)
        moved = archive(paths, archive_dir)
        self.outcome.archived.extend(moved)
        if len(moved) > 1:
            outcome.results_path = moved[1]

    def _state_path(self) -> Path:
        if self.settings.state_path is not None:
            return self.settings.state_path
        if self.settings.sandbox:
            sandbox_db = self.settings.sandbox_db or DEFAULT_SANDBOX_DB
            return sandbox_db.with_name(sandbox_db.stem + ".ledger.sqlite")
        return default_ledger_path()

    @contextmanager
    def _connection(self, mapping: Mapping) -> Iterator[Connection]:
        if not self.settings.sandbox:
            if self.settings.sandbox_templates or self.settings.sandbox_db:
                raise UsageError(_("--sandbox-templates and --sandbox-db need --sandbox."))
            yield resolve_connection(self.settings.url, os.environ)
            return

        from tas_import.sandbox.embedded import run_sandbox

        if self.settings.url:
            raise UsageError(_("--url and --sandbox exclude each other: choose one."))
        db_path = (self.settings.sandbox_db or DEFAULT_SANDBOX_DB).resolve()
        templates = sandbox_templates(mapping, self.settings.sandbox_templates)
        token = secrets.token_urlsafe(24)
        self.outcome.sandbox_db = db_path
        with run_sandbox(templates, db_path, token) as base_url:
            logger.info("sandbox listening on %s, cases in %s", base_url, db_path)
            # The sandbox gets a new port each run: the ledger names it by its database.
            yield Connection(base_url=base_url, token=token, ledger_url=f"sandbox:{db_path}")
