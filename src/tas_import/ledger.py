"""The ledger: a SQLite file that remembers what every run sent to TAS.

TAS has no business key and no case lookup, so the import keeps its own memory. A row
is identified by ``(base URL, template, row key)``. Before its POST the row is committed
as ``sending``; after it, as ``created``, ``failed`` or ``unknown``. A crash between the
two leaves ``sending``, which the next run treats as a doubt, never as "not sent".

Every write is one committed transaction before the call returns, so a process killed at
any moment (``kill -9`` included) leaves a consistent file that contains every committed
write. The database runs in WAL mode. The ``sending`` mark is committed with
``synchronous=FULL``, so it is on disk before the POST even if the machine loses power:
losing it could make a rerun send the row a second time. Outcomes are committed with
``synchronous=NORMAL`` (they reach the operating system, and disk at the next fsync): a
power loss can lose an outcome, which leaves the row ``sending``, so the next run reports
it ``unknown`` instead of sending it again.

On the development VM under load an fsync made a commit take about 1 ms on average (4 ms
at the 95th percentile) instead of 0.1 ms.
"""

from __future__ import annotations

import enum
import logging
import os
import sqlite3
import threading
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path
from types import TracebackType
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit, urlunsplit

from tas_import.errors import UsageError
from tas_import.i18n import _
from tas_import.rows import Status

if TYPE_CHECKING:
    from tas_import.client import DeliveryOutcome

logger = logging.getLogger(__name__)

SCHEMA_VERSION = 1

# Only the identity is indexed. An index on state or source file would add a page to every
# commit: the delivery loop's ledger work per row went from 130 to 83 µs CPU without them
# (development VM). `ledger list` filters by scanning in id order, which is fast enough
# for a command run by hand.
_SCHEMA = """
CREATE TABLE IF NOT EXISTS deliveries (
    id            INTEGER PRIMARY KEY,
    base_url      TEXT    NOT NULL,
    template      INTEGER NOT NULL,
    row_key       TEXT    NOT NULL,
    state         TEXT    NOT NULL,
    case_id       TEXT,
    message       TEXT    NOT NULL DEFAULT '',
    http_status   INTEGER,
    attempts      INTEGER NOT NULL DEFAULT 0,
    sends         INTEGER NOT NULL DEFAULT 0,
    source_file   TEXT    NOT NULL,
    row_number    INTEGER NOT NULL,
    run_id        TEXT    NOT NULL,
    first_sent_at TEXT    NOT NULL,
    updated_at    TEXT    NOT NULL,
    created_at    TEXT,
    UNIQUE (base_url, template, row_key)
);
"""

_COLUMNS = (
    "id, base_url, template, row_key, state, case_id, message, http_status, attempts, "
    "sends, source_file, row_number, run_id, first_sent_at, updated_at, created_at"
)


class LedgerState(str, enum.Enum):
    """The recorded state of one row; the value is stored in the file."""

    SENDING = "sending"
    CREATED = "created"
    FAILED = "failed"
    UNKNOWN = "unknown"
    NOT_CREATED = "not created"  # settled by the operator after looking in TAS

    def __str__(self) -> str:
        return self.value


_OUTCOME_STATES = {
    Status.CREATED: LedgerState.CREATED,
    Status.FAILED: LedgerState.FAILED,
    Status.UNKNOWN: LedgerState.UNKNOWN,
}

# States an operator may settle: the doubts, and an earlier settlement being corrected.
SETTLEABLE_STATES = (LedgerState.UNKNOWN, LedgerState.SENDING, LedgerState.NOT_CREATED)


def normalise_base_url(url: str) -> str:
    """Return ``url`` without spaces and trailing slashes, an HTTP scheme and host lowercased.

    ``https://TAS.example.cz/`` and ``https://tas.example.cz`` are the same server, so
    they must give the same row identity. Other schemes (the sandbox's ``sandbox:PATH``)
    only lose trailing slashes.
    """
    url = url.strip().rstrip("/")
    parts = urlsplit(url)
    if parts.scheme.lower() not in ("http", "https"):
        return url
    return urlunsplit(
        (parts.scheme.lower(), parts.netloc.lower(), parts.path, parts.query, parts.fragment)
    )


