"""The J-curve: each fund's contributions and distributions per quarter, and the cumulative net."""

from __future__ import annotations

from datetime import date

import polars as pl

from fundbook.metrics.money import as_money, cents
from fundbook.metrics.protocol import BookFrames

INVESTOR_FLOWS = ("contribution", "distribution")
HOLDING_FLOWS = ("investment", "proceeds", "income")


def cash_flow_by_quarter(frames: BookFrames, as_of: date) -> pl.DataFrame:
    """One row per (fund_id, quarter `2026Q3`) from a fund's first contribution or distribution
    to the quarter of `as_of`, quarters without flows included (zeros; the cumulative carries
    on): contributions, distributions, net_cash_flow (distributions - contributions, the
    investors' view) and cumulative_net_cash_flow (the J-curve), in the fund's currency;
    then the fund's own flows with its holdings in the quarter: invested (paid into holdings:
    companies, or sub-funds for a guidance fund) and received (their proceeds and income)."""
    flows = frames.transactions.filter(
        (pl.col("date") <= as_of) & pl.col("type").is_in([*INVESTOR_FLOWS, *HOLDING_FLOWS])
    )
    amount = cents(pl.col("amount_fund"))
    index = (pl.col("date").dt.year() * 4 + pl.col("date").dt.quarter() - 1).alias("_i")
    sums = flows.group_by("fund_id", index).agg(  # the label is made once per group, not row
        amount.filter(pl.col("type") == "contribution").sum().alias("contributions"),
        amount.filter(pl.col("type") == "distribution").sum().alias("distributions"),
        amount.filter(pl.col("type") == "investment").sum().alias("invested"),
        amount.filter(pl.col("type").is_in(["proceeds", "income"])).sum().alias("received"),
        pl.col("type").is_in(INVESTOR_FLOWS).any().alias("_investors"),
    )
    last = as_of.year * 4 + (as_of.month - 1) // 3
    every = (  # the quarters from the first flow with investors (the J-curve starts there)
        sums.filter(pl.col("_investors"))
        .group_by("fund_id")
        .agg(pl.int_range(pl.col("_i").min(), last + 1, dtype=pl.Int32).alias("_i"))
        .explode("_i")
    )
    out = (
        every.join(sums.with_columns(pl.col("_i").cast(pl.Int32)), on=["fund_id", "_i"], how="left")
        .with_columns(pl.col("contributions", "distributions", "invested", "received").fill_null(0))
        .sort("fund_id", "_i")
        .select(
            "fund_id",
            pl.format("{}Q{}", pl.col("_i") // 4, pl.col("_i") % 4 + 1).alias("quarter"),
            "contributions",
            "distributions",
            "invested",
            "received",
        )
        .with_columns((pl.col("distributions") - pl.col("contributions")).alias("net_cash_flow"))
        .with_columns(
            pl.col("net_cash_flow").cum_sum().over("fund_id").alias("cumulative_net_cash_flow")
        )
        .select(pl.exclude("invested", "received"), "invested", "received")
    )
    return as_money(out)
