"""The statement command: one partner's ILPA capital account statement for a quarter."""

from __future__ import annotations

import json

import click

from fundbook.cli.options import db_option
from fundbook.cli.output import format_option, json_record, render, to_records
from fundbook.report.statement import capital_account_statement
from fundbook.store.db import open_book, resolve_db_path


@click.command("statement")
@click.option("--fund", "fund_id", required=True, help="The fund.")
@click.option("--investor", "investor_id", required=True, help="A partner of the fund.")
@click.option("--quarter", "quarter", required=True, metavar="YYYYQn", help="e.g. 2026Q3.")
@db_option
@format_option
def statement_cmd(fund_id: str, investor_id: str, quarter: str, db: str | None, fmt: str) -> None:
    """The ILPA capital account statement of INVESTOR in FUND for QUARTER: the lines, order
    and figures of its LP report, QTD / YTD / ITD for the investor's share and for the fund,
    then the commitment block. Money is in the fund's currency, signed as it moves NAV
    (distributions and fees negative); a line the fund's terms do not model is "not modelled"
    (null in JSON and empty in CSV). A closed quarter is read from its close; another is a
    DRAFT computed from the book.

    \b
    fundbook statement --fund sf-digital --investor itif-lp --quarter 2026Q3
    fundbook statement --fund itvf --investor gov-hksar --quarter 2026Q3 --format json
    """
    with open_book(resolve_db_path(db), read_only=True) as con:
        found = capital_account_statement(con, fund_id, investor_id, quarter)
    if fmt == "json":
        record = {**json_record(found.record()), "lines": to_records(found.rows())}
        click.echo(json.dumps(record, indent=2, ensure_ascii=False))
    elif fmt == "csv":
        click.echo(render(found.rows(), "csv"))
    else:
        click.echo(found.heading())
        click.echo(render(found.rows(table=True), "table"))


COMMANDS = [statement_cmd]
