"""`fundbook waterfall`'s table: the waterfall the book state runs, one fund at a date."""

from __future__ import annotations

from datetime import date

import polars as pl

from fundbook.core.errors import NotFound
from fundbook.metrics.protocol import BookFrames
from fundbook.metrics.state import book_state
from fundbook.metrics.waterfall import TIERS, Waterfall

KEYS = ["fund_id", "investor_id"]
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
    "carry_booked",
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


def book_waterfall(frames: BookFrames, fund_id: str, as_of: date) -> Waterfall:
    """The waterfall of one fund with carry terms at `as_of`: the one the book state runs
    (`state.book_state`, `carry_state.book_carry`), narrowed to the fund."""
    fund_carry_terms(frames, fund_id)
    result = book_state(frames, as_of).carry
    if result is None:  # fund_carry_terms found carry terms: never
        raise NotFound(f"no carry terms for fund {fund_id} (carry_pct in terms.csv)")
    mine = pl.col("fund_id") == fund_id
    return Waterfall(result.carry.filter(mine), result.tiers.filter(mine))


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