@dataclass(frozen=True)
class RowIdentity:
    """The ledger key of a row: the TAS server, the template and the row key."""

    base_url: str
    template: int
    row_key: str

    @classmethod
    def of(cls, base_url: str, template: int, row_key: str) -> RowIdentity:
        return cls(normalise_base_url(base_url), template, row_key)


@dataclass(frozen=True)
class LedgerEntry:
    """One row of the ledger; times are ISO 8601 strings in UTC."""

    entry_id: int
    identity: RowIdentity
    state: LedgerState
    case_id: str | None
    message: str
    http_status: int | None
    attempts: int
    sends: int
    source_file: str
    row_number: int
    run_id: str
    first_sent_at: str
    updated_at: str
    created_at: str | None


def default_ledger_path() -> Path:
    """Return ``$XDG_STATE_HOME/tas-import/ledger.sqlite``, or the same under ``~/.local/state``."""
    state_home = os.environ.get("XDG_STATE_HOME", "").strip()
    base = Path(state_home) if state_home else Path.home() / ".local" / "state"
    return base / "tas-import" / "ledger.sqlite"


def _now() -> str:
    return datetime.now(timezone.utc).isoformat(timespec="seconds")


class Ledger:
    """The SQLite ledger of one state file.

    Safe to call from several threads. Writes go through one connection and reads through
    another. Use :meth:`open` to get one, and close it (or use it as a context manager).
    """

    def __init__(
        self, writer: sqlite3.Connection, reader: sqlite3.Connection, path: Path
    ) -> None:
        self._writer = writer
        self._write_lock = threading.Lock()
        # A second connection for reads: in WAL mode a reader never waits for a writer, so
        # `ledger list` works while a run writes, and a lookup reads only committed writes.
        self._reader = reader
        self._read_lock = threading.Lock()
        self.path = path

    @classmethod
    def open(cls, path: Path, *, create: bool = True) -> Ledger:
        """Open the ledger at ``path``, creating the file and its folder when ``create``.

        Raises :class:`UsageError` when the file is missing (and not ``create``), cannot be
        created, is not a ledger, or was written by a newer tas-import.
        """
        if not create and not path.is_file():
            raise UsageError(
                _("No ledger found at {path}.", path=path),
                hint=_("Pass the ledger file of your runs with --state PATH."),
            )

        connections: list[sqlite3.Connection] = []
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            connections.append(_connect(path))
            _prepare(connections[0], path)
            connections.append(_connect(path))
        except (OSError, sqlite3.Error) as error:
            for connection in connections:
                connection.close()
            raise UsageError(
                _("Cannot open the ledger {path}: {error}", path=path, error=error),
                hint=_("Choose a writable ledger file with --state PATH."),
            ) from error

        logger.debug("opened ledger %s", path)
        writer, reader = connections
        return cls(writer, reader, path)

    def close(self) -> None:
        with self._write_lock, self._read_lock:
            self._writer.close()
            self._reader.close()

    def __enter__(self) -> Ledger:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.close()

    def other_base_urls(self, base_url: str, template: int) -> list[str]:
        """Return the other TAS URLs the ledger has sent rows of ``template`` to."""
        with self._read_lock:
            rows = self._reader.execute(
                "SELECT DISTINCT base_url FROM deliveries WHERE template = ? AND base_url != ? "
                "ORDER BY base_url",
                (template, normalise_base_url(base_url)),
            ).fetchall()
        return [str(row[0]) for row in rows]

    def has_rows(self, base_url: str, template: int) -> bool:
        """Tell whether any row of ``template`` was sent to the TAS at ``base_url``."""
        with self._read_lock:
            row = self._reader.execute(
                "SELECT 1 FROM deliveries WHERE base_url = ? AND template = ? LIMIT 1",
                (normalise_base_url(base_url), template),
            ).fetchone()
        return row is not None

    def lookup(self, identity: RowIdentity) -> LedgerEntry | None:
        """Return what the ledger stores for ``identity``, or None for a row never sent."""
        with self._read_lock:
            row = self._reader.execute(
                f"SELECT {_COLUMNS} FROM deliveries "
                "WHERE base_url = ? AND template = ? AND row_key = ?",
                (identity.base_url, identity.template, identity.row_key),
            ).fetchone()
        return None if row is None else _entry(row)

    def get(self, entry_id: int) -> LedgerEntry | None:
        """Return the entry with the id shown by ``tas-import ledger list``."""
        with self._read_lock:
            row = self._reader.execute(
                f"SELECT {_COLUMNS} FROM deliveries WHERE id = ?", (entry_id,)
            ).fetchone()
        return None if row is None else _entry(row)

    def mark_sending(
        self, identity: RowIdentity, *, source_file: str, row_number: int, run_id: str
    ) -> None:
        """Commit the row as ``sending``; call it before the POST, never after."""
        now = _now()
        with self._write_lock:
            self._writer.execute("PRAGMA synchronous = FULL")
            try:
                self._insert_sending(identity, source_file, row_number, run_id, now)
            finally:
                self._writer.execute("PRAGMA synchronous = NORMAL")

    def _insert_sending(
        self, identity: RowIdentity, source_file: str, row_number: int, run_id: str, now: str
    ) -> None:
        self._writer.execute(
            "INSERT INTO deliveries (base_url, template, row_key, state, source_file, "
            "row_number, run_id, sends, first_sent_at, updated_at) "
            "VALUES (?, ?, ?, ?, ?, ?, ?, 1, ?, ?) "
            "ON CONFLICT (base_url, template, row_key) DO UPDATE SET "
            "state = excluded.state, source_file = excluded.source_file, "
            "row_number = excluded.row_number, run_id = excluded.run_id, "
            "sends = sends + 1, case_id = NULL, message = '', http_status = NULL, "
            "attempts = 0, created_at = NULL, updated_at = excluded.updated_at",
            (
                identity.base_url,
                identity.template,
                identity.row_key,
                LedgerState.SENDING.value,
                source_file,
                row_number,
                run_id,
                now,
                now,
            ),
        )

    def mark_outcome(self, identity: RowIdentity, outcome: DeliveryOutcome) -> None:
        """Commit the client's outcome of the POST for a row marked ``sending``."""
        state = _OUTCOME_STATES.get(outcome.status)
        if state is None:
            raise ValueError(f"a delivery outcome cannot be {outcome.status!r}")

        now = _now()
        created_at = now if state is LedgerState.CREATED else None
        self._update(
            identity,
            state=state,
            case_id=outcome.case_id,
            message=outcome.message,
            http_status=outcome.http_status,
            attempts=outcome.attempts,
            created_at=created_at,
        )

    def mark_failed(
        self, identity: RowIdentity, message: str, *, http_status: int | None = None
    ) -> None:
        """Commit the row as ``failed``: TAS stored nothing, so the next run sends it again."""
        self._update(
            identity,
            state=LedgerState.FAILED,
            case_id=None,
            message=message,
            http_status=http_status,
            attempts=1,
            created_at=None,
        )

    def mark_interrupted(self, identity: RowIdentity, message: str) -> None:
        """Turn a ``sending`` entry left by a crashed run into ``unknown``.

        ``updated_at`` keeps the time the row was sent, the time to look for in TAS.
        """
        with self._write_lock:
            self._writer.execute(
                "UPDATE deliveries SET state = ?, message = ? "
                "WHERE base_url = ? AND template = ? AND row_key = ? AND state = ?",
                (
                    LedgerState.UNKNOWN.value,
                    message,
                    identity.base_url,
                    identity.template,
                    identity.row_key,
                    LedgerState.SENDING.value,
                ),
            )

    def entries(
        self,
        *,
        state: LedgerState | None = None,
        states: Iterable[LedgerState | None] = (),
        source_file: str | None = None,
    ) -> Iterator[LedgerEntry]:
        """Yield the entries in id order, optionally only some states or one source file."""
        wanted = {value for value in (state, *states) if value is not None}
        conditions: list[str] = []
        params: list[object] = []
        if wanted:
            conditions.append(f"state IN ({', '.join('?' * len(wanted))})")
            params.extend(sorted(value.value for value in wanted))
        if source_file is not None:
            conditions.append("source_file = ?")
            params.append(source_file)
        where = f"WHERE {' AND '.join(conditions)}" if conditions else ""

        # Fetch in pages so that a ledger of a million rows never sits in memory at once,
        # and the lock is free between pages for a delivery running in another thread.
        last_id = 0
        while True:
            page_where = f"{where} AND id > ?" if where else "WHERE id > ?"
            with self._read_lock:
                rows = self._reader.execute(
                    f"SELECT {_COLUMNS} FROM deliveries {page_where} ORDER BY id LIMIT 1000",
                    (*params, last_id),
                ).fetchall()
            if not rows:
                return
            for row in rows:
                yield _entry(row)
            last_id = rows[-1]["id"]

    def settle(self, entry_id: int, *, created: bool, case_id: str | None) -> LedgerEntry:
        """Record what the operator found in TAS for a doubtful row and return the new entry.

        ``created`` with its ``case_id``: the next run skips the row. Not ``created``: the
        next run sends it again. Raises :class:`UsageError` for an unknown id, for a row
        whose outcome is not in doubt, or for ``created`` without a case id.
        """
        entry = self.get(entry_id)
        if entry is None:
            raise UsageError(
                _("The ledger has no entry {entry_id}.", entry_id=entry_id),
                hint=_("List the entries with: tas-import ledger list"),
            )
        if entry.state not in SETTLEABLE_STATES:
            raise UsageError(
                _(
                    "Ledger entry {entry_id} is '{state}', so its outcome is not in doubt.",
                    entry_id=entry_id,
                    state=entry.state,
                ),
                hint=_(
                    "Only entries in state 'unknown', 'sending' or 'not created' can be settled."
                ),
            )
        if created and not case_id:
            raise UsageError(
                _("Settling entry {entry_id} as created needs its case id.", entry_id=entry_id),
                hint=_("Pass the id of the case you found in TAS with --case-id."),
            )

        now = _now()
        state = LedgerState.CREATED if created else LedgerState.NOT_CREATED
        message = (
            _("settled by the operator as created")
            if created
            else _("settled by the operator as not created")
        )
        self._update(
            entry.identity,
            state=state,
            case_id=case_id if created else None,
            message=message,
            http_status=None,
            attempts=entry.attempts,
            created_at=now if created else None,
        )
        logger.info("settled ledger entry %s as %s (case %s)", entry_id, state, case_id)

        settled = self.get(entry_id)
        assert settled is not None
        return settled

    def _update(
        self,
        identity: RowIdentity,
        *,
        state: LedgerState,
        case_id: str | None,
        message: str,
        http_status: int | None,
        attempts: int,
        created_at: str | None,
    ) -> None:
        with self._write_lock:
            cursor = self._writer.execute(
                "UPDATE deliveries SET state = ?, case_id = ?, message = ?, http_status = ?, "
                "attempts = ?, created_at = ?, updated_at = ? "
                "WHERE base_url = ? AND template = ? AND row_key = ?",
                (
                    state.value,
                    case_id,
                    message,
                    http_status,
                    attempts,
                    created_at,
                    _now(),
                    identity.base_url,
                    identity.template,
                    identity.row_key,
                ),
            )
        if cursor.rowcount != 1:
            raise KeyError(f"the ledger has no entry for {identity}")


