"""Explain a balance of the general ledger (level `ledger`): its postings, each with its source."""

from __future__ import annotations

import polars as pl

from fundbook.core.errors import NotFound
from fundbook.metrics import lineage as ln
from fundbook.metrics.explain_book import Ctx, text_lines
from fundbook.metrics.gl_chart import section_of
from fundbook.metrics.gl_postings import FIGURES, figure_lines, postings
from fundbook.metrics.money import from_cents

LEVEL = "ledger"
KEYS = ("fund_id", "account")  # a row of the ledger (close_ledger, metrics.general_ledger)


def ledger_lines(ctx: Ctx, figure: str) -> pl.DataFrame:
    """`balance` or `closed_balance` of one account: the GL's postings of it (gl_postings), one
    term line each (a ledger row's `file:line`, a valuation row, an accrual's row and rule, a
    closing entry's date and rule); `currency` from the fund's row; `section` by the chart."""
    fund, account = ctx.row["fund_id"], ctx.row["account"]
    if figure == "currency":
        return text_lines(ctx, "currency")
    if figure == "section":
        rule = section_of(pl.col("account"))
        return ln.rule_line(
            f"the section of {account}", rule, {"account": account}, "metrics.gl_chart.section_of"
        )
    if figure not in FIGURES:
        raise NotFound(f"no ledger figure {figure!r}; figures: currency, section, {FIGURES}")
    mine = postings(ctx.frames, ctx.as_of, fund).filter(pl.col("account") == account)
    lines = figure_lines(mine, figure, ctx.as_of)
    if lines.height == 0:
        return ln.value_line(f"{account}: no postings to {ctx.as_of}", None, "shown")
    return ln.frame_lines(
        lines,
        "term",
        date=pl.col("date"),
        kind=pl.lit("posting"),
        item=pl.col("item"),
        source=pl.col("source"),
        amount=from_cents(pl.col("amount")),
    )
