"""The fees command: management fees computed from the LPA terms against the booked ones."""

from __future__ import annotations

import click

from fundbook.cli.options import db_option
from fundbook.cli.output import emit, format_option
from fundbook.close.fees import fees_for_quarter
from fundbook.store.db import open_book, resolve_db_path


@click.command("fees")
@click.option("--fund", "fund_id", required=True, help="The fund (with fee terms in terms.csv).")
@click.option("--quarter", "quarter", required=True, help="A calendar quarter like 2026Q3.")
@db_option
@format_option
def fees_cmd(fund_id: str, quarter: str, db: str | None, fmt: str) -> None:
    """Each partner's management fee of a quarter, computed from the terms (gross, discount,
    offset, catch-up, net) against the fees booked (its own fee rows and its share of the
    fund's, attributed by computed fees), and the fund's line with its tolerance.

    difference = booked - computed: positive is over-billed. A report: the exit code is 0 even
    when the fees differ (the close warns). Computed from the book as of the quarter's last day.

    \b
    fundbook fees --fund itvf --quarter 2026Q3
    fundbook fees --fund sf-semis --quarter 2026Q3 --format json
    """
    with open_book(resolve_db_path(db), read_only=True) as con:
        emit(fees_for_quarter(con, fund_id, quarter), fmt)


COMMANDS = [fees_cmd]
