"""The GL's accrued carried interest: the waterfall run on the GL's own partners' capital.

At each date of a fund's grid, a fund with carry terms runs `waterfall.waterfall` (the pure
tiers) on each partner's capital flows from the GL's rows (contributions; distributions and
the `carry` rows naming it, gross of carry) and its GL capital before carry (split over the
fund's holdings by their GL values for an American waterfall). The accrued carry (entitlement
less the carry booked) is the closing entry of the period: partners' capital debited, the
liability `accrued_carried_interest` credited. The metrics compute the same from their own
capital accounts (carry_state); the close ties the two.
"""

from __future__ import annotations

import polars as pl

from fundbook.metrics.gl_chart import CAPITAL_EFFECT
from fundbook.metrics.money import CENTS, cents, from_cents
from fundbook.metrics.waterfall import deal_flows, partner_navs, waterfall

_IN = [t for t, sign in CAPITAL_EFFECT.items() if sign > 0]
_OUT = [t for t, sign in CAPITAL_EFFECT.items() if sign < 0]


def accrued_carry(
    terms: pl.DataFrame,
    investor_terms: pl.DataFrame,
    txns: pl.DataFrame,
    accounts: pl.DataFrame,
    valued: pl.DataFrame,
) -> pl.DataFrame:
    """Per (fund_id, at, investor_id) of the funds with carry terms: `accrued` (cents), from
    the GL's `accounts` (`capital` before carry) and holdings `valued` at each date."""
    out = pl.DataFrame(
        schema={"fund_id": pl.String, "at": pl.Date, "investor_id": pl.String, "accrued": CENTS}
    )
    carried = terms.filter(pl.col("carry_pct").is_not_null())
    if carried.is_empty():
        return out
    funds = carried["fund_id"].to_list()
    american = carried.filter(pl.col("waterfall") == "american")["fund_id"].to_list()
    mine = accounts.filter(pl.col("fund_id").is_in(funds))
    rows = txns.filter(pl.col("fund_id").is_in(funds) & pl.col("type").is_in([*_IN, *_OUT]))
    parts = [out]
    for at in sorted(set(mine["at"].to_list())):
        flows = deal_flows(txns, _flows(rows.filter(pl.col("date") <= at)), american, at)
        booked = flows.filter(pl.col("kind") == "carry").select(
            "fund_id", "investor_id", pl.col("amount").alias("carry_booked")
        )
        navs = _navs(mine.filter(pl.col("at") == at), valued.filter(pl.col("at") == at), american)
        result = waterfall(flows, navs, carried, investor_terms, at, booked)
        parts.append(
            result.carry.select(
                "fund_id",
                pl.lit(at).alias("at"),
                "investor_id",
                cents(pl.col("accrued_carry")).alias("accrued"),
            )
        )
    return pl.concat(parts)


def _flows(rows: pl.DataFrame) -> pl.DataFrame:
    kind = (
        pl.when(pl.col("type").is_in(_IN))
        .then(pl.lit("contribution"))
        .when(pl.col("type") == "carry")
        .then(pl.lit("carry"))
        .otherwise(pl.lit("distribution"))
    )
    return rows.select(
        "fund_id",
        "investor_id",
        pl.col("holding_id").alias("deal_id"),
        "date",
        kind.alias("kind"),
        from_cents(pl.col("amt")).alias("amount"),
    )


def _navs(accounts: pl.DataFrame, valued: pl.DataFrame, american: list[str]) -> pl.DataFrame:
    """Each partner's GL capital before carry (`waterfall.partner_navs`); by deal in an
    American fund: the holdings' GL values, the rest of the partners' capital as no deal."""
    navs = accounts.select("fund_id", "investor_id", pl.col("capital").alias("nav"))
    deals = valued.select(
        "fund_id", pl.col("holding_id").alias("deal_id"), pl.col("value").alias("weight")
    )
    totals = navs.group_by("fund_id").agg(pl.col("nav").sum())
    return partner_navs(navs, deals, totals, american)
