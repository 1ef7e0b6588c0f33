"""Explain an investor's P&L line of a capital account statement: its share of its fund's
common line over the period, and its own items (partner-specific rows) of the period."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import polars as pl

from fundbook.core.calendar import previous_month_end
from fundbook.metrics import lineage as ln
from fundbook.metrics.accruals import RECOGNISED
from fundbook.metrics.allocation import OWN_LINES
from fundbook.metrics.explain_accruals import accrual_lines
from fundbook.metrics.explain_board import _weights
from fundbook.metrics.explain_book import Ctx
from fundbook.metrics.explain_fee_lines import fee_share_lines, has_fee_terms
from fundbook.metrics.money import cents, from_cents
from fundbook.metrics.state import allocate_pnl_lines, book_state
from fundbook.metrics.statement import _ALLOCATED as ALLOCATED

_RULE = "fundbook.metrics.state.allocate_pnl_lines"


def allocated_lines(ctx: Ctx, figure: str) -> pl.DataFrame:
    """An investor's P&L line (`ALLOCATED`, of any fund P&L line): its share of the fund's
    common line to the end (the fund's line less the partners' own items, split as the
    capital accounts split it: by the end weights, or month by month for a fund shared by
    paid-in), less its share of the common line before the start at the same end weights
    (as the statement splits it), plus its own items of the period (its partner-specific
    rows: fees and expenses as recognised over their service periods)."""
    line = ALLOCATED[figure]
    fund, investor = ctx.row["fund_id"], ctx.row["investor_id"]
    end = ctx.row["end_date"]
    before = ctx.row["start_date"] - dt.timedelta(days=1)
    column, weight, total = _weights(ctx, fund, investor)
    partners = ctx.partners(fund).select(
        "fund_id", "investor_id", cents(pl.col("weight")).alias("weight"), "weight_basis"
    )
    at_end = book_state(ctx.frames, end).funds.filter(pl.col("fund_id") == fund)
    at_start = book_state(ctx.frames, before).funds.filter(pl.col("fund_id") == fund)
    now = _mine(allocate_pnl_lines(ctx.frames, partners, at_end, end), investor)
    was = _mine(allocate_pnl_lines(ctx.frames, partners, at_start, None), investor)
    weights = f"{ctx.stored.where}: investor.{column}"
    return ln.concat(
        [
            *_common_lines(at_end, line, end),
            *_common_lines(at_start, line, before),
            ln.value_line(f"weight: {column} of {investor}", weight, "shown", source=weights),
            ln.value_line(
                f"total weight: {column} of {fund}'s investors", total, "shown", source=weights
            ),
            *_share_to_end(now, line, investor, column, end),
            ln.value_line(
                f"less its share of the fund's common {line} to {before}, at the same weights",
                -_cents(was, f"alloc_{line}"),
                source=f"{_RULE} (cumulative, by {column} at {end})",
            ),
            *_own_lines(ctx, line, before, end),
        ]
    )


def _mine(shares: pl.DataFrame, investor: str) -> dict[str, Any]:
    rows = shares.filter(pl.col("investor_id") == investor)
    return rows.row(0, named=True) if rows.height else {}


def _cents(row: dict[str, Any], column: str) -> Decimal:
    value = row.get(column)
    return Decimal(0) if value is None else Decimal(int(value)).scaleb(-2)


def _common_lines(funds: pl.DataFrame, line: str, day: dt.date) -> list[pl.DataFrame]:
    """The fund's line at `day`, less its partners' own items of it: its common line."""
    source = f"metrics as of {day} (the book's rows)"

    def value(column: str) -> Decimal:
        if not funds.height or column not in funds.columns:
            return Decimal(0)
        return funds.select(from_cents(pl.col(column)))[column][0]

    shown = [ln.value_line(f"{line} of the fund at {day}", value(line), "shown", source=source)]
    if line in OWN_LINES.values():
        shown.append(
            ln.value_line(
                f"less the partners' own {line} at {day}"
                + (" (with the fund-level fees split by computed fees)" if line == "fees" else ""),
                -value(f"own_{line}"),
                "shown",
                source=source,
            )
        )
    common = f"common {line} of the fund at {day}"
    shown.append(ln.value_line(common, value(f"common_{line}"), "shown", source=source))
    return shown


def _share_to_end(
    now: dict[str, Any], line: str, investor: str, column: str, end: dt.date
) -> list[pl.DataFrame]:
    """The investor's share of the fund's common line to the end: one split by the end
    weights, or (a fund shared by paid-in, month by month) the part allocated to the
    previous month end and its split of the line since then."""
    share = _cents(now, f"alloc_{line}")
    if now.get(f"prior_{line}") is None:
        return [
            ln.value_line(
                f"{investor}'s share of the fund's common {line} to {end}",
                share,
                source=f"{_RULE} (of every P&L line of the fund, by {column})",
            )
        ]
    prior, month_end = _cents(now, f"prior_{line}"), previous_month_end(end)
    return [
        ln.value_line(
            f"{investor}'s share of the fund's common {line} to {month_end}, allocated month "
            "by month by the paid-in ratios at each month end",
            prior,
            source=f"{_RULE} (metrics as of {month_end})",
        ),
        ln.value_line(
            f"its share of the fund's common {line} since {month_end}, by {column} at {end}",
            share - prior,
            source=f"{_RULE} (month by month)",
        ),
    ]


def _own_lines(ctx: Ctx, line: str, before: dt.date, end: dt.date) -> list[pl.DataFrame]:
    """The investor's own rows (partner-specific items) of `line` in the period: a fee or
    expense as recognised from the start to the end, an income row on its date; in a fund
    with fee terms, its share of the fund-level fee rows too (split by computed fees)."""
    where = {"fund_id": ctx.row["fund_id"], "investor_id": ctx.row["investor_id"]}
    parts = []
    if line == "fees" and has_fee_terms(ctx):
        parts.append(fee_share_lines(ctx, before, end))
    for kind in (t for t, own in OWN_LINES.items() if own == line):
        if kind in RECOGNISED:
            parts.append(accrual_lines(ctx.frames, end, where, "recognised", (kind,), before))
        else:
            rows = ctx.own_txns().filter((pl.col("date") > before) & (pl.col("date") <= end))
            parts.append(ln.txn_lines(rows, {kind: 1}))
    return parts
