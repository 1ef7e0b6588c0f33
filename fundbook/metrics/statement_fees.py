"""The ILPA fee lines of a fund with fee terms: management fees gross of offsets, and offsets.

A fund with a fee rate in terms.csv has a fee schedule (`fee_book.book_fee_schedule`), so
its statement shows `management_fees` gross of offsets (the booked fees allocated to the
partner plus the offsets applied to its fees) and `fee_offsets` (those offsets): the offsets
of its quarters whose fee is **due** in the period (`fee_schedule`'s `due_date`: the quarter's
first day, or the partner's admission, in advance; its last day in arrears). The booked fee
rows are already net of offsets, so NAV moves by booked fees alone and the roll-forward ties.
A fund without fee terms has no schedule: `fee_offsets` is null (not modelled), never 0.
"""

from __future__ import annotations

from datetime import date

import polars as pl

from fundbook.metrics.fee_allocation import fee_funds
from fundbook.metrics.fee_book import book_fee_schedule, fee_check
from fundbook.metrics.money import CENTS, cents, zero
from fundbook.metrics.protocol import BookFrames

_KEYS = ["fund_id", "investor_id"]


def offsets_due(frames: BookFrames, start: date, end: date) -> pl.DataFrame:
    """Per partner and quarter of the schedule through `end` whose fee is due in
    start..end: fund_id, investor_id, quarter, due_date and `fee_offset` in cents: the offset
    **applied**, the computed offset less what the booked fees exceed the computed net fee by
    (`fee_book.fee_check`'s `difference`, the quarter's rows booked by `end`), clipped to
    0..the computed offset. An invoice that left the offset out shows none applied (its
    over-billing stays visible), not a gross fee the GP never charged."""
    fees = book_fee_schedule(frames, end).fees
    due = fees.filter(pl.col("due_date").is_between(start, end))
    check = fee_check(frames, end, started=True)[0].select(
        *_KEYS, "quarter", cents(pl.col("difference")).alias("_over")
    )
    offset = cents(pl.col("fee_offset")).cast(CENTS)
    over = pl.min_horizontal(pl.max_horizontal(pl.col("_over").fill_null(zero()), zero()), offset)
    return (
        due.join(check, on=[*_KEYS, "quarter"], how="left")
        .select(*_KEYS, "quarter", "due_date", (offset - over).cast(CENTS).alias("fee_offset"))
        .sort("fund_id", "due_date", "investor_id")
    )


def with_fee_lines(
    statement: pl.DataFrame, frames: BookFrames, start: date, end: date
) -> pl.DataFrame:
    """The statement rows (per fund_id, investor_id, null for the fund; `management_fees` in
    cents, as the booked fees allocated) with `fee_offsets` (null for a fund without fee
    terms) and `management_fees` gross of them."""
    funds = fee_funds(frames)
    rated = pl.col("fund_id").is_in(funds["fund_id"].implode())
    if funds.height == 0:
        return statement.with_columns(pl.lit(None, CENTS).alias("fee_offsets"))
    due = offsets_due(frames, start, end)
    mine = due.group_by(_KEYS).agg(pl.col("fee_offset").sum().alias("_offset"))
    fund = due.group_by("fund_id").agg(pl.col("fee_offset").sum().alias("_fund_offset"))
    out = statement.join(mine, on=_KEYS, how="left").join(fund, on="fund_id", how="left")
    offset = (
        pl.when(pl.col("investor_id").is_null())
        .then(pl.col("_fund_offset"))
        .otherwise(pl.col("_offset"))
        .fill_null(zero())
    )
    out = out.with_columns(pl.when(rated).then(offset).alias("fee_offsets"))
    return out.with_columns(
        (pl.col("management_fees") + pl.col("fee_offsets").fill_null(zero()))
        .cast(CENTS)
        .alias("management_fees")
    ).drop("_offset", "_fund_offset")
