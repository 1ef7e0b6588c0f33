"""`fundbook fees` and the close's fee check: computed management fees against booked ones."""

from __future__ import annotations

import datetime as dt

import duckdb
import polars as pl

from fundbook.close.periods import BadPeriod, Period
from fundbook.core.errors import NotFound
from fundbook.core.table import Rows, frame_rows
from fundbook.metrics.fee_book import CHECK_COLUMNS, TOLERANCE, TOTAL_COLUMNS, fee_check
from fundbook.metrics.protocol import BookFrames
from fundbook.store.db import scalar, sql
from fundbook.store.frames import load_frames

# The columns of `fundbook fees` (docs/methods.md, *fundbook fees*: a public contract). `line`
# is `partner` or `fund` (the fund's total); a partner line has no tolerance.
FEES_COLUMNS = ("line", *CHECK_COLUMNS, *TOLERANCE)


def quarter_bounds(quarter: str) -> tuple[str, dt.date]:
    """`2026Q3` -> ("2026Q3", its last day); a month or anything else is refused."""
    try:
        period = Period.parse(quarter)
    except BadPeriod:
        period = None
    if period is None or period.quarter is None or "q" not in quarter.lower():
        raise BadPeriod(f"{quarter!r} is not a quarter like 2026Q3")
    return period.quarter, period.end


def fees_for_quarter(con: duckdb.DuckDBPyConnection, fund_id: str, quarter: str) -> Rows:
    """Each partner's computed and booked management fee of `quarter` in fund `fund_id`, then
    the fund's line (`FEES_COLUMNS`), from the book as of the quarter's last day."""
    label, end = quarter_bounds(quarter)
    if not scalar(con, sql("fund_exists"), {"fund_id": fund_id}):
        raise NotFound(f"unknown fund {fund_id!r}")
    frames = load_frames(con, end)
    last = frames.transactions.get_column("date").max()
    start = dt.date(end.year, end.month - 2, 1)
    if isinstance(last, dt.date) and start > last:
        raise NotFound(
            f"{label} starts after the book's last row ({last}): no fee is booked for it yet, "
            "so there is nothing to check"
        )
    if not _has_fee_terms(frames, fund_id):
        raise NotFound(
            f"no fee terms for fund {fund_id} (terms.csv gives it no fee_rate_investment_period "
            "or fee_rate_after)"
        )
    partners, totals = fee_check(frames, end)
    mine = (pl.col("fund_id") == fund_id) & (pl.col("quarter") == label)
    fund = totals.filter(mine)
    if fund.height == 0:
        raise NotFound(
            f"fund {fund_id} has no management fees in {label} (before its first closing)"
        )
    table = pl.concat(
        [
            partners.filter(mine).select(pl.lit("partner").alias("line"), *CHECK_COLUMNS),
            fund.select(pl.lit("fund").alias("line"), *TOTAL_COLUMNS),
        ],
        how="diagonal_relaxed",
    )
    return frame_rows(table.select(FEES_COLUMNS))


def _has_fee_terms(frames: BookFrames, fund_id: str) -> bool:
    rated = (
        pl.col("fee_rate_investment_period").is_not_null() | pl.col("fee_rate_after").is_not_null()
    )
    return frames.terms.filter((pl.col("fund_id") == fund_id) & rated).height > 0


def fee_warnings(
    check: pl.DataFrame, start: dt.date, end: dt.date, previous: pl.DataFrame | None
) -> list[str]:
    """One warning per fund and quarter of a close's fee check (its `fee_check` level) whose
    booked fees differ from the computed ones by more than the fund's fee_tolerance, and that
    is new in the period closed (`start` to `end`): the quarter ends in it, or it was not in
    the fee check of the close before (`previous`: that close's level; None: no close before),
    so an old quarter is warned of once, at the close that first checks it."""
    out = check.filter(~pl.col("within_tolerance"))
    if previous is not None:
        checked = previous.select("fund_id", "quarter", pl.lit(True).alias("_checked"))
        out = out.join(checked, on=["fund_id", "quarter"], how="left")
    else:
        out = out.with_columns(pl.lit(None, pl.Boolean).alias("_checked"))
    return [
        f"fund {r['fund_id']}: management fees booked in {r['quarter']} {r['booked']} differ "
        f"from the fees computed from its terms {r['fee_net']} by {r['difference']} (more than "
        f"its fee_tolerance {r['fee_tolerance']}); see `fundbook fees --fund {r['fund_id']} "
        f"--quarter {r['quarter']}`"
        for r in out.iter_rows(named=True)
        if not r["_checked"] or start <= Period.parse(r["quarter"]).end <= end
    ]
