"""Commands of the book of record: init, import, trial-balance, demo."""

from __future__ import annotations

import datetime as dt
import json
from decimal import Decimal
from pathlib import Path
from typing import Any

import click

from fundbook.cli.options import DATE, db_option
from fundbook.cli.output import emit, format_option
from fundbook.core.money import money_str
from fundbook.core.table import NUMBER, OTHER, Rows
from fundbook.store.db import open_book, resolve_db_path, sql


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
            f"{ledger_dir} ({result.postings:,} postings to the cash journal); "
            f"hash chain head {result.chain_hash}"
        )
    added = {
        **result.new_rows,
        "postings": result.postings,
        "imports": 1 if result.import_id is not None else 0,
    }
    rows = [(t, added.get(t, 0), n) for t, n in counts.items()]
    emit(Rows(("table", "new_rows", "rows"), (OTHER, NUMBER, NUMBER), rows), "table")


@click.command("trial-balance")
@click.option("--as-of", "as_of", type=DATE, required=True, help="The general ledger at this date.")
@click.option("--fund", "fund_id", default=None, help="One fund only.")
@click.option("--totals", is_flag=True, help="Only the totals per fund and currency.")
@db_option
@format_option
def trial_balance_cmd(
    as_of: dt.date, fund_id: str | None, totals: bool, db: str | None, fmt: str
) -> None:
    """The general ledger per fund, currency and account: each balance as a debit or a credit,
    before the period's closing entry (docs/accounting.md); exit 1 if a book does not balance.

    A day a close ended is read from that close; any other day is computed (slower start)."""
    from fundbook.close.ledger import ledger_rows, trial_balance

    with open_book(resolve_db_path(db), read_only=True) as con:
        balance = trial_balance(ledger_rows(con, as_of, fund_id))
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


@click.command("balance-sheet")
@click.option("--as-of", "as_of", type=DATE, required=True, help="The balance sheet at this date.")
@click.option("--fund", "fund_id", default=None, help="One fund only.")
@db_option
@format_option
def balance_sheet_cmd(as_of: dt.date, fund_id: str | None, db: str | None, fmt: str) -> None:
    """Per fund: assets, liabilities, net assets and each partner's capital, from the general
    ledger after the period's closing entry (JSON: one object per fund, money as strings)."""
    from fundbook.close.ledger import balance_sheet, balance_sheet_rows, ledger_rows

    with open_book(resolve_db_path(db), read_only=True) as con:
        sheets = balance_sheet(ledger_rows(con, as_of, fund_id))
    if fmt == "json":
        click.echo(json.dumps(_json_ready(sheets), indent=2, ensure_ascii=False))
    else:
        emit(balance_sheet_rows(sheets), fmt)


def _json_ready(value: Any) -> Any:
    """Money (Decimal) as decimal strings, inside lists and dicts."""
    if isinstance(value, Decimal):
        return money_str(value)
    if isinstance(value, list):
        return [_json_ready(v) for v in value]
    if isinstance(value, dict):
        return {k: _json_ready(v) for k, v in value.items()}
    return value


COMMANDS = [init_cmd, import_cmd, trial_balance_cmd, balance_sheet_cmd, demo_cmd]
