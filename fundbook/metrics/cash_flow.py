"""The J-curve: each fund's contributions and distributions per quarter, and the cumulative net."""

from __future__ import annotations

from datetime import date

import polars as pl

from fundbook.metrics.money import as_money, cents
from fundbook.metrics.protocol import BookFrames


def cash_flow_by_quarter(frames: BookFrames, as_of: date) -> pl.DataFrame:
    """One row per (fund_id, quarter `2026Q3`) with a contribution or distribution up to
    `as_of`: contributions, distributions, net_cash_flow (distributions - contributions, the
    investors' view) and cumulative_net_cash_flow (the J-curve), in the fund's currency."""
    flows = frames.transactions.filter(
        (pl.col("date") <= as_of) & pl.col("type").is_in(["contribution", "distribution"])
    )
    amount = cents(pl.col("amount_fund"))
    year, quarter = pl.col("date").dt.year().alias("_y"), pl.col("date").dt.quarter().alias("_q")
    out = (
        flows.group_by("fund_id", year, quarter)  # the label is made once per group, not row
        .agg(
            amount.filter(pl.col("type") == "contribution").sum().alias("contributions"),
            amount.filter(pl.col("type") == "distribution").sum().alias("distributions"),
        )
        .select(
            "fund_id",
            pl.format("{}Q{}", "_y", "_q").alias("quarter"),
            "contributions",
            "distributions",
        )
        .sort("fund_id", "quarter")
        .with_columns((pl.col("distributions") - pl.col("contributions")).alias("net_cash_flow"))
        .with_columns(
            pl.col("net_cash_flow").cum_sum().over("fund_id").alias("cumulative_net_cash_flow")
        )
    )
    return as_money(out)
