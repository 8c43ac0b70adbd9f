"""``tas-import schema``: print the JSON Schema of the mapping language."""

from __future__ import annotations

import click

from tas_import.i18n import _
from tas_import.mapping import render_mapping_schema


def create_schema_command() -> click.Command:
    @click.command(
        name="schema",
        help=_(
            "Print the JSON Schema of the mapping file. Save it beside your mappings, for "
            "example with 'tas-import schema > schema.json', and editors that read the "
            "yaml-language-server line check and complete the mapping as you type."
        ),
    )
    def schema_command() -> None:
        click.echo(render_mapping_schema(), nl=False)

    return schema_command
