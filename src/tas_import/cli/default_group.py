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
        position = self._first_command_position(args)
        if position < len(args):
            first = args[position]
            if first not in self.commands and first not in ("--help", "-h", "--version"):
                args = [*args[:position], self.default_command, *args[position:]]
        return super().parse_args(ctx, args)

    @staticmethod
    def _first_command_position(args: list[str]) -> int:
        """Skip the group's own ``--lang VALUE`` so ``tas-import --lang cs ledger`` works."""
        position = 0
        while position < len(args):
            if args[position] == "--lang":
                position += 2
            elif args[position].startswith("--lang="):
                position += 1
            else:
                break
        return position
