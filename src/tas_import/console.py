"""Error output shared by the ``tas-import`` and ``tas-sandbox`` command lines."""

from __future__ import annotations

import sys
from collections.abc import Iterator
from contextlib import contextmanager
from typing import NoReturn

import click

from tas_import.errors import TasImportError
from tas_import.i18n import _


def echo_error(error: TasImportError) -> None:
    """Print the error's message and hint on stderr, translated, without a traceback."""
    click.echo(_("Error: {message}", message=error.message), err=True)
    if error.hint:
        click.echo(_("Hint: {hint}", hint=error.hint), err=True)


def exit_with(error: TasImportError) -> NoReturn:
    """Print the error and end the process with its exit code."""
    echo_error(error)
    sys.exit(error.exit_code)


@contextmanager
def exit_on_error() -> Iterator[None]:
    """Turn a TasImportError raised in the block into its message and exit code."""
    try:
        yield
    except TasImportError as error:
        exit_with(error)
