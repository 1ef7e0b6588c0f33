"""Commands over the metrics layer: explain (metrics and compliance: `cli.figures`)."""

from __future__ import annotations

import datetime as dt

import click

from fundbook.cli.options import DATE, db_option
from fundbook.cli.output import emit, format_option
from fundbook.metrics import explain
from fundbook.store.db import open_book, resolve_db_path
from fundbook.store.frames import Frames, load_frames

as_of_option = click.option(
    "--as-of",
    "as_of",
    type=DATE,
    required=True,
    help="Figures as of this date (rows dated on or before).",
)


def _frames(db: str | None, as_of: dt.date) -> Frames:
    with open_book(resolve_db_path(db), read_only=True) as con:
        return load_frames(con, as_of)


@click.command("explain")
@click.argument("figure")
@as_of_option
@click.option("--fund", "fund_id", required=True, help="The fund.")
@click.option("--investor", "investor_id", default=None, help="An investor in the fund.")
@click.option("--holding", "holding_id", default=None, help="A holding of the fund.")
@db_option
@format_option
def explain_cmd(
    figure: str,
    as_of: dt.date,
    fund_id: str,
    investor_id: str | None,
    holding_id: str | None,
    db: str | None,
    fmt: str,
) -> None:
    """The dated rows (file:line) and intermediate values behind FIGURE, the figure last."""
    if investor_id and holding_id:
        raise click.UsageError("give --investor or --holding, not both")
    emit(explain(_frames(db, as_of), as_of, figure, fund_id, investor_id, holding_id), fmt)


COMMANDS = [explain_cmd]
