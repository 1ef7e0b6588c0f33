"""The `fundbook` command: a click group; each area registers its commands from its own module."""

from __future__ import annotations

import importlib
from typing import Any

import click

from fundbook import __version__
from fundbook.core.errors import FundbookError, LedgerErrors

# Each command's module, imported only when the command runs (a fast `--help` and start-up),
# and its one-line help for the command list.
LAZY_COMMANDS = {
    "init": ("book", "Create an empty book (the DuckDB file with its schema)."),
    "import": ("book", "Validate a ledger directory and append its new rows."),
    "trial-balance": ("book", "The general ledger: debits and credits per fund and account."),
    "balance-sheet": ("book", "Assets, liabilities, net assets and partners' capital per fund."),
    "metrics": ("figures", "Leverage, IRR, multiples and exposure as of a date."),
    "compliance": (
        "figures",
        "ITIF rules per sub-fund and programme, failures first; --history: breaches by quarter.",
    ),
    "forecast": (
        "forecast",
        "Expected calls, distributions and NAV by year with bands (Takahashi-Alexander).",
    ),
    "equalise": ("equalise", "Ledger rows equalising the partners of a later closing."),
    "fees": ("fees", "Management fees computed from the terms against the booked ones."),
    "statement": (
        "statement",
        "A partner's ILPA capital account statement for a quarter (QTD, YTD, ITD).",
    ),
    "waterfall": ("waterfall", "Carried interest per partner and tier of a fund at a date."),
    "reconcile": ("reconcile", "Sub-funds' GP statements against the book's own figures."),
    "explain": ("metrics", "The ledger rows and values behind any figure, from its close."),
    "close": ("close", "Close a month: import, validate, compute, snapshot, lock."),
    "reopen": ("close", "Reopen the latest closed period, with a recorded reason."),
    "audit": ("close", "Verify, reproduce or export a close for the auditor."),
    "history": ("close", "Closes, reopenings and imports of the book."),
    "report": ("report", "Quarterly LP reports and the board report (HTML, PDF, XLSX)."),
    "notices": ("notices", "Capital call and distribution notices, one per partner per call."),
    "synth": ("synth", "Write a synthetic book of about N transactions."),
    "demo": ("book", "Build the demo book and run the month-end job end to end."),
    "serve": ("web", "The read-only web dashboard of the book (every page needs a token)."),
    "token": ("web", "Access tokens of the dashboard: issue, revoke, list."),
}


class FundbookGroup(click.Group):
    """Maps domain exceptions to clean messages and exit codes (never a traceback).

    Commands are loaded lazily from `LAZY_COMMANDS`, so `fundbook --help` and a command's
    start-up import only what that command needs.
    """

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted({*LAZY_COMMANDS, *self.commands})

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        if cmd_name not in self.commands and cmd_name in LAZY_COMMANDS:
            module = importlib.import_module(f"fundbook.cli.{LAZY_COMMANDS[cmd_name][0]}")
            for command in module.COMMANDS:
                self.add_command(command)
        return self.commands.get(cmd_name)

    def format_commands(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        rows = [(name, LAZY_COMMANDS[name][1]) for name in sorted(LAZY_COMMANDS)]
        with formatter.section("Commands"):
            formatter.write_dl(rows)

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
        except OSError as exc:  # a file or folder the command writes (the book maps its own)
            where = f"{exc.filename}: " if exc.filename else ""
            click.echo(
                f"Error: cannot write {where}{exc.strerror or exc} (fix the cause and run the "
                "command again)",
                err=True,
            )
            ctx.exit(1)


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
