"""The guidance fund's look-through: each company by route, and its NAV by what it holds."""

from __future__ import annotations

from datetime import date
from typing import Any

import polars as pl

from fundbook.metrics.exposure import SUB_FUND_THEME, guidance_companies
from fundbook.metrics.memo import per_frames
from fundbook.metrics.money import as_money, ratio, zero
from fundbook.metrics.protocol import BookFrames
from fundbook.metrics.state import book_state

COMPANY_COLUMNS = (
    "fund_id",
    "company_id",
    "theme",
    "currency",
    "direct_fair_value",
    "through_fair_value",
    "fair_value",
    "share_of_nav",
)
NAV_COLUMNS = (
    "fund_id",
    "currency",
    "holdings_fair_value",
    "sub_fund_net_assets",
    "own_net_assets",
    "nav",
)


def _holders(frames: BookFrames) -> list[str]:
    """The funds looked through: every guidance fund, each in its own currency."""
    return sorted(frames.funds.filter(pl.col("kind") == "guidance_fund")["fund_id"].to_list())


@per_frames
def _companies(frames: BookFrames, at: date) -> pl.DataFrame:
    """`by_company` of every guidance fund (its currency), in cents, with the fund's NAV, at
    `at`; once per book and date (`memo.per_frames`: both look-through levels read it)."""
    state = book_state(frames, at)
    out = guidance_companies(frames, at)
    return out.join(state.funds.select("fund_id", "nav", "currency"), on="fund_id", how="left")


def look_through_company(frames: BookFrames, as_of: date) -> pl.DataFrame:
    """Per guidance fund and company (in the fund's currency): its fair value held directly
    (`direct_fair_value`), its share of the sub-funds' holdings of it (`through_fair_value`:
    the sub-fund's fair value x the fund's partnership percentage there, converted, rounded
    once), both routes together (`fair_value`, the company counted once) and that over the
    fund's NAV (`share_of_nav`). Companies with nothing on either route are left out."""
    rows = _companies(frames, as_of)
    if rows.height == 0:
        return _empty_companies()
    themes = frames.companies.select(pl.col("company_id").alias("holding_id"), "theme")
    out = (
        rows.join(themes, on="holding_id", how="left")
        .filter((pl.col("fair_value") != 0) | pl.col("held"))
        .with_columns(
            pl.col("theme").fill_null(SUB_FUND_THEME),
            ratio(pl.col("fair_value"), pl.col("nav")).alias("share_of_nav"),
        )
        .rename({"holding_id": "company_id"})
    )
    return as_money(out.select(COMPANY_COLUMNS)).sort("fund_id", "company_id")


def _empty_companies() -> pl.DataFrame:
    schema: dict[str, Any] = {c: pl.Decimal(38, 2) for c in COMPANY_COLUMNS}
    schema.update(
        {
            "fund_id": pl.String,
            "company_id": pl.String,
            "theme": pl.String,
            "currency": pl.String,
            "share_of_nav": pl.Float64,
        }
    )
    return pl.DataFrame(schema={c: schema[c] for c in COMPANY_COLUMNS})


def look_through_nav(frames: BookFrames, as_of: date) -> pl.DataFrame:
    """Per guidance fund: its NAV as the look-through sees it, adding up to the cent:
    `holdings_fair_value` (its companies, both routes: the sum of `look_through_company`'s
    `fair_value`) + `sub_fund_net_assets` (the value of its holdings that are not companies,
    i.e. its capital accounts in the sub-funds, less its share of their companies: their
    cash, receivables and payables, accrued carry and its own items there) +
    `own_net_assets` (its NAV less all its holdings: its own cash, prepaid and accrued) =
    `nav`."""
    state = book_state(frames, as_of)
    companies = (
        _companies(frames, as_of)
        .group_by("fund_id")
        .agg(
            pl.col("fair_value").sum().alias("holdings_fair_value"),
            pl.col("through_fair_value").sum().alias("_through"),
        )
    )
    is_company = pl.col("holding_id").is_in(frames.companies["company_id"].implode())
    holdings = state.holdings.group_by("fund_id").agg(
        pl.col("fair_value").sum().alias("_holdings"),
        pl.col("fair_value").filter(~is_company).sum().alias("_funds"),
    )
    funds = state.funds.filter(pl.col("fund_id").is_in(_holders(frames))).select(
        "fund_id", "currency", "nav"
    )
    out = (
        funds.join(companies, on="fund_id", how="left")
        .join(holdings, on="fund_id", how="left")
        .with_columns(
            pl.col("holdings_fair_value", "_through", "_holdings", "_funds").fill_null(zero())
        )
        .with_columns(
            (pl.col("_funds") - pl.col("_through")).alias("sub_fund_net_assets"),
            (pl.col("nav") - pl.col("_holdings")).alias("own_net_assets"),
        )
    )
    return as_money(out.select(NAV_COLUMNS)).sort("fund_id")
