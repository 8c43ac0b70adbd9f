"""Logging for a run: verbosity, the run id on every line, and secret redaction.

The token must never reach a log line, so every handler gets a filter that replaces the
known secrets with ``***`` even if some library formats one into a message.
"""

from __future__ import annotations

import logging
import sys
from collections.abc import Iterable
from pathlib import Path

LOG_FORMAT = "%(asctime)s %(run_id)s %(levelname)s %(name)s: %(message)s"
REDACTED = "***"


class RunContextFilter(logging.Filter):
    """Stamp each record with the run id and redact the secrets from its text."""

    def __init__(self, run_id: str, secrets: Iterable[str] = ()) -> None:
        super().__init__()
        self.run_id = run_id
        self.secrets = [secret for secret in secrets if secret]

    def add_secret(self, secret: str) -> None:
        if secret:
            self.secrets.append(secret)

    def filter(self, record: logging.LogRecord) -> bool:
        record.run_id = self.run_id
        if self.secrets:
            text = record.getMessage()
            for secret in self.secrets:
                text = text.replace(secret, REDACTED)
            record.msg = text
            record.args = None
        return True


def configure_logging(
    *, verbosity: int, quiet: bool, run_id: str, log_file: Path | None
) -> RunContextFilter:
    """Send log records to stderr (by verbosity) and to ``log_file`` (everything from INFO).

    ``-q`` and the default show errors only, ``-v`` info (one line per request),
    ``-vv`` debug. httpx and httpcore log every request at INFO; they stay at WARNING unless
    ``-vv`` requests debug output.
    """
    context = RunContextFilter(run_id)
    root = logging.getLogger()
    for handler in list(root.handlers):
        root.removeHandler(handler)

    # Without -v the console shows only errors: what a user must know (a stop, a switch to
    # CSV results) is printed by the command itself, translated.
    console_level = logging.ERROR if quiet else {0: logging.ERROR, 1: logging.INFO}.get(
        verbosity, logging.DEBUG
    )
    console = logging.StreamHandler(sys.stderr)
    console.setLevel(console_level)
    console.setFormatter(logging.Formatter("%(levelname)s %(name)s: %(message)s"))
    console.addFilter(context)
    root.addHandler(console)
    root_level = console_level

    if log_file is not None:
        log_file.parent.mkdir(parents=True, exist_ok=True)
        file_handler = logging.FileHandler(log_file, encoding="utf-8")
        file_level = min(logging.INFO, console_level)
        file_handler.setLevel(file_level)
        file_handler.setFormatter(logging.Formatter(LOG_FORMAT))
        file_handler.addFilter(context)
        root.addHandler(file_handler)
        root_level = min(root_level, file_level)

    root.setLevel(root_level)
    library_level = logging.DEBUG if verbosity >= 3 else logging.WARNING
    for name in ("httpx", "httpcore", "uvicorn", "uvicorn.error", "uvicorn.access"):
        logging.getLogger(name).setLevel(library_level)
    return context
