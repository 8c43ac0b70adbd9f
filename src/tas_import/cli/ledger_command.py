"""``tas-import ledger``: list and export what the ledger stores, settle a doubtful row.

An ``unknown`` row (no response from TAS, or a run killed while sending it) is never sent
again on its own, because TAS cannot be asked whether the case exists. After looking in
TAS the operator settles it: ``--created --case-id N`` makes the next run skip the row,
``--not-created`` makes it send the row again.
"""

from __future__ import annotations

import csv
import json
import logging
import sys
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any, TypeVar

import click

from tas_import.console import exit_on_error
from tas_import.errors import UsageError
from tas_import.i18n import _
from tas_import.ledger import Ledger, LedgerEntry, LedgerState, default_ledger_path
from tas_import.lock import run_lock

logger = logging.getLogger(__name__)

EXPORT_FIELDS = (
    "entry_id",
    "state",
    "base_url",
    "template",
    "row_key",
    "case_id",
    "message",
    "http_status",
    "attempts",
    "sends",
    "source_file",
    "row_number",
    "run_id",
    "first_sent_at",
    "updated_at",
    "created_at",
)

_STATE_NAMES = [state.value for state in LedgerState]

_F = TypeVar("_F", bound=Callable[..., Any])


@dataclass(frozen=True)
class EntryFilter:
    """The ``--status`` and ``--file`` filters of ``list`` and ``export``."""

    state: LedgerState | None
    file: str | None

    def select(self, ledger: Ledger) -> Iterator[LedgerEntry]:
        """Yield the matching entries; ``file`` matches the full path or the file name."""
        resolved = None if self.file is None else str(Path(self.file).resolve())
        # `sending` outside a run is the same doubt as `unknown`: a run was killed mid-send.
        states = [self.state]
        if self.state is LedgerState.UNKNOWN:
            states.append(LedgerState.SENDING)
        for entry in ledger.entries(states=states):
            if self.file is None or self.file in (entry.source_file, resolved) or (
                Path(entry.source_file).name == self.file
            ):
                yield entry


def create_ledger_group() -> click.Group:
    """Build the ``ledger`` group; call it after the language is chosen."""

    @click.group(
        name="ledger",
        help=_(
            "Show what the ledger stores about rows sent to TAS, and settle rows whose "
            "outcome is unknown after you checked them in TAS."
        ),
    )
    def ledger_group() -> None:
        pass

    ledger_group.add_command(_create_list_command())
    ledger_group.add_command(_create_export_command())
    ledger_group.add_command(_create_settle_command())
    return ledger_group


def _state_option() -> Callable[[_F], _F]:
    return click.option(
        "--state",
        "state_path",
        type=click.Path(path_type=Path),
        default=None,
        help=_(
            "Ledger file [default: $XDG_STATE_HOME/tas-import/ledger.sqlite, or "
            "~/.local/state/tas-import/ledger.sqlite]."
        ),
    )


def _filter_options(command: _F) -> _F:
    command = click.option(
        "--status",
        type=click.Choice(_STATE_NAMES),
        help=_(
            "Only entries in this state; 'unknown' includes 'sending', the rows a killed "
            "run was sending."
        ),
    )(command)
    command = click.option(
        "--file",
        "source_file",
        help=_("Only rows of this input file (its path, or just its file name)."),
    )(command)
    return command


def _create_list_command() -> click.Command:
    @click.command(name="list", help=_("Print the ledger entries as a table."))
    @_state_option()
    @_filter_options
    def list_command(state_path: Path | None, status: str | None, source_file: str | None) -> None:
        entry_filter = EntryFilter(_parse_state(status), source_file)
        with exit_on_error(), Ledger.open(_ledger_path(state_path), create=False) as ledger:
            count = 0
            click.echo(_format_header())
            for entry in entry_filter.select(ledger):
                click.echo(_format_entry(entry))
                count += 1
            click.echo(_("Entries: {count}", count=count))

    return list_command


def _create_export_command() -> click.Command:
    @click.command(
        name="export",
        help=_("Write the ledger entries with every field as CSV or JSON."),
    )
    @_state_option()
    @_filter_options
    @click.option(
        "-o",
        "--output",
        type=click.Path(path_type=Path, dir_okay=False, allow_dash=True),
        default=Path("-"),
        help=_("File to write; '-' is standard output [default: -]."),
    )
    @click.option(
        "--format",
        "export_format",
        type=click.Choice(["csv", "json"]),
        help=_("Output format [default: json for a .json output file, else csv]."),
    )
    def export_command(
        state_path: Path | None,
        status: str | None,
        source_file: str | None,
        output: Path,
        export_format: str | None,
    ) -> None:
        entry_filter = EntryFilter(_parse_state(status), source_file)
        if export_format is None:
            export_format = "json" if output.suffix.lower() == ".json" else "csv"

        with exit_on_error(), Ledger.open(_ledger_path(state_path), create=False) as ledger:
            entries = entry_filter.select(ledger)
            if str(output) == "-":
                _write_export(sys.stdout, entries, export_format)
                return
            try:
                # A BOM lets Excel recognise the CSV as UTF-8.
                encoding = "utf-8-sig" if export_format == "csv" else "utf-8"
                with output.open("w", encoding=encoding, newline="") as stream:
                    count = _write_export(stream, entries, export_format)
            except OSError as error:
                raise UsageError(
                    _("Cannot write {path}: {error}", path=output, error=error)
                ) from error
            click.echo(_("Entries written to {path}: {count}", path=output, count=count), err=True)

    return export_command


