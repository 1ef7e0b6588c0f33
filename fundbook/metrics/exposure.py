"""Exposure by strategic theme: direct, or looking through the guidance fund's sub-funds."""

from __future__ import annotations

from datetime import date

import polars as pl

from fundbook.core.types import REPORTING_CURRENCY
from fundbook.metrics.money import as_money, convert, prorate, ratio
from fundbook.metrics.positions import BookState
from fundbook.metrics.programme import to_hkd
from fundbook.metrics.protocol import BookFrames
from fundbook.metrics.state import book_state

SUB_FUND_THEME = "sub_fund"  # a holding that is a fund of the book, seen without look-through


def theme_exposure(
    frames: BookFrames, as_of: date, look_through: bool = False, fund_id: str | None = None
) -> pl.DataFrame:
    """One row per theme: companies held, invested cost, fair value and share of fair value.

    Without look-through: the holdings of `fund_id` (its currency), or every fund's company
    holdings (HKD; holdings of funds are skipped, their companies are counted in the funds).
    With look-through: the guidance fund `fund_id` (default: every fund of kind
    guidance_fund, in HKD) sees its share of each sub-fund's holdings plus its direct ones,
    de-duplicated by company.
    """
    state = book_state(frames, as_of)
    guidance = frames.funds.filter(pl.col("kind") == "guidance_fund")["fund_id"]
    if look_through and fund_id is None and guidance.len() == 1:
        label: str | None = guidance[0]  # the one guidance fund is the default holder
    else:
        label = fund_id
    if look_through:
        exposure, currency = _look_through(frames, state, fund_id)
    else:
        exposure, currency = _direct(frames, state, fund_id)
    themes = frames.companies.select(pl.col("company_id").alias("holding_id"), "theme")
    rows = exposure.join(themes, on="holding_id", how="left").with_columns(
        pl.col("theme").fill_null(SUB_FUND_THEME)
    )
    out = (
        rows.group_by("theme")
        .agg(
            pl.col("holding_id").n_unique().cast(pl.Int64).alias("holdings"),
            pl.col("invested").sum(),
            pl.col("fair_value").sum(),
        )
        .with_columns(
            ratio(pl.col("fair_value"), pl.col("fair_value").sum()).alias("share_of_fair_value"),
            pl.lit(label).cast(pl.String).alias("fund_id"),
            pl.lit(currency).alias("currency"),
        )
    )
    cols = [
        "fund_id",
        "theme",
        "currency",
        "holdings",
        "invested",
        "fair_value",
        "share_of_fair_value",
    ]
    return as_money(out.select(cols).sort("theme"))


def _direct(frames: BookFrames, state: BookState, fund_id: str | None) -> tuple[pl.DataFrame, str]:
    hold = state.holdings.select("fund_id", "holding_id", "invested", "fair_value")
    if fund_id is not None:
        ccy = frames.funds.filter(pl.col("fund_id") == fund_id)["currency"]
        return hold.filter(pl.col("fund_id") == fund_id), (
            ccy[0] if len(ccy) else REPORTING_CURRENCY
        )
    companies = frames.companies["company_id"].implode()
    hold = hold.filter(pl.col("holding_id").is_in(companies))
    for col in ("invested", "fair_value"):
        hold = to_hkd(hold.rename({col: "amount"}), frames, state.fx).rename({"amount": col})
    return hold, REPORTING_CURRENCY


def _look_through(
    frames: BookFrames, state: BookState, fund_id: str | None
) -> tuple[pl.DataFrame, str]:
    """The holder's direct company holdings plus, for each fund it holds, the held fund's
    holdings times the holder's partnership percentage there, in the holder's currency."""
    if fund_id is None:
        holders = frames.funds.filter(pl.col("kind") == "guidance_fund")["fund_id"]
    else:
        holders = pl.Series([fund_id])
    hold = state.holdings.select("fund_id", "holding_id", "invested", "fair_value")
    companies = frames.companies["company_id"].implode()
    direct = hold.filter(
        pl.col("fund_id").is_in(holders.implode()) & pl.col("holding_id").is_in(companies)
    )
    lp = frames.investors.filter(pl.col("fund_id").is_in(holders.implode())).select(
        pl.col("fund_id").alias("holder"), "investor_id"
    )
    acc = state.accounts
    shares = (
        lp.join(acc, on="investor_id")
        .select(
            "holder",
            pl.col("fund_id").alias("sub"),
            pl.col("weight").alias("_w"),
        )
        .join(
            acc.group_by("fund_id").agg(pl.col("weight").sum().alias("_total")),
            left_on="sub",
            right_on="fund_id",
        )
    )
    rate = state.fx
    ccy = frames.funds.select("fund_id", "currency")
    via = (
        hold.rename({"fund_id": "sub"})
        .join(shares, on="sub")
        .join(ccy.rename({"fund_id": "sub", "currency": "_from"}), on="sub")
        .join(ccy.rename({"fund_id": "holder", "currency": "_to"}), on="holder")
        .join(rate.rename({"currency": "_from", "hkd_per_unit": "_rf"}), on="_from", how="left")
        .join(rate.rename({"currency": "_to", "hkd_per_unit": "_rt"}), on="_to", how="left")
        .filter(pl.col("holding_id").is_in(companies))
    )
    via = via.select(
        pl.col("holder").alias("fund_id"),
        "holding_id",
        *(
            convert(
                prorate(pl.col(c), pl.col("_w"), pl.col("_total")), pl.col("_rf"), pl.col("_rt")
            ).alias(c)
            for c in ("invested", "fair_value")
        ),
    )
    both = pl.concat([direct, via])
    if fund_id is not None:
        ccy_f = frames.funds.filter(pl.col("fund_id") == fund_id)["currency"]
        return both, (ccy_f[0] if len(ccy_f) else REPORTING_CURRENCY)
    for col in ("invested", "fair_value"):
        both = to_hkd(both.rename({col: "amount"}), frames, state.fx).rename({"amount": col})
    return both, REPORTING_CURRENCY
