"""The `fundbook` command: a click group; each area registers its commands from its own module."""

from __future__ import annotations

from typing import Any

import click

from fundbook import __version__
from fundbook.core.errors import FundbookError, LedgerErrors


class FundbookGroup(click.Group):
    """Maps domain exceptions to clean messages and exit codes (never a traceback)."""

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except LedgerErrors as exc:
            for err in exc.errors:
                click.echo(str(err), err=True)
            n = len(exc.errors)
            click.echo(f"{n} problem{'s' if n != 1 else ''} found; nothing was written.", err=True)
            ctx.exit(exc.exit_code)
        except FundbookError as exc:
            click.echo(f"Error: {exc}", err=True)
            ctx.exit(exc.exit_code)


@click.group(cls=FundbookGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="fundbook")
def cli() -> None:
    """fundbook: portfolio accounting for public guidance funds.

    A book is a DuckDB file (--db PATH, else $FUNDBOOK_DB, else ./fundbook.duckdb)
    loaded from ledger CSV files (see docs/ledger-format.md).
    """


def main() -> None:
    """Console-script entry point."""
    cli(prog_name="fundbook")


def _register() -> None:
    from fundbook.cli import book, close, metrics, report, synth

    for module in (book, synth, close, metrics, report):
        for command in module.COMMANDS:
            cli.add_command(command)


_register()
