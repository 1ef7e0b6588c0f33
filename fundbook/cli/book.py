"""Commands of the book of record: init, import, trial-balance, demo."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import click

from fundbook.cli.options import DATE, db_option
from fundbook.cli.output import emit, format_option
from fundbook.core.table import NUMBER, OTHER, Rows
from fundbook.store.db import open_book, resolve_db_path, sql
from fundbook.store.trial_balance import trial_balance_rows


def _progress(message: str) -> None:
    click.echo(f"… {message}", err=True)


@click.command("init")
@db_option
@click.option(
    "--ledger",
    "ledger",
    type=click.Path(file_okay=False),
    default=None,
    help="The ledger directory this book is kept from (the default for close).",
)
def init_cmd(db: str | None, ledger: str | None) -> None:
    """Create an empty book (the DuckDB file with its schema)."""
    path = resolve_db_path(db)
    with open_book(path) as con:
        if ledger:
            con.execute(sql("set_meta"), {"key": "ledger_dir", "value": ledger})
    click.echo(f"book ready at {path}")


@click.command("import")
@click.argument("ledger_dir", type=click.Path(file_okay=False))
@db_option
@click.option("--quiet", is_flag=True, help="No progress lines.")
def import_cmd(ledger_dir: str, db: str | None, quiet: bool) -> None:
    """Validate LEDGER_DIR and append its new rows to the book, atomically.

    Every problem is reported as path:line: message and nothing is written. Importing the
    same book again books nothing.
    """
    from fundbook.store.importer import import_book, table_counts  # polars: this command only

    path = resolve_db_path(db)
    with open_book(path) as con:
        result = import_book(con, ledger_dir, progress=None if quiet else _progress)
        counts = table_counts(con)
    if result.total_new == 0:
        click.echo(f"nothing new: {path} already holds every row of {ledger_dir}")
    else:
        click.echo(
            f"import {result.import_id}: booked {result.total_new:,} new "
            f"row{'s' if result.total_new != 1 else ''} from "
            f"{ledger_dir} ({result.postings:,} postings); hash chain head {result.chain_hash}"
        )
    added = {
        **result.new_rows,
        "postings": result.postings,
        "imports": 1 if result.import_id is not None else 0,
    }
    rows = [(t, added.get(t, 0), n) for t, n in counts.items()]
    emit(Rows(("table", "new_rows", "rows"), (OTHER, NUMBER, NUMBER), rows), "table")


@click.command("trial-balance")
@click.option("--as-of", "as_of", type=DATE, required=True, help="Postings dated on or before.")
@click.option("--fund", "fund_id", default=None, help="One fund only.")
@click.option("--totals", is_flag=True, help="Only the totals per fund and currency.")
@db_option
@format_option
def trial_balance_cmd(
    as_of: dt.date, fund_id: str | None, totals: bool, db: str | None, fmt: str
) -> None:
    """Debits and credits per fund, currency and account; exit 1 if a book does not balance."""
    with open_book(resolve_db_path(db), read_only=True) as con:
        balance = trial_balance_rows(con, as_of, fund_id)
    emit(balance.totals if totals else balance.accounts, fmt)
    if fmt == "table" and not totals:
        click.echo("")
        emit(balance.totals, "table")
    if balance.unbalanced:
        click.echo(f"NOT BALANCED: {balance.unbalanced} fund/currency books", err=True)
        raise SystemExit(1)


@click.command("demo")
@db_option
@click.option(
    "--out",
    "out",
    type=click.Path(file_okay=False),
    default="build/demo-reports",
    show_default=True,
    help="Folder for the demo's outputs.",
)
@click.option("--force", is_flag=True, help="Replace the book at --db if it exists.")
@click.option("--no-pdf", "no_pdf", is_flag=True, help="Render the reports as HTML only (faster).")
def demo_cmd(db: str | None, out: str, force: bool, no_pdf: bool) -> None:
    """Build the demo book into a new database and run the main job end to end.

    An existing book at --db is refused (nothing is touched) unless --force replaces it.
    """
    from fundbook.demo import run_demo

    path = resolve_db_path(db or "build/demo.duckdb")
    run_demo(path, Path(out), force=force, pdf=not no_pdf)


COMMANDS = [init_cmd, import_cmd, trial_balance_cmd, demo_cmd]
