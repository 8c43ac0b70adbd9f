"""Where a real run sends its requests: the TAS base URL and the bearer token.

The token comes only from the environment (``TAS_TOKEN``) or from a file named by
``TAS_TOKEN_FILE``: a token given as a command-line option would leak into shell history
and process lists.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from contextlib import suppress
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

from tas_import.errors import UsageError
from tas_import.i18n import _


@dataclass(frozen=True)
class Connection:
    """A TAS base URL and its token; ``ledger_url`` is the URL recorded in the ledger."""

    base_url: str
    token: str = field(repr=False)
    ledger_url: str

    def __repr__(self) -> str:
        return f"Connection(base_url={self.base_url!r})"


def normalise_url(url: str) -> str:
    url = url.strip().rstrip("/")
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise UsageError(
            _("Invalid TAS URL '{url}': expected http(s)://host[:port][/path].", url=url),
            hint=_("Example: --url https://tas.example.cz"),
        )
    return url


def read_token(environ: Mapping[str, str]) -> str:
    token = environ.get("TAS_TOKEN", "").strip()
    if token:
        return token

    token_file = environ.get("TAS_TOKEN_FILE", "").strip()
    if not token_file:
        raise UsageError(
            _("No TAS token: set TAS_TOKEN, or TAS_TOKEN_FILE to a file that contains it."),
            hint=_("Use --dry-run to check the file without a server, or --sandbox to try it."),
        )
    try:
        token = Path(token_file).read_text(encoding="utf-8").strip()
    except OSError as error:
        raise UsageError(
            _(
                "Cannot read the token file '{path}' named by TAS_TOKEN_FILE: {reason}",
                path=token_file,
                reason=error.strerror or str(error),
            )
        ) from None
    if not token:
        raise UsageError(_("The token file '{path}' is empty.", path=token_file))
    return token


def resolve_connection(url: str | None, environ: Mapping[str, str] | None = None) -> Connection:
    """Build the connection from ``--url`` (or ``TAS_URL``) and the token variables."""
    environ = os.environ if environ is None else environ
    raw_url = url or environ.get("TAS_URL", "")
    if not raw_url.strip():
        raise UsageError(
            _("No TAS URL: use --url or set TAS_URL."),
            hint=_("Use --dry-run to check the file without a server, or --sandbox to try it."),
        )
    base_url = normalise_url(raw_url)
    return Connection(base_url=base_url, token=read_token(environ), ledger_url=base_url)


def known_secrets(environ: Mapping[str, str]) -> list[str]:
    """Return the tokens the environment gives, to be removed from any output."""
    found = [environ.get("TAS_TOKEN", "").strip()]
    token_file = environ.get("TAS_TOKEN_FILE", "").strip()
    if token_file:
        with suppress(OSError):
            found.append(Path(token_file).read_text(encoding="utf-8").strip())
    return [secret for secret in found if secret]
