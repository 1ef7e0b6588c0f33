"""Explain the statement's fee lines of a fund with fee terms: offsets due, fees attributed."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import polars as pl

from fundbook.metrics import lineage as ln
from fundbook.metrics.explain_book import Ctx
from fundbook.metrics.fee_allocation import attributed_fees, fee_funds, weights_at
from fundbook.metrics.fee_attribution import QUARTER, unbilled
from fundbook.metrics.money import from_cents
from fundbook.metrics.statement_fees import offsets_due

_SCHEDULE = "fundbook.metrics.fee_book.book_fee_schedule"
_SPLIT = "fundbook.metrics.fee_attribution.attribute"


def has_fee_terms(ctx: Ctx) -> bool:
    """Whether the row's fund has a fee rate in terms.csv (a fee schedule)."""
    return ctx.row["fund_id"] in fee_funds(ctx.frames)["fund_id"].to_list()


def not_modelled(ctx: Ctx, figure: str) -> pl.DataFrame:
    """A line a fund without fee terms does not model: a term without a value (null)."""
    return ln.value_line(
        f"{figure}: not modelled (fund {ctx.row['fund_id']} has no fee rate in terms.csv)",
        None,
        source="fundbook.metrics.statement_fees.with_fee_lines",
    )


def offset_lines(ctx: Ctx) -> pl.DataFrame:
    """The offsets applied to the fees (of the row's investor, else every partner) of the
    quarters whose fee is due in the statement's period, one term per partner-quarter."""
    start, end = ctx.row["start_date"], ctx.row["end_date"]
    due = offsets_due(ctx.frames, start, end).filter(pl.col("fund_id") == ctx.row["fund_id"])
    investor = ctx.row.get("investor_id")
    if investor is not None:
        due = due.filter(pl.col("investor_id") == investor)
    head = ln.value_line(
        f"offsets applied to the fees due from {start} to {end} (fee_offset_pct x the "
        "portfolio fees of the quarter before, split by fees after discount)",
        None,
        "shown",
        source=f"{_SCHEDULE} through {end}",
    )
    rows = ln.frame_lines(
        due,
        "term",
        date=pl.col("due_date"),
        item=pl.format("fee offset of {} for {}, due {}", "investor_id", "quarter", "due_date"),
        source=pl.lit(f"{_SCHEDULE} through {end}: fee_offset"),
        amount=from_cents(pl.col("fee_offset")),
    )
    return ln.concat([head, rows])


def fee_share_lines(ctx: Ctx, before: dt.date, end: dt.date) -> pl.DataFrame:
    """The investor's share of its fund's fund-level fee rows (a fund with fee terms: split
    by computed fees) in the period: per quarter, its share recognised to the end less its
    share to `before`, with what it is split by at the end."""
    fund, investor = ctx.row["fund_id"], ctx.row["investor_id"]

    def mine(day: dt.date) -> pl.DataFrame:
        shares = attributed_fees(ctx.frames, day)
        return shares.filter((pl.col("fund_id") == fund) & (pl.col("investor_id") == investor))

    now, was = mine(end), mine(before)
    parts = []
    for quarter in sorted(set(now["quarter_start"].to_list()) | set(was["quarter_start"])):
        parts.append(_weight_lines(ctx, quarter, end))
        for shares, day, sign in ((now, end, 1), (was, before, -1)):
            found = shares.filter(pl.col("quarter_start") == quarter)["attributed_fees"]
            amount = Decimal(int(found.sum()) * sign).scaleb(-2) if found.len() else Decimal(0)
            label = "its share" if sign > 0 else "less its share"
            parts.append(
                ln.value_line(
                    f"{label} of the fund-level fee rows of the quarter from {quarter}, "
                    f"recognised to {day}, by computed fees",
                    amount,
                    source=f"{_SPLIT} (metrics as of {day})",
                )
            )
    return ln.concat(parts) if parts else ln.empty()


def _weight_lines(ctx: Ctx, quarter: dt.date, end: dt.date) -> pl.DataFrame:
    """What the quarter's fund-level fee rows are split by at `end`: the investor's computed
    net fee less its own booked fees (not below 0), and all partners' (shown)."""
    rows = weights_at(ctx.frames, end).filter(
        (pl.col(QUARTER[0]) == ctx.row["fund_id"]) & (pl.col(QUARTER[1]) == quarter)
    )
    weights = rows.select("investor_id", from_cents(unbilled()).alias("_w"))
    own = weights.filter(pl.col("investor_id") == ctx.row["investor_id"])["_w"]
    source = f"fundbook.metrics.fee_allocation.weights_at (as of {end})"
    return ln.concat(
        [
            ln.value_line(
                f"weight in the quarter from {quarter}: its computed net fee less its own "
                "booked fees, not below 0",
                own[0] if own.len() else Decimal(0),
                "shown",
                source=source,
            ),
            ln.value_line(
                "total weight: every partner's", weights["_w"].sum(), "shown", source=source
            ),
        ]
    )
