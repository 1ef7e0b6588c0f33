"""Explain the carry figures of the fund and investor levels: the waterfall's tiers, the
`carry` rows, and nothing (not modelled) in a fund without carry terms."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import polars as pl

from fundbook.metrics import explain_board, explain_book
from fundbook.metrics import lineage as ln
from fundbook.metrics.carry import book_waterfall
from fundbook.metrics.carry_state import carry_terms
from fundbook.metrics.explain_book import Ctx
from fundbook.metrics.explain_irr import FIGURES as IRR_POLICY
from fundbook.metrics.explain_irr import irr_policy_lines
from fundbook.metrics.performance import CARRY_FIGURES

_CARRY_ROWS = {"carry": 1}
_WATERFALL = "fundbook.metrics.waterfall"


def fund_lines(ctx: Ctx, figure: str) -> pl.DataFrame:
    """A fund figure: `fund_carry_lines` for `nav` and the carry figures, the IRR policy's
    (`explain_irr`), else the board's."""
    if figure in IRR_POLICY:
        return irr_policy_lines(ctx, figure)
    if figure in ("nav", *CARRY_FIGURES):
        return fund_carry_lines(ctx, figure, explain_book.fund_lines(ctx, "nav"))
    return explain_board.fund_lines(ctx, figure)


def investor_lines(ctx: Ctx, figure: str) -> pl.DataFrame:
    """An investor figure: `investor_carry_lines` for the carry figures but
    `nav_before_carry` (its capital account), the IRR policy's (`explain_irr`), else the
    book's."""
    if figure in IRR_POLICY:
        return irr_policy_lines(ctx, figure)
    if figure in CARRY_FIGURES and figure != "nav_before_carry":
        return investor_carry_lines(ctx, figure, ctx.own_txns())
    if figure == "nav_before_carry" and not has_carry(ctx):
        return not_modelled(ctx, figure)
    return explain_book.investor_lines(ctx, figure)


def has_carry(ctx: Ctx) -> bool:
    """Whether the row's fund has carry terms (terms.csv `carry_pct`)."""
    return ctx.row["fund_id"] in set(carry_terms(ctx.frames)["fund_id"].to_list())


def not_modelled(ctx: Ctx, figure: str) -> pl.DataFrame:
    """A carry figure of a fund without carry terms: undefined, never 0.00."""
    item = f"{figure}: not modelled, fund {ctx.row['fund_id']} has no carry terms (carry_pct)"
    return ln.value_line(item, None, "term", source="terms.csv")


def fund_carry_lines(ctx: Ctx, figure: str, nav_lines: pl.DataFrame) -> pl.DataFrame:
    """A fund's `nav` (net of accrued carry), `nav_before_carry` (`nav_lines`: cash,
    holdings, accruals), `carry_paid` (its `carry` rows), `accrued_carry` and
    `clawback_exposure` (the sums of its partners')."""
    if figure == "nav":
        if not has_carry(ctx):
            return nav_lines
        return ln.concat([nav_lines, ctx.figure("accrued_carry", sign=-1)])
    if not has_carry(ctx):
        return not_modelled(ctx, figure)
    if figure == "nav_before_carry":
        return nav_lines
    if figure == "carry_paid":
        return ln.txn_lines(ctx.txns, _CARRY_ROWS)
    # the partners' figures from the waterfall at the date (the stored investor level may not
    # be loaded beside the fund's, and the fund's figure is their sum either way)
    partners = book_waterfall(ctx.frames, ctx.row["fund_id"], ctx.as_of).carry
    return ln.frame_lines(
        partners.sort("investor_id"),
        "term",
        item=pl.format("{} of investor {}", pl.lit(figure), "investor_id"),
        source=pl.lit(f"{_WATERFALL}.waterfall (each partner's tiers)"),
        amount=pl.col(figure).cast(ln.MONEY),
    )


def investor_carry_lines(
    ctx: Ctx, figure: str, mine: pl.DataFrame, at: dt.date | None = None
) -> pl.DataFrame:
    """A partner's `carry_paid` (the `carry` rows naming it), `accrued_carry` (the GP's
    entitlement from the waterfall's tiers less the carry booked) and `clawback_exposure`
    (the carry booked less the whole-fund carry, not below 0), at `at` (default: the
    as-of date; `mine`: the partner's rows to then)."""
    if not has_carry(ctx):
        return not_modelled(ctx, figure)
    if figure == "carry_paid":
        return ln.txn_lines(mine, _CARRY_ROWS)
    result = book_waterfall(ctx.frames, ctx.row["fund_id"], at or ctx.as_of)
    who = pl.col("investor_id") == ctx.row["investor_id"]
    carry = result.carry.filter(who)
    booked = ln.txn_lines(mine, _CARRY_ROWS, "term")
    if figure == "accrued_carry":
        tiers = result.tiers.filter(who & (pl.col("to_gp") != 0))
        lines = [
            ln.frame_lines(
                tiers,
                "term",
                item=pl.format("to the GP: {} tier, {}", "tier", "basis"),
                source=pl.lit(f"{_WATERFALL}.waterfall"),
                amount=pl.col("to_gp").cast(ln.MONEY),
            )
        ]
        if carry.height:
            row = carry.row(0, named=True)
            capped = row["carry_entitlement"] - row["carry_paid"] - row["carry_on_liquidation"]
            if capped:
                item = "limited to the whole-fund carry (American waterfall: the clawback cap)"
                lines.append(ln.value_line(item, capped, "term", source=_WATERFALL))
        lines.append(_negated(booked, "carry booked (subtracted)"))
        return ln.concat(lines)
    # clawback_exposure = max(0, booked - whole-fund carry)
    whole = carry["whole_fund_carry"][0] if carry.height else Decimal(0)
    paid = sum(booked["amount"].drop_nulls().to_list(), Decimal(0))
    inputs = {"carry_booked": paid, "whole_fund_carry": whole}
    rule = pl.max_horizontal(pl.col("carry_booked") - pl.col("whole_fund_carry"), pl.lit(0))
    return ln.concat(
        [
            booked.with_columns(pl.lit("shown").alias("role")),
            ln.value_line("whole-fund carry", whole, "shown", source=_WATERFALL),
            ln.rule_line("the carry booked beyond the whole-fund carry", rule, inputs, _WATERFALL),
        ]
    )


def _negated(lines: pl.DataFrame, note: str) -> pl.DataFrame:
    return lines.with_columns(
        -pl.col("amount"), pl.format("{} — {}", "item", pl.lit(note)).alias("item")
    )
