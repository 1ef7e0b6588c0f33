"""`fundbook waterfall`: each partner's carried-interest tiers of a fund at a date."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

import click

from fundbook.cli.options import DATE, db_option
from fundbook.cli.output import emit, format_option
from fundbook.store.db import open_book, resolve_db_path

if TYPE_CHECKING:
    import polars as pl


def _terms_line(table: pl.DataFrame) -> str:
    t = table.row(0, named=True)
    return (
        f"{t['fund_id']} as of {t['as_of']}: {t['waterfall']} waterfall, carry "
        f"{t['carry_pct']:.2%} over a {t['hurdle_rate']:.2%} hurdle, catch-up "
        f"{t['catch_up_pct']:.2%}, carry to {t['gp_investor_id'] or '(no GP named)'}"
    )


def _by_figure(table: pl.DataFrame) -> pl.DataFrame:
    """The money columns as rows, one column per partner and the total (for the terminal)."""
    import polars as pl

    from fundbook.core.dtypes import MONEY
    from fundbook.metrics.carry import MONEY_COLUMNS

    columns = {
        (r["investor_id"] if r["investor_id"] is not None else "total"): [
            r[c] for c in MONEY_COLUMNS
        ]
        for r in table.iter_rows(named=True)
    }
    return pl.DataFrame(
        {"figure": list(MONEY_COLUMNS), **columns},
        schema={"figure": pl.String, **dict.fromkeys(columns, MONEY)},
    )


@click.command("waterfall")
@click.option("--fund", "fund_id", required=True, help="A fund with carry terms (terms.csv).")
@click.option(
    "--as-of", "as_of", type=DATE, required=True, help="Rows dated on or before this date."
)
@db_option
@format_option
def waterfall_cmd(fund_id: str, as_of: dt.date, db: str | None, fmt: str) -> None:
    """Each partner's waterfall tiers (return of capital, preferred return, catch-up, split)
    on the distributions to date and on a liquidation at NAV; carry paid, accrued carry and
    clawback exposure, and the total (docs/methods.md, *The waterfall from the book*).

    table: the terms on a header line, then one column per partner and the total; csv and
    json: one record per partner and the total (investor_id null), the terms on each.
    """
    from fundbook.close.carry import waterfall_at

    with open_book(resolve_db_path(db), read_only=True) as con:
        table = waterfall_at(con, fund_id, as_of)
    if fmt == "table":
        click.echo(_terms_line(table))
        emit(_by_figure(table), fmt)
    else:
        emit(table, fmt)


COMMANDS = [waterfall_cmd]
