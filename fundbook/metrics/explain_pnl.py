"""Explain an investor's P&L line of a capital account statement: its share of its fund's."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import polars as pl

from fundbook.metrics import lineage as ln
from fundbook.metrics.allocation import PNL_LINES
from fundbook.metrics.explain_board import _weights
from fundbook.metrics.explain_book import Ctx
from fundbook.metrics.money import cents, from_cents
from fundbook.metrics.state import allocate_pnl_lines, book_state
from fundbook.metrics.statement import _ALLOCATED as ALLOCATED

_RULE = "fundbook.metrics.state.allocate_pnl_lines"


def allocated_lines(ctx: Ctx, figure: str) -> pl.DataFrame:
    """An investor's P&L line (`ALLOCATED`): its share of the fund's cumulative line at the
    end, less its share of the fund's cumulative line before the start at the same (end)
    weights, each by the allocation metrics makes (largest remainder of the fund's P&L, split
    into lines by cumulative rounding: `state.allocate_pnl_lines`)."""
    line = ALLOCATED[figure]
    fund, investor = ctx.row["fund_id"], ctx.row["investor_id"]
    before = ctx.row["start_date"] - dt.timedelta(days=1)
    column, weight, total = _weights(ctx, fund, investor)
    accounts = ctx.partners(fund).select("fund_id", "investor_id", cents(pl.col("weight")))
    at_end = ctx.level_rows("fund").filter(pl.col("fund_id") == fund)
    at_end = at_end.select("fund_id", *(cents(pl.col(c)).alias(c) for c in PNL_LINES))
    at_start = book_state(ctx.frames, before).funds.filter(pl.col("fund_id") == fund)
    where = ctx.stored.where
    weights = f"{where}: investor.{column}"
    parts = [
        _fund_line(at_end, line, f"at {ctx.as_of}", f"{where}: fund.{line}"),
        _fund_line(at_start, line, f"at {before}", f"metrics as of {before} (the book's rows)"),
        ln.value_line(f"weight: {column} of {investor}", weight, "shown", source=weights),
        ln.value_line(
            f"total weight: {column} of {fund}'s investors", total, "shown", source=weights
        ),
        ln.value_line(
            f"{investor}'s share of the fund's {line} to {ctx.as_of}",
            _share(accounts, at_end, investor, line),
            source=f"{_RULE} (of every P&L line of {fund}, by {column})",
        ),
        ln.value_line(
            f"less its share of the fund's {line} to {before}, at the same weights",
            -_share(accounts, at_start, investor, line),
            source=_RULE,
        ),
    ]
    return ln.concat(parts)


def _fund_line(funds: pl.DataFrame, line: str, when: str, source: str) -> pl.DataFrame:
    value = funds.select(from_cents(pl.col(line)))[line].sum() if funds.height else Decimal(0)
    return ln.value_line(f"{line} of the fund {when}", value, "shown", source=source)


def _share(accounts: pl.DataFrame, funds: pl.DataFrame, investor: str, line: str) -> Decimal:
    """The investor's allocated `line` of its fund's cumulative P&L lines (`funds`, cents)."""
    shared = allocate_pnl_lines(accounts, funds.select("fund_id", *PNL_LINES))
    mine = shared.filter(pl.col("investor_id") == investor)
    value = mine.select(from_cents(pl.col(f"alloc_{line}")))[f"alloc_{line}"]
    return value[0] if value.len() else Decimal(0)
