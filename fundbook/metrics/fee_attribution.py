"""Fund-level fee rows attributed to the partners by their computed fees (the one rule, pure)."""

from __future__ import annotations

from collections.abc import Sequence

import polars as pl

from fundbook.metrics.money import allocate, zero

QUARTER = ["fund_id", "quarter_start"]


def unbilled() -> pl.Expr:
    """A partner's weight in a quarter's fund-level fee rows, in cents: its computed net fee
    (`fee_net`) less its own booked fees (`booked_own`), not below 0 (what the fund's
    invoice is for: a partner billed on its own is not billed twice)."""
    return pl.max_horizontal(pl.col("fee_net") - pl.col("booked_own"), zero())


def attribution_quarter(at: pl.Expr) -> pl.Expr:
    """The quarter whose computed fees split a fund-level fee row seen at `at`: the quarter
    of its `date`; a row dated after `at` (recognised over its service period before it is
    paid) by the quarter holding `at`, the latest whose fees are known then."""
    return pl.min_horizontal(pl.col("date"), at).dt.truncate("1q").alias("quarter_start")


def attribute(
    partners: pl.DataFrame,
    amounts: pl.DataFrame,
    amount: str,
    out: str,
    keys: Sequence[str] = (),
) -> pl.DataFrame:
    """`partners` (per *keys, fund_id, quarter_start, investor_id: `fee_net` and
    `booked_own` in cents) with `out`: its share of the quarter's `amount` (`amounts`: per
    *keys, fund_id, quarter_start, in cents), split by `unbilled`, largest remainder
    (money.allocate). A quarter whose partners have nothing unbilled gets nothing: its amount
    is attributed to no one (the caller keeps it where it was)."""
    group = [*keys, *QUARTER]
    by_group = amounts.group_by(group).agg(pl.col(amount).sum())
    rows = partners.join(by_group, on=group, how="left").with_columns(
        pl.col(amount).fill_null(zero()),
        unbilled().alias("_unbilled"),
        pl.concat_str([pl.col(k).cast(pl.String) for k in group], separator="|").alias("_g"),
    )
    return allocate(rows, amount, "_unbilled", "_g", "investor_id", out).drop(
        amount, "_unbilled", "_g"
    )
