"""The J-curve: each fund's contributions and distributions per quarter, and the cumulative net."""

from __future__ import annotations

from datetime import date

import polars as pl

from fundbook.metrics.money import as_money, cents
from fundbook.metrics.protocol import BookFrames


def cash_flow_by_quarter(frames: BookFrames, as_of: date) -> pl.DataFrame:
    """One row per (fund_id, quarter `2026Q3`) from a fund's first contribution or distribution
    to the quarter of `as_of`, quarters without flows included (zeros; the cumulative carries
    on): contributions, distributions, net_cash_flow (distributions - contributions, the
    investors' view) and cumulative_net_cash_flow (the J-curve), in the fund's currency."""
    flows = frames.transactions.filter(
        (pl.col("date") <= as_of) & pl.col("type").is_in(["contribution", "distribution"])
    )
    amount = cents(pl.col("amount_fund"))
    index = (pl.col("date").dt.year() * 4 + pl.col("date").dt.quarter() - 1).alias("_i")
    sums = flows.group_by("fund_id", index).agg(  # the label is made once per group, not row
        amount.filter(pl.col("type") == "contribution").sum().alias("contributions"),
        amount.filter(pl.col("type") == "distribution").sum().alias("distributions"),
    )
    last = as_of.year * 4 + (as_of.month - 1) // 3
    every = (
        sums.group_by("fund_id")
        .agg(pl.int_range(pl.col("_i").min(), last + 1, dtype=pl.Int32).alias("_i"))
        .explode("_i")
    )
    out = (
        every.join(sums.with_columns(pl.col("_i").cast(pl.Int32)), on=["fund_id", "_i"], how="left")
        .with_columns(pl.col("contributions", "distributions").fill_null(0))
        .sort("fund_id", "_i")
        .select(
            "fund_id",
            pl.format("{}Q{}", pl.col("_i") // 4, pl.col("_i") % 4 + 1).alias("quarter"),
            "contributions",
            "distributions",
        )
        .with_columns((pl.col("distributions") - pl.col("contributions")).alias("net_cash_flow"))
        .with_columns(
            pl.col("net_cash_flow").cum_sum().over("fund_id").alias("cumulative_net_cash_flow")
        )
    )
    return as_money(out)
