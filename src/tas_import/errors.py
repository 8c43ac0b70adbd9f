"""The exception tree of tas-import.

Every error a user can cause or fix derives from :class:`TasImportError`. Its ``str()``
is a translated, one-line message that names what failed and where, and ``hint`` gives
the next step. The CLI prints both and exits with ``exit_code`` instead of a traceback.

    TasImportError
    ├── UsageError          exit 2: a wrong option, a missing URL or token
    ├── MappingError        exit 2: the mapping file is invalid
    ├── TemplateError       exit 2: the templates file is invalid, or the mapping does not fit it
    ├── InputFileError      exit 2: the spreadsheet cannot be read
    ├── LockHeldError       exit 4: another run holds the ledger
    └── DeliveryError       raised by the TAS client, never shown as a traceback
        └── AuthError       401 or 403: the token is missing, expired or lacks rights
"""

from __future__ import annotations

from pathlib import Path


class ExitCode:
    """Process exit codes, a contract that schedulers rely on."""

    OK = 0
    ROWS_FAILED = 1
    INPUT_ERROR = 2
    INCOMPLETE = 3
    LOCKED = 4


class TasImportError(Exception):
    """Base class: a translated message, an optional hint and the exit code."""

    exit_code = ExitCode.INPUT_ERROR

    def __init__(self, message: str, *, hint: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.hint = hint


class UsageError(TasImportError):
    """A command-line option or environment variable is wrong or missing."""


class MappingError(TasImportError):
    """The mapping file is invalid; ``line`` is 1-based when known."""

    def __init__(
        self,
        message: str,
        *,
        path: Path | None = None,
        line: int | None = None,
        key: str | None = None,
        hint: str | None = None,
    ) -> None:
        super().__init__(message, hint=hint)
        self.path = path
        self.line = line
        self.key = key


class TemplateError(TasImportError):
    """The templates file is invalid, or the mapping does not fit the template."""


class InputFileError(TasImportError):
    """The input file cannot be read as a table of rows."""

    def __init__(
        self,
        message: str,
        *,
        path: Path | None = None,
        row: int | None = None,
        column: str | None = None,
        hint: str | None = None,
    ) -> None:
        super().__init__(message, hint=hint)
        self.path = path
        self.row = row
        self.column = column


class LockHeldError(TasImportError):
    """Another run holds the lock on the same ledger."""

    exit_code = ExitCode.LOCKED


class DeliveryError(TasImportError):
    """The TAS client could not deliver a request; callers turn it into a row outcome."""

    exit_code = ExitCode.INCOMPLETE


class AuthError(DeliveryError):
    """TAS responded 401 or 403: the token is missing, expired or lacks rights."""

    def __init__(self, message: str, *, status_code: int, hint: str | None = None) -> None:
        super().__init__(message, hint=hint)
        self.status_code = status_code
