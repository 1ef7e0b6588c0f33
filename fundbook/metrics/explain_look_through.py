"""Explain the guidance fund's look-through: a company by route, and its NAV's reconciliation."""

from __future__ import annotations

import polars as pl

from fundbook.metrics import lineage as ln
from fundbook.metrics.explain_book import Ctx, text_lines
from fundbook.metrics.explain_theme import gp_shares, shared, through_shares
from fundbook.metrics.money import from_cents, from_fine


def company_lines(ctx: Ctx, figure: str) -> pl.DataFrame:
    """A company's look-through figures (`look_through_company`): the holder's own holding
    (direct), each sub-fund's holding times the holder's share there (through), both."""
    if figure == "fair_value":
        return ln.concat(
            [
                ctx.figure("direct_fair_value", label="held directly"),
                ctx.figure("through_fair_value", label="through the sub-funds"),
            ]
        )
    if figure == "share_of_nav":
        return ln.concat([ctx.figure("fair_value", "numerator"), _nav(ctx, "denominator")])
    if figure not in ("direct_fair_value", "through_fair_value"):
        return text_lines(ctx, figure)
    rows = _routes(ctx, direct=figure == "direct_fair_value")
    lines = ln.frame_lines(
        rows,
        "term",
        item=pl.format("fair_value of {} in {}", "holding_id", "label"),
        source=pl.lit(f"{ctx.stored.where}: holding.fair_value"),
        amount=pl.col("fair_value"),
    )
    exact = rows.select(from_cents(from_fine(pl.col("fair_value_fine").sum()))).item()
    how = "the exact shares converted, summed, rounded half-even once"
    return ln.concat([lines, ln.rounding_line(lines, exact, how=how)])


def _routes(ctx: Ctx, direct: bool) -> pl.DataFrame:
    """The holder's own holding of the company, or each sub-fund's holding of it times the
    holder's share there, in the holder's currency (`explain_theme.shared`)."""
    holder, company = ctx.row["fund_id"], ctx.row["company_id"]
    to = str(ctx.row["currency"])
    holdings = ctx.level_rows("holding").filter(pl.col("holding_id") == company)
    if direct:
        return shared(ctx, holdings.filter(pl.col("fund_id") == holder), None, to)
    gp = gp_shares(ctx, [holder], to).filter(pl.col("holding_id") == company)
    parts = [*through_shares(ctx, holdings, [holder], to), gp]
    return pl.concat(parts, how="vertical_relaxed")


def _nav(ctx: Ctx, role: str, sign: int = 1) -> pl.DataFrame:
    """The holder's NAV (the fund level's)."""
    fund = ctx.level_rows("fund").filter(pl.col("fund_id") == ctx.row["fund_id"])
    return ln.stored_lines(
        fund, "nav", pl.format("nav of {}", "fund_id"), f"{ctx.stored.where}: fund.nav", role, sign
    )


def nav_lines(ctx: Ctx, figure: str) -> pl.DataFrame:
    """A line of the look-through NAV (`look_through_nav`): its companies, the rest of its
    sub-fund interests, its own net assets, and the NAV they add up to."""
    fund = ctx.row["fund_id"]
    where = ctx.stored.where
    companies = ctx.level_rows("look_through_company").filter(pl.col("fund_id") == fund)
    holdings = ctx.level_rows("holding").filter(pl.col("fund_id") == fund)
    is_company = pl.col("holding_id").is_in(ctx.frames.companies["company_id"].implode())
    if figure == "holdings_fair_value":
        label = pl.format("fair_value of company {}", "company_id")
        return ln.stored_lines(
            companies, "fair_value", label, f"{where}: look_through_company.fair_value"
        )
    if figure == "sub_fund_net_assets":
        return ln.concat(
            [
                ln.stored_lines(
                    holdings.filter(~is_company),
                    "fair_value",
                    pl.format("fair_value of its interest in {}", "holding_id"),
                    f"{where}: holding.fair_value",
                ),
                ln.stored_lines(
                    companies,
                    "through_fair_value",
                    pl.format("less its share of company {} in the sub-funds", "company_id"),
                    f"{where}: look_through_company.through_fair_value",
                    sign=-1,
                ),
            ]
        )
    if figure == "own_net_assets":
        label = pl.format("less fair_value of holding {}", "holding_id")
        held = ln.stored_lines(
            holdings, "fair_value", label, f"{where}: holding.fair_value", sign=-1
        )
        return ln.concat([_nav(ctx, "term"), held])
    if figure == "nav":
        return _nav(ctx, "term")
    return text_lines(ctx, figure)
