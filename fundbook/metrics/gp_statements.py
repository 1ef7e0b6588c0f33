"""GP statements as a source (issue 13): the latest statement known at a date, the carrying
value it gives a sub-fund held without its ledger, and the sub-fund's holdings it reports."""

from __future__ import annotations

from datetime import date

import polars as pl

from fundbook.metrics.money import CENTS, cents, convert, prorate
from fundbook.metrics.protocol import BookFrames

KEYS = ["fund_id", "holding_id"]
# The holder's rows that move its interest in a sub-fund after the statement date: a call paid
# adds to the GP's NAV, a distribution received takes from it.
ROLL_FORWARD = {"investment": 1, "proceeds": -1}


def latest_statements(frames: BookFrames, at: date) -> pl.DataFrame:
    """Per (holder fund_id, sub-fund holding_id): the latest GP statement made up to `at` or
    before and received by `at` (what the book knew at `at`), every column of the frame."""
    known = frames.gp_statements.filter(
        (pl.col("statement_date") <= at) & (pl.col("received_date") <= at)
    )
    return known.sort(*KEYS, "statement_date").group_by(KEYS, maintain_order=True).last()


def gp_only(frames: BookFrames) -> pl.Expr:
    """Whether a holding's fund is valued from its GP statements even with its ledger in the
    book: its terms say `valuation_source` = gp_statement (of column `holding_id`)."""
    forced = frames.terms.filter(pl.col("valuation_source") == "gp_statement")["fund_id"]
    return pl.col("holding_id").is_in(forced.implode())


def gp_values(frames: BookFrames, at: date, fx: pl.DataFrame) -> pl.DataFrame:
    """Per (fund_id, holding_id) with a GP statement known at `at`: the carrying value in the
    holder's currency, in cents (`_gp_value`): the GP's NAV converted at the rates of `at`
    (`fx`: currency, hkd_per_unit), plus the holder's investments in it and less its proceeds
    from it dated after the statement date up to `at`; the statement date (`_gp_date`) and
    whether the terms make it the source even with a ledger (`_gp_only`)."""
    latest = latest_statements(frames, at)
    rates = fx.select("currency", pl.col("hkd_per_unit").alias("_rate"))
    holder = frames.funds.select("fund_id", pl.col("currency").alias("_holder_ccy"))
    nav = (
        latest.select(*KEYS, "statement_date", "currency", cents(pl.col("nav")).alias("_nav"))
        .join(rates, on="currency", how="left")
        .join(holder, on="fund_id", how="left")
        .join(
            rates.rename({"currency": "_holder_ccy", "_rate": "_holder_rate"}),
            on="_holder_ccy",
            how="left",
        )
        .with_columns(
            convert(pl.col("_nav"), pl.col("_rate"), pl.col("_holder_rate")).alias("_nav")
        )
    )
    flows = (
        frames.transactions.filter(
            pl.col("type").is_in(list(ROLL_FORWARD)) & (pl.col("date") <= at)
        )
        .join(nav.select(*KEYS, "statement_date"), on=KEYS)
        .filter(pl.col("date") > pl.col("statement_date"))
        .group_by(KEYS)
        .agg(
            (
                cents(pl.col("amount_fund"))
                * pl.col("type").replace_strict(ROLL_FORWARD, return_dtype=CENTS)
            )
            .sum()
            .alias("_since")
        )
    )
    return (
        nav.join(flows, on=KEYS, how="left")
        .with_columns(
            (pl.col("_nav") + pl.col("_since").fill_null(0)).cast(CENTS).alias("_gp_value"),
            pl.col("statement_date").alias("_gp_date"),
            gp_only(frames).alias("_gp_only"),
        )
        .select(*KEYS, "_gp_value", "_gp_date", "_gp_only")
    )


def gp_look_through(frames: BookFrames, at: date, share: pl.DataFrame) -> pl.DataFrame:
    """The companies a sub-fund's GP reports holding (gp_holdings of the latest statement known
    at `at`), scaled to the holder's share of the sub-fund: per (fund_id, holding_id,
    company_id) the company's fair value x `share` (fund_id, holding_id, `_num`, `_den`: the
    holder's fraction of the sub-fund, in the holder's currency already) in cents, rounded
    half-even once (`_lt_value`), and the GP statement date."""
    latest = latest_statements(frames, at).select(*KEYS, "statement_date")
    held = frames.gp_holdings.join(latest, on=[*KEYS, "statement_date"])
    return (
        held.join(share, on=KEYS)
        .with_columns(
            prorate(cents(pl.col("fair_value")), pl.col("_num"), pl.col("_den")).alias("_lt_value")
        )
        .select(*KEYS, "company_id", "statement_date", "_lt_value")
    )
