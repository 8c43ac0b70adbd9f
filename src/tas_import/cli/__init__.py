"""The ``tas-import`` command line.

The commands are built by :func:`create_cli` after the language is chosen, because click
evaluates help texts when a command is defined and every help text is translated.
"""

from __future__ import annotations

import os
import sys
import traceback
from collections.abc import Sequence

import click

from tas_import import __version__
from tas_import.cli.click_i18n import localize_click
from tas_import.cli.connection import known_secrets
from tas_import.errors import ExitCode
from tas_import.i18n import _, language_from_argv, set_language


def create_cli() -> click.Group:
    """Build the ``tas-import`` group with its commands in the current language."""
    from tas_import.cli.default_group import DefaultCommandGroup
    from tas_import.cli.import_command import create_import_command, exit_codes_help
    from tas_import.cli.init_command import create_init_command
    from tas_import.cli.ledger_command import create_ledger_group
    from tas_import.cli.schema_command import create_schema_command

    group = DefaultCommandGroup(
        name="tas-import",
        default_command="import",
        help=_(
            "Create TAS cases from the rows of CSV and Excel files.\n\n"
            "Usage: tas-import FILE --mapping MAPPING [options]; "
            "see 'tas-import import --help' for every option."
        ),
        epilog=exit_codes_help(),
        context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100},
    )
    group.add_command(create_import_command(), "import")
    group.add_command(create_init_command(), "init")
    group.add_command(create_ledger_group(), "ledger")
    group.add_command(create_schema_command(), "schema")
    click.version_option(__version__, "--version", prog_name="tas-import")(group)
    # The language is applied by main() before the commands are built; the option exists
    # so that click accepts it in front of a command as well as after it.
    click.option(
        "--lang",
        type=click.Choice(["en", "cs"]),
        expose_value=False,
        help=_("Language of messages (or TAS_IMPORT_LANG)."),
    )(group)
    return group


def main(argv: Sequence[str] | None = None) -> None:
    """Run ``tas-import`` in the chosen language.

    Known errors are printed as messages by the commands. An unexpected exception is
    printed as a traceback with every known token replaced by ``***``.
    """
    args = list(sys.argv[1:] if argv is None else argv)
    set_language(language_from_argv(args))
    localize_click()

    try:
        create_cli().main(args=args, prog_name="tas-import", standalone_mode=True)
    except SystemExit:
        raise
    except Exception:  # the last resort: print it with the tokens removed
        text = traceback.format_exc()
        for secret in known_secrets(os.environ):
            text = text.replace(secret, "***")
        sys.stderr.write(text)
        message = _(
            "Internal error in tas-import {version}. Please report it with the text above.",
            version=__version__,
        )
        sys.stderr.write(message + "\n")
        # The run stopped before every row was attempted: the scheduler must look at it.
        sys.exit(ExitCode.INCOMPLETE)
