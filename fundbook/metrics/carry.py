"""The waterfall fed from the book: each partner's dated flows and capital account at a date."""

from __future__ import annotations

from datetime import date

import polars as pl

from fundbook.core.errors import NotFound
from fundbook.metrics.money import CENTS, allocate, from_cents
from fundbook.metrics.positions import FLOW_TYPES
from fundbook.metrics.protocol import BookFrames
from fundbook.metrics.state import book_state
from fundbook.metrics.waterfall import TIERS, Waterfall, waterfall

KEYS = ["fund_id", "investor_id"]
NO_DEAL = "\x00"  # the allocation key of a partner's NAV outside its fund's holdings (sorts first)
# The tiers in the table: return of capital and preferred return go to the partner whole; the
# catch-up and the split have a GP part.
_GP_PART = ("catch_up", "split")
TERMS_COLUMNS = ("waterfall", "carry_pct", "hurdle_rate", "catch_up_pct", "gp_investor_id")


def _tier_columns(prefix: str) -> list[str]:
    return [f"{prefix}{t}{s}" for t in TIERS for s in ("", "_to_gp") if s == "" or t in _GP_PART]


# The money columns of `waterfall_table`, in order (docs/methods.md, *The waterfall from the book*).
MONEY_COLUMNS = (
    "contributed",
    "distributed",
    "nav",
    *_tier_columns(""),
    "carry_paid",
    *_tier_columns("liquidation_"),
    "carry_on_liquidation",
    "whole_fund_carry",
    "carry_entitlement",
    "accrued_carry",
    "clawback_exposure",
    "nav_net",
)


def fund_carry_terms(frames: BookFrames, fund_id: str) -> dict[str, object]:
    """The fund's row of terms.csv; NotFound for an unknown fund or one without carry terms."""
    if fund_id not in frames.funds["fund_id"].to_list():
        raise NotFound(f"unknown fund {fund_id!r}")
    terms = frames.terms.filter((pl.col("fund_id") == fund_id) & pl.col("carry_pct").is_not_null())
    if terms.is_empty():
        raise NotFound(f"no carry terms for fund {fund_id} (carry_pct in terms.csv)")
    return terms.row(0, named=True)


def partner_flows(frames: BookFrames, fund_id: str, as_of: date) -> pl.DataFrame:
    """Each partner's contributions and distributions (equalisation catch-ups and their
    recallable returns included, `positions.FLOW_TYPES`), dated on or before `as_of`, in the
    fund's currency; `deal_id` is the row's holding_id (an American waterfall's deal)."""
    kind = (
        pl.when(pl.col("type").is_in(FLOW_TYPES["contributions"]))
        .then(pl.lit("contribution"))
        .otherwise(pl.lit("distribution"))
    )
    return frames.transactions.filter(
        (pl.col("fund_id") == fund_id)
        & (pl.col("date") <= as_of)
        & pl.col("type").is_in([*FLOW_TYPES["contributions"], *FLOW_TYPES["distributions"]])
    ).select(
        *KEYS,
        pl.col("holding_id").alias("deal_id"),
        "date",
        kind.alias("kind"),
        pl.col("amount_fund").alias("amount"),
    )


def partner_navs(frames: BookFrames, fund_id: str, as_of: date, by_deal: bool) -> pl.DataFrame:
    """Each partner's capital account at `as_of` (`state.book_state`); `by_deal`: split over
    the fund's holdings by their fair values, the rest of the fund's NAV (cash, accruals) as no
    deal, by largest remainder so that the deals add up to the capital account."""
    state = book_state(frames, as_of)
    accounts = state.accounts.filter(pl.col("fund_id") == fund_id).select(*KEYS, "nav")
    if not by_deal:
        return accounts.select(
            *KEYS, pl.lit(None, pl.String).alias("deal_id"), from_cents(pl.col("nav"))
        )
    held = state.holdings.filter(pl.col("fund_id") == fund_id).select(
        pl.col("holding_id").alias("deal_id"), pl.col("fair_value").fill_null(0).alias("weight")
    )
    rest = state.funds.filter(pl.col("fund_id") == fund_id).select(
        pl.lit(NO_DEAL).alias("deal_id"),
        (pl.col("nav").sum() - pl.lit(held["weight"].sum(), CENTS)).alias("weight"),
    )
    split = allocate(
        accounts.join(pl.concat([held, rest]), how="cross"),
        "nav",
        "weight",
        "investor_id",
        "deal_id",
        "deal_nav",
    )
    return split.select(
        *KEYS,
        pl.col("deal_id").replace(NO_DEAL, None),
        from_cents(pl.col("deal_nav")).alias("nav"),
    )


def book_waterfall(frames: BookFrames, fund_id: str, as_of: date) -> Waterfall:
    """`waterfall.waterfall` of one fund with carry terms, fed from the book at `as_of`."""
    terms = fund_carry_terms(frames, fund_id)
    american = terms["waterfall"] == "american"
    return waterfall(
        partner_flows(frames, fund_id, as_of),
        partner_navs(frames, fund_id, as_of, by_deal=american),
        frames.terms.filter(pl.col("fund_id") == fund_id),
        frames.investor_terms,
        as_of,
    )


def waterfall_table(frames: BookFrames, fund_id: str, as_of: date) -> pl.DataFrame:
    """One row per partner of the fund (investor_id order) and a total row (investor_id
    null): the terms used, the tiers of the distributions to date and of the liquidation at
    NAV, the carry figures (`MONEY_COLUMNS`, docs/methods.md)."""
    terms = fund_carry_terms(frames, fund_id)
    result = book_waterfall(frames, fund_id, as_of)
    tiers = result.tiers.group_by(KEYS).agg(
        pl.col(part).filter((pl.col("basis") == basis) & (pl.col("tier") == tier)).sum()
        .alias(f"{'liquidation_' if basis == 'liquidation' else ''}{tier}{suffix}")
        for basis in ("paid", "liquidation")
        for tier in TIERS
        for part, suffix in (("amount", ""), ("to_gp", "_to_gp"))
        if suffix == "" or tier in _GP_PART
    )  # fmt: skip
    partners = result.carry.join(tiers, on=KEYS, how="left").sort("investor_id")
    total = partners.select(
        pl.lit(fund_id).alias("fund_id"), *(pl.col(c).sum() for c in MONEY_COLUMNS)
    )
    rows = pl.concat([partners, total], how="diagonal_relaxed")
    rates = {c: pl.lit(float(str(terms[c] or 0)), pl.Float64) for c in TERMS_COLUMNS[1:4]}
    return rows.select(
        "fund_id",
        pl.lit(as_of).alias("as_of"),
        pl.lit(terms["waterfall"]).alias("waterfall"),
        *(expr.alias(c) for c, expr in rates.items()),
        pl.lit(terms["gp_investor_id"], pl.String).alias("gp_investor_id"),
        "investor_id",
        "bears_carry",
        *MONEY_COLUMNS,
    )