def _connect(path: Path) -> sqlite3.Connection:
    # isolation_level=None: every statement commits on its own.
    # check_same_thread=False: the locks of Ledger serialise each connection.
    connection = sqlite3.connect(path, isolation_level=None, check_same_thread=False, timeout=30.0)
    connection.row_factory = sqlite3.Row
    return connection


def _prepare(connection: sqlite3.Connection, path: Path) -> None:
    """Switch on WAL, create the schema, and reject a newer schema."""
    connection.execute("PRAGMA journal_mode = WAL")
    connection.execute("PRAGMA synchronous = NORMAL")

    version = connection.execute("PRAGMA user_version").fetchone()[0]
    if version > SCHEMA_VERSION:
        raise sqlite3.DatabaseError(
            f"{path} has ledger schema {version}, this tas-import reads up to {SCHEMA_VERSION}"
        )

    connection.executescript(_SCHEMA)
    connection.execute(f"PRAGMA user_version = {SCHEMA_VERSION}")


def _entry(row: Any) -> LedgerEntry:
    return LedgerEntry(
        entry_id=row["id"],
        identity=RowIdentity(row["base_url"], row["template"], row["row_key"]),
        state=LedgerState(row["state"]),
        case_id=row["case_id"],
        message=row["message"],
        http_status=row["http_status"],
        attempts=row["attempts"],
        sends=row["sends"],
        source_file=row["source_file"],
        row_number=row["row_number"],
        run_id=row["run_id"],
        first_sent_at=row["first_sent_at"],
        updated_at=row["updated_at"],
        created_at=row["created_at"],
    )
