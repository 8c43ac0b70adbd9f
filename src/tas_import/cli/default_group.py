"""A click group whose first argument may be a file instead of a command name."""

from __future__ import annotations

import click


class DefaultCommandGroup(click.Group):
    """Route ``tas-import FILE ...`` to the default command, keep ``tas-import init ...``.

    A first argument that names no command (and is no option) is taken as the default
    command's first argument. A file literally named like a command is reached with the
    explicit form ``tas-import import FILE``.
    """

    def __init__(self, *args: object, default_command: str, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.default_command = default_command

    def parse_args(self, ctx: click.Context, args: list[str]) -> list[str]:
        if args and args[0] not in self.commands and not self._is_group_option(args[0]):
            args = [self.default_command, *args]
        return super().parse_args(ctx, args)

    def _is_group_option(self, arg: str) -> bool:
        return arg in ("--help", "-h", "--version")
