"""Carried interest inside the book state: each partner's accrued carry at a date (pure).

The waterfall (`waterfall.waterfall`) runs on each partner of a fund with carry terms: its
contributions, its distributions gross of the carry paid out of them (its `distribution`
rows plus the `carry` rows naming it) and a liquidation at its capital account before
accrued carry. Accrued carry = the GP's entitlement - the carry booked as paid; the
partner's `nav` is net of it (docs/methods.md, *Carried interest at every close*).
"""

from __future__ import annotations

from datetime import date

import polars as pl

from fundbook.metrics.memo import per_frames
from fundbook.metrics.money import CENTS, cents, zero
from fundbook.metrics.positions import FLOW_TYPES
from fundbook.metrics.protocol import BookFrames
from fundbook.metrics.waterfall import Waterfall, deal_flows, waterfall
from fundbook.metrics.waterfall import partner_navs as waterfall_navs

KEYS = ["fund_id", "investor_id"]
CONTRIBUTIONS = FLOW_TYPES["contributions"]
# A partner's distributions before carry: what it received and the carry paid out of it.
DISTRIBUTIONS = (*FLOW_TYPES["distributions"], "carry")
# The carry figures the book state keeps per account and per fund (cents; null outside
# funds with carry terms): docs/methods.md, *Carried interest at every close*.
CARRY_FIGURES = ("nav_before_carry", "accrued_carry", "clawback_exposure")


@per_frames
def carry_terms(frames: BookFrames) -> pl.DataFrame:
    """The terms.csv rows of the funds with carry terms (`carry_pct` set)."""
    return frames.terms.filter(pl.col("carry_pct").is_not_null())


def partner_flows(frames: BookFrames, at: date, fund_ids: list[str]) -> pl.DataFrame:
    """Each partner's contributions and distributions before carry (equalisation catch-ups
    and their recallable returns included, `positions.FLOW_TYPES`; the `carry` rows naming
    it as `carry`) in the funds `fund_ids`, dated on or before `at`, in the fund's currency;
    `deal_id` is the row's holding_id (an American waterfall's deal)."""
    kind = (
        pl.when(pl.col("type").is_in(CONTRIBUTIONS))
        .then(pl.lit("contribution"))
        .when(pl.col("type") == "carry")
        .then(pl.lit("carry"))
        .otherwise(pl.lit("distribution"))
    )
    return frames.transactions.filter(
        pl.col("fund_id").is_in(fund_ids)
        & (pl.col("date") <= at)
        & pl.col("type").is_in([*CONTRIBUTIONS, *DISTRIBUTIONS])
    ).select(
        *KEYS,
        pl.col("holding_id").alias("deal_id"),
        "date",
        kind.alias("kind"),
        pl.col("amount_fund").alias("amount"),
    )


def partner_navs(
    accounts: pl.DataFrame, holdings: pl.DataFrame, funds: pl.DataFrame, american: list[str]
) -> pl.DataFrame:
    """The waterfall's NAV (`waterfall.partner_navs`) from the book state: each partner's
    capital account before accrued carry (`accounts`' `nav`, cents), the deals of an American
    fund weighted by its holdings' fair values, the rest of the fund's NAV as no deal."""
    deals = holdings.select(
        "fund_id", pl.col("holding_id").alias("deal_id"), pl.col("fair_value").alias("weight")
    )
    return waterfall_navs(accounts.select(*KEYS, "nav"), deals, funds, american)


def book_carry(
    frames: BookFrames,
    at: date,
    accounts: pl.DataFrame,
    holdings: pl.DataFrame,
    funds: pl.DataFrame,
) -> Waterfall | None:
    """The waterfall of every fund with carry terms at `at` from the book state's accounts
    (capital accounts before accrued carry), holdings and funds; None when no fund has
    carry terms."""
    terms = carry_terms(frames)
    if terms.is_empty():
        return None
    fund_ids = terms["fund_id"].to_list()
    american = terms.filter(pl.col("waterfall") == "american")["fund_id"].to_list()
    flows = deal_flows(frames.transactions, partner_flows(frames, at, fund_ids), american, at)
    booked = flows.filter(pl.col("kind") == "carry").select(
        *KEYS, pl.col("amount").alias("carry_booked")
    )
    in_funds = pl.col("fund_id").is_in(fund_ids)
    navs = partner_navs(
        accounts.filter(in_funds), holdings.filter(in_funds), funds.filter(in_funds), american
    )
    return waterfall(flows, navs, terms, frames.investor_terms, at, booked)


def with_carry(
    frames: BookFrames, accounts: pl.DataFrame, funds: pl.DataFrame, result: Waterfall | None
) -> tuple[pl.DataFrame, pl.DataFrame]:
    """The accounts and funds with `CARRY_FIGURES` (cents) and `has_carry`: in a fund with
    carry terms `nav_before_carry` is the capital account (the fund's NAV) before accrued
    carry, `accrued_carry` the partner's (the partners' sum), `clawback_exposure` likewise,
    and `nav` becomes net of accrued carry; elsewhere the three are null and `nav` is kept."""
    carry = (
        result.carry.select(
            *KEYS, *(cents(pl.col(c)).alias(c) for c in ("accrued_carry", "clawback_exposure"))
        )
        if result is not None
        else pl.DataFrame(
            schema={
                **dict.fromkeys(KEYS, pl.String()),
                "accrued_carry": CENTS,
                "clawback_exposure": CENTS,
            }  # fmt: skip
        )
    )
    carried = carry_terms(frames).select("fund_id", pl.lit(True).alias("has_carry")).unique()
    accounts = _net(accounts.join(carry, on=KEYS, how="left"), carried)
    per_fund = carry.group_by("fund_id").agg(pl.col("accrued_carry", "clawback_exposure").sum())
    funds = _net(funds.join(per_fund, on="fund_id", how="left"), carried)
    return accounts, funds


def _net(frame: pl.DataFrame, carried: pl.DataFrame) -> pl.DataFrame:
    """`nav` net of accrued carry where the fund has carry terms; the carry figures null
    elsewhere (and 0 for an account the waterfall has no row for: no flows, no NAV)."""
    out = frame.join(carried, on="fund_id", how="left").with_columns(
        pl.col("has_carry").fill_null(False)
    )
    on = pl.col("has_carry")
    return out.with_columns(
        pl.when(on).then(pl.col("nav")).otherwise(None).alias("nav_before_carry"),
        *(
            pl.when(on).then(pl.col(c).fill_null(zero())).otherwise(None).alias(c)
            for c in ("accrued_carry", "clawback_exposure")
        ),
    ).with_columns(
        pl.when(on)
        .then(pl.col("nav") - pl.col("accrued_carry"))
        .otherwise(pl.col("nav"))
        .cast(CENTS)
        .alias("nav")
    )
