"""`fundbook reconcile`: the sub-funds' GP statements against the book's own figures."""

from __future__ import annotations

import datetime as dt

import click

from fundbook.cli.options import DATE, db_option
from fundbook.cli.output import emit, format_option
from fundbook.store.db import open_book, resolve_db_path


@click.command("reconcile")
@click.option(
    "--as-of",
    "as_of",
    type=DATE,
    required=True,
    help="GP statements received on or before this date (the latest of each sub-fund).",
)
@db_option
@format_option
def reconcile_cmd(as_of: dt.date, db: str | None, fmt: str) -> None:
    """Per holder fund and sub-fund where both exist: the latest GP statement received by the
    date (nav, contributions, distributions, and fees and accrued carry when it gives them)
    against the holder's capital account in the sub-fund's ledger at the statement date.

    difference = book - GP, in the sub-fund's currency; status agrees (within the sub-fund's
    gp_tolerance in terms.csv, else 1.00), differs, or not_modelled (the book has no such
    figure); source_file and source_line name the GP statement's row. A report: the exit code
    is 0 even when figures differ (the close warns).

    \b
    fundbook reconcile --as-of 2026-09-30
    fundbook reconcile --as-of 2026-09-30 --format json
    """
    from fundbook.close.reconcile import reconcile_as_of

    with open_book(resolve_db_path(db), read_only=True) as con:
        emit(reconcile_as_of(con, as_of), fmt)


COMMANDS = [reconcile_cmd]
