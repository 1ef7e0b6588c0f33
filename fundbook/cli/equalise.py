"""`fundbook equalise`: the ledger rows that equalise a later closing of a fund."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import click

from fundbook.cli.options import DATE, db_option
from fundbook.store.db import open_book, resolve_db_path, scalar, sql


@click.command("equalise")
@click.option("--fund", "fund_id", required=True, help="The fund holding the later closing.")
@click.option(
    "--closing", "closing", type=DATE, required=True, help="The date of the later closing."
)
@click.option(
    "--out",
    "out",
    type=click.Path(dir_okay=False, path_type=Path),
    default=None,
    help="Append the rows to this file (e.g. the ledger's transactions.csv); default stdout.",
)
@click.option(
    "--ledger",
    "ledger",
    type=click.Path(file_okay=False),
    default=None,
    help="Ledger directory to read (default: the one the book was kept from).",
)
@db_option
def equalise_cmd(
    fund_id: str, closing: dt.date, out: Path | None, ledger: str | None, db: str | None
) -> None:
    """Catch-up contributions and interest from the partners admitted at CLOSING, recallable
    distributions and interest to the earlier ones (docs/methods.md), as transactions.csv
    rows: append them to the ledger and import (or close) again."""
    from fundbook.close.equalise import equalise, write_rows

    if ledger is None:
        with open_book(resolve_db_path(db), read_only=True) as con:
            ledger = scalar(con, sql("close_book_ledger_dir"))
        if ledger is None:
            raise click.UsageError("the book names no ledger directory: pass --ledger DIR")
    rows = equalise(ledger, fund_id, closing)
    text = write_rows(rows, out, ledger)
    if out is None:
        click.echo(text, nl=False)
    else:
        click.echo(f"{rows.height} equalisation row(s) appended to {out}", err=True)


COMMANDS = [equalise_cmd]