def _create_settle_command() -> click.Command:
    @click.command(
        name="settle",
        help=_(
            "Record what you found in TAS for the ledger entries ENTRY_ID (the ID column of "
            "'tas-import ledger list'): --created --case-id N if the case exists, so the "
            "next run skips the row, or --not-created if it does not, so the next run sends "
            "the row again. --not-created takes several entry ids at once."
        ),
    )
    @click.argument("entry_ids", metavar="ENTRY_ID...", nargs=-1, required=True,
                    type=click.IntRange(min=1))
    @_state_option()
    @click.option(
        "--created/--not-created",
        "created",
        default=None,
        help=_("Whether the case exists in TAS."),
    )
    @click.option("--case-id", help=_("The id of the case found in TAS (with --created)."))
    def settle_command(
        entry_ids: tuple[int, ...],
        state_path: Path | None,
        created: bool | None,
        case_id: str | None,
    ) -> None:
        with exit_on_error():
            _check_settle_options(created, case_id)
            assert created is not None
            if created and len(entry_ids) > 1:
                raise UsageError(
                    _("--created --case-id settles one entry at a time: each has its own case.")
                )
            path = _ledger_path(state_path)
            # A run holding the ledger could be sending one of these rows right now.
            with Ledger.open(path, create=False) as ledger, run_lock(path):
                for entry_id in entry_ids:
                    entry = ledger.settle(entry_id, created=created, case_id=case_id)
                    click.echo(_settled_message(entry))

    return settle_command


def _check_settle_options(created: bool | None, case_id: str | None) -> None:
    if created is None:
        raise UsageError(
            _("Say what you found in TAS: --created --case-id N, or --not-created."),
        )
    if created and not (case_id or "").strip():
        raise UsageError(
            _("--created needs the id of the case you found: add --case-id N."),
        )
    if not created and case_id:
        raise UsageError(_("--case-id goes only with --created."))


def _settled_message(entry: LedgerEntry) -> str:
    where = _("row {row} of {file}", row=entry.row_number, file=Path(entry.source_file).name)
    if entry.state is LedgerState.CREATED:
        return _(
            "Entry {entry_id} ({where}) is now 'created' as case {case_id}; the next run "
            "skips this row.",
            entry_id=entry.entry_id,
            where=where,
            case_id=entry.case_id,
        )
    return _(
        "Entry {entry_id} ({where}) is now 'not created'; the next run sends this row again.",
        entry_id=entry.entry_id,
        where=where,
    )


def _ledger_path(state_path: Path | None) -> Path:
    return state_path if state_path is not None else default_ledger_path()


def _parse_state(status: str | None) -> LedgerState | None:
    return None if status is None else LedgerState(status)


# Column widths of the table; the last column, the message, is never cut.
_COLUMN_WIDTHS = (6, 11, 8, 20, 20, 7, 8, 25)


def _format_header() -> str:
    names = (
        _("ID"),
        _("STATE"),
        _("TEMPLATE"),
        _("KEY"),
        _("FILE"),
        _("ROW"),
        _("CASE"),
        _("UPDATED"),
    )
    cells = [_fit(name, width) for name, width in zip(names, _COLUMN_WIDTHS, strict=True)]
    return "  ".join([*cells, _("MESSAGE")])


def _format_entry(entry: LedgerEntry) -> str:
    values = (
        str(entry.entry_id),
        entry.state.value,
        str(entry.identity.template),
        entry.identity.row_key,
        Path(entry.source_file).name,
        str(entry.row_number),
        entry.case_id or "",
        entry.updated_at,
    )
    cells = [_fit(value, width) for value, width in zip(values, _COLUMN_WIDTHS, strict=True)]
    return "  ".join([*cells, entry.message])


def _fit(value: str, width: int) -> str:
    if len(value) > width:
        return value[: width - 1] + "…"
    return value.ljust(width)


def _write_export(stream: IO[str], entries: Iterator[LedgerEntry], export_format: str) -> int:
    """Write the entries one by one, so a large ledger never sits in memory; return the count."""
    count = 0
    if export_format == "json":
        stream.write("[")
        for entry in entries:
            stream.write(",\n" if count else "\n")
            stream.write(json.dumps(_export_record(entry), ensure_ascii=False))
            count += 1
        stream.write("\n]\n")
        return count

    writer = csv.DictWriter(stream, fieldnames=EXPORT_FIELDS, lineterminator="\n")
    writer.writeheader()
    for entry in entries:
        writer.writerow(_export_record(entry))
        count += 1
    return count


def _export_record(entry: LedgerEntry) -> dict[str, object]:
    return {
        "entry_id": entry.entry_id,
        "state": entry.state.value,
        "base_url": entry.identity.base_url,
        "template": entry.identity.template,
        "row_key": entry.identity.row_key,
        "case_id": entry.case_id,
        "message": entry.message,
        "http_status": entry.http_status,
        "attempts": entry.attempts,
        "sends": entry.sends,
        "source_file": entry.source_file,
        "row_number": entry.row_number,
        "run_id": entry.run_id,
        "first_sent_at": entry.first_sent_at,
        "updated_at": entry.updated_at,
        "created_at": entry.created_at,
    }
