"""The sandbox's SQLite case store: one row per created case, one transaction per case.

``data`` keeps the JSON object exactly as received: numbers are parsed as ``Decimal`` and
written back unchanged, so ``1234.50`` stays ``1234.50``. The store also records every
injected fault, so tests can tell which requests were dropped before or after the commit.
"""

from __future__ import annotations

import sqlite3
import threading
from collections.abc import Mapping
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

import simplejson

SCHEMA = """
CREATE TABLE IF NOT EXISTS cases (
    case_id INTEGER PRIMARY KEY AUTOINCREMENT,
    process_id INTEGER NOT NULL,
    data TEXT NOT NULL,
    created_at TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS fault_events (
    event_id INTEGER PRIMARY KEY AUTOINCREMENT,
    fault TEXT NOT NULL,
    case_id INTEGER,
    process_id INTEGER,
    data TEXT,
    created_at TEXT NOT NULL
);
"""


def encode_data(data: Mapping[str, Any]) -> str:
    """Return the case data as JSON text; Decimal numbers keep their exact digits."""
    return simplejson.dumps(data, use_decimal=True, ensure_ascii=False, separators=(",", ":"))


def decode_data(text: str) -> Any:
    """Parse stored JSON; integers become int, other numbers Decimal."""
    return simplejson.loads(text, use_decimal=True)


class CaseStore:
    """Cases and fault events in one SQLite file (WAL mode, safe across processes)."""

    def __init__(self, db_path: Path) -> None:
        self.db_path = db_path
        db_path.parent.mkdir(parents=True, exist_ok=True)
        # The server thread writes and the test or CLI thread reads: one lock serialises
        # use of the shared connection.
        self._lock = threading.Lock()
        self._connection = sqlite3.connect(db_path, check_same_thread=False, timeout=30.0)
        self._connection.execute("PRAGMA journal_mode=WAL")
        # NORMAL in WAL mode keeps every committed case when a process is killed; only a
        # power loss could lose the latest ones, which does not matter for a sandbox.
        self._connection.execute("PRAGMA synchronous=NORMAL")
        self._connection.executescript(SCHEMA)

    def close(self) -> None:
        with self._lock:
            self._connection.close()

    def create_case(self, process_id: int, data: Mapping[str, Any]) -> int:
        """Store one case in its own transaction and return its id."""
        with self._lock, self._connection:
            cursor = self._connection.execute(
                "INSERT INTO cases (process_id, data, created_at) VALUES (?, ?, ?)",
                (process_id, encode_data(data), _now()),
            )
        case_id = cursor.lastrowid
        assert case_id is not None
        return case_id

    def record_fault(
        self,
        fault: str,
        *,
        case_id: int | None = None,
        process_id: int | None = None,
        data: Mapping[str, Any] | None = None,
    ) -> None:
        """Remember an injected fault together with the request it hit."""
        data_text = None if data is None else encode_data(data)
        with self._lock, self._connection:
            self._connection.execute(
                "INSERT INTO fault_events (fault, case_id, process_id, data, created_at) "
                "VALUES (?, ?, ?, ?, ?)",
                (fault, case_id, process_id, data_text, _now()),
            )

    def list_cases(self) -> list[dict[str, Any]]:
        """Return every case as ``{"case_id", "process_id", "data", "created_at"}``."""
        with self._lock:
            rows = self._connection.execute(
                "SELECT case_id, process_id, data, created_at FROM cases ORDER BY case_id"
            ).fetchall()
        return [
            {
                "case_id": case_id,
                "process_id": process_id,
                "data": decode_data(data),
                "created_at": created_at,
            }
            for case_id, process_id, data, created_at in rows
        ]

    def list_faults(self) -> list[dict[str, Any]]:
        """Return every injected fault as ``{"fault", "case_id", "process_id", "data", ...}``."""
        with self._lock:
            rows = self._connection.execute(
                "SELECT fault, case_id, process_id, data, created_at FROM fault_events "
                "ORDER BY event_id"
            ).fetchall()
        return [
            {
                "fault": fault,
                "case_id": case_id,
                "process_id": process_id,
                "data": None if data is None else decode_data(data),
                "created_at": created_at,
            }
            for fault, case_id, process_id, data, created_at in rows
        ]


def _now() -> str:
    return datetime.now(timezone.utc).isoformat(timespec="milliseconds")
