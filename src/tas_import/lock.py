"""The run lock: one tas-import run per ledger at a time.

The lock is an OS file lock (``flock`` on POSIX, ``msvcrt.locking`` on Windows, through
the ``filelock`` package) on ``<ledger>.lock``. The OS drops it when the holding process
dies, even by ``kill -9``, so a stale lock never blocks the next scheduled run. The
holder writes its PID and start time to ``<ledger>.lock.json`` so that a rejected run
can name it.
"""

from __future__ import annotations

import json
import logging
import os
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime, timezone
from pathlib import Path

from filelock import FileLock, Timeout

from tas_import.errors import LockHeldError, UsageError
from tas_import.i18n import _

logger = logging.getLogger(__name__)


def lock_path(ledger_path: Path) -> Path:
    return ledger_path.with_name(ledger_path.name + ".lock")


def holder_info_path(ledger_path: Path) -> Path:
    return ledger_path.with_name(ledger_path.name + ".lock.json")


@contextmanager
def run_lock(ledger_path: Path) -> Iterator[None]:
    """Hold the run lock of ``ledger_path`` for the duration of the block.

    Raises :class:`LockHeldError` (exit 4) at once, without waiting, when another
    process has the lock.
    """
    try:
        ledger_path.parent.mkdir(parents=True, exist_ok=True)
    except OSError as error:
        raise UsageError(
            _("Cannot create the folder of the ledger {path}: {error}", path=ledger_path,
              error=error),
            hint=_("Choose a writable ledger file with --state PATH."),
        ) from error

    # fallback_to_soft=False: a soft lock is a marker file that outlives a killed process,
    # which is exactly the stale lock this module must never leave behind.
    file_lock = FileLock(lock_path(ledger_path), timeout=0, fallback_to_soft=False)
    try:
        file_lock.acquire()
    except Timeout:
        raise _held_error(ledger_path) from None

    try:
        _write_holder_info(ledger_path)
        yield
    finally:
        holder_info_path(ledger_path).unlink(missing_ok=True)
        file_lock.release()
        logger.debug("released the run lock of %s", ledger_path)


def _write_holder_info(ledger_path: Path) -> None:
    info_path = holder_info_path(ledger_path)
    if info_path.exists():
        # Only a process that died while holding the lock leaves the file behind.
        logger.warning(
            "took over the run lock of %s from a run that ended without releasing it: %s",
            ledger_path,
            info_path.read_text(encoding="utf-8", errors="replace").strip(),
        )

    info = {
        "pid": os.getpid(),
        "started_at": datetime.now(timezone.utc).astimezone().isoformat(timespec="seconds"),
    }
    temporary = info_path.with_name(info_path.name + ".tmp")
    temporary.write_text(json.dumps(info), encoding="utf-8")
    os.replace(temporary, info_path)
    logger.debug("acquired the run lock of %s as PID %s", ledger_path, info["pid"])


def _held_error(ledger_path: Path) -> LockHeldError:
    pid, started_at = "?", "?"
    try:
        info = json.loads(holder_info_path(ledger_path).read_text(encoding="utf-8"))
        pid, started_at = str(info["pid"]), str(info["started_at"])
    except (OSError, ValueError, KeyError, TypeError):
        # The holder has the lock but has not written its info yet (or it is unreadable).
        logger.debug("could not read the run lock holder of %s", ledger_path)

    return LockHeldError(
        _(
            "Another tas-import run (PID {pid}, started {started_at}) is using the ledger "
            "{path}.",
            pid=pid,
            started_at=started_at,
            path=ledger_path,
        ),
        hint=_(
            "Wait until that run ends. If it was killed, rerun: the lock is released "
            "when its process ends."
        ),
    )
