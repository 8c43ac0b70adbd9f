"""``tas-import init FILE``: print a mapping scaffold for a spreadsheet."""

from __future__ import annotations

from pathlib import Path

import click

from tas_import.cli.import_command import parse_sheet, reading_options
from tas_import.console import exit_on_error
from tas_import.errors import TemplateError
from tas_import.i18n import _
from tas_import.reading import ReadOptions, open_source
from tas_import.scaffold import render_scaffold
from tas_import.templates import Template, load_templates


def pick_template(path: Path | None, template_id: int | None) -> Template | None:
    if path is None:
        return None
    templates = load_templates(path)
    if template_id is not None:
        if template_id not in templates:
            raise TemplateError(
                _("Template {template} is not in '{path}'.", template=template_id, path=path)
            )
        return templates[template_id]
    if len(templates) == 1:
        return next(iter(templates.values()))
    raise TemplateError(
        _("'{path}' has several templates: choose one with --template.", path=path)
    )


def create_init_command() -> click.Command:
    @click.command(
        name="init",
        help=_(
            "Print a mapping scaffold for FILE: one variable per column, with sample values "
            "and the type they look like as comments. Save it, then edit it."
        ),
    )
    @click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
    @reading_options
    @click.option("--template-file", type=click.Path(exists=True, path_type=Path),
                  help=_("Templates file: name the template's variables in the scaffold."))
    @click.option("--template", "template_id", type=int,
                  help=_("Template id in --template-file, when it has several."))
    @click.option("--lang", type=click.Choice(["en", "cs"]),
                  help=_("Language of messages (or TAS_IMPORT_LANG)."))
    def init_command(
        file: Path,
        sheet: str | None,
        header_row: int | None,
        encoding: str | None,
        delimiter: str | None,
        template_file: Path | None,
        template_id: int | None,
        lang: str | None,
    ) -> None:
        options = ReadOptions(
            sheet=parse_sheet(sheet), header_row=header_row, encoding=encoding, delimiter=delimiter
        )
        with exit_on_error():
            template = pick_template(template_file, template_id)
            with open_source(file, options) as source:
                click.echo(render_scaffold(source, template=template), nl=False)

    return init_command
