"""Row keys: what makes two rows "the same row" for the ledger, and duplicates within a file.

A row's key is the coerced values of the mapping's ``key`` columns (computed by coercion
into ``CoercedRow.key``). A mapping without ``key`` identifies a row by a hash of its whole
payload, so the same row in a later file is recognised but any changed value makes a new
row.
"""

from __future__ import annotations

import hashlib
import sqlite3
from collections.abc import Mapping

import simplejson

from tas_import.i18n import _
from tas_import.rows import CoercedRow, PayloadValue, RowResult, Status

PAYLOAD_HASH_PREFIX = "sha256:"


def payload_hash(data: Mapping[str, PayloadValue]) -> str:
    """Return ``sha256:<hex>`` of the payload, independent of the variables' order.

    Decimals are written exactly as they are sent, so ``1.50`` and ``1.5`` differ, just
    as the two requests would.
    """
    text = simplejson.dumps(
        dict(data), use_decimal=True, sort_keys=True, ensure_ascii=False, separators=(",", ":")
    )
    return PAYLOAD_HASH_PREFIX + hashlib.sha256(text.encode("utf-8")).hexdigest()


def row_key(row: CoercedRow) -> str | None:
    """Return the row's ledger key, or None for an invalid row without a key."""
    if row.key is not None:
        return row.key
    if row.data is None:
        return None
    return payload_hash(row.data)


# Keys kept in a dict before the rest go to a temporary SQLite file: about 15 MB of memory
# for short keys, and files of up to this many rows never touch the disk.
MEMORY_KEYS = 100_000


class DuplicateKeys:
    """Rejects the second row of one file whose key an earlier row already has.

    Use one instance per file. The first ``memory_keys`` distinct keys are kept in a dict;
    later ones in a private temporary SQLite database on disk, which SQLite deletes when
    the connection closes. So memory stays bounded however long the file is, at the cost
    of a few microseconds per row beyond ``memory_keys``.
    """

    def __init__(self, memory_keys: int = MEMORY_KEYS) -> None:
        self._first_rows: dict[str, int] = {}
        self._memory_keys = memory_keys
        self._spill: sqlite3.Connection | None = None

    def close(self) -> None:
        """Delete the temporary database, if one was needed."""
        if self._spill is not None:
            self._spill.close()
            self._spill = None

    def __del__(self) -> None:
        self.close()

    def check(self, row: CoercedRow) -> RowResult | None:
        """Return an ``invalid`` result for a valid row whose key came before, else None.

        Invalid rows are never rejected here (they already have their reason), but their
        keys are remembered, so a later valid row with the same key still points to them.
        """
        key = row_key(row)
        if key is None:
            return None

        first_row = self._remember(key, row.number)
        if first_row == row.number or not row.is_valid:
            return None
        return duplicate_result(row.number, key, first_row)

    def _remember(self, key: str, number: int) -> int:
        """Store ``key`` with its row unless it is known; return the key's first row."""
        first_row = self._first_rows.get(key)
        if first_row is not None:
            return first_row
        if self._spill is None:
            if len(self._first_rows) < self._memory_keys:
                self._first_rows[key] = number
                return number
            self._spill = _open_spill()

        inserted = self._spill.execute(
            "INSERT OR IGNORE INTO keys (key, row) VALUES (?, ?)", (key, number)
        ).rowcount
        if inserted:
            return number
        stored = self._spill.execute("SELECT row FROM keys WHERE key = ?", (key,)).fetchone()
        return int(stored[0])


def _open_spill() -> sqlite3.Connection:
    # An empty file name makes SQLite create a private temporary database on disk; it is
    # never shared, so it needs no journal and no fsync.
    connection = sqlite3.connect("", isolation_level=None)
    connection.execute("PRAGMA journal_mode = OFF")
    connection.execute("PRAGMA synchronous = OFF")
    connection.execute("CREATE TABLE keys (key TEXT PRIMARY KEY, row INTEGER) WITHOUT ROWID")
    connection.execute("BEGIN")  # one transaction for the whole file: nothing to commit
    return connection


def describe_key(key: str) -> str | None:
    """Return the key's values as the user typed them, or None for a payload hash."""
    if key.startswith(PAYLOAD_HASH_PREFIX):
        return None
    try:
        values = simplejson.loads(key, use_decimal=True)
    except simplejson.JSONDecodeError:
        return key
    if not isinstance(values, list):
        return key
    return ", ".join("" if value is None else str(value) for value in values)


def duplicate_result(number: int, key: str, first_row: int) -> RowResult:
    """Return the ``invalid`` result of a row whose key an earlier row already has."""
    values = describe_key(key)
    if values is None:
        message = _("same values in every column as row {row}", row=first_row)
    else:
        message = _("same key as row {row} ({key})", row=first_row, key=values)
    return RowResult(number, Status.INVALID, message)
