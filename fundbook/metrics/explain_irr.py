"""Explain the IRR policy's figures: the first contribution, the months, and the n.m. flags."""

from __future__ import annotations

import polars as pl

from fundbook.metrics import lineage as ln
from fundbook.metrics.explain_book import Ctx, text_lines
from fundbook.metrics.irr_policy import (
    CONTRIBUTION_TYPES,
    DEFAULT_IRR_NM_MONTHS,
    FLAGS,
    SOURCE,
    too_young,
)

FIGURES = ("irr_since", "irr_nm_months", *FLAGS)


def irr_policy_lines(ctx: Ctx, figure: str) -> pl.DataFrame:
    """`irr_since` (the first contribution row of the fund, or of the partner in it),
    `irr_nm_months` (terms.csv, else the default) or a flag (the age rule on both)."""
    if figure == "irr_since":
        return _since_lines(ctx)
    if figure == "irr_nm_months":
        return _months_lines(ctx)
    inputs = {"irr_since": ctx.row["irr_since"], "irr_nm_months": ctx.row["irr_nm_months"]}
    rule = ln.rule_line(
        f"{FLAGS[figure]} n.m.: {ctx.as_of} before irr_since + irr_nm_months calendar months",
        too_young(pl.col("irr_since"), ctx.as_of, pl.col("irr_nm_months")),
        inputs,
        SOURCE,
    )
    return ln.concat([ctx.figure("irr_since", "shown"), ctx.figure("irr_nm_months", "shown"), rule])


def _since_lines(ctx: Ctx) -> pl.DataFrame:
    rows = ctx.own_txns().filter(pl.col("type").is_in(CONTRIBUTION_TYPES))
    first = rows.sort("date", "source_line").head(1)
    shown = ln.txn_lines(first, dict.fromkeys(CONTRIBUTION_TYPES, -1), "shown")
    date = first["date"][0] if first.height else None
    rule = ln.value_line("the date of the first contribution (none: no IRR)", date, "derived")
    return ln.concat([shown, rule])


def _months_lines(ctx: Ctx) -> pl.DataFrame:
    booked = text_lines(ctx, "irr_nm_months", "terms", "fund_id")
    given = booked["text"][0]
    months = DEFAULT_IRR_NM_MONTHS if given is None else int(given)
    item = "irr_nm_months of terms.csv" if given is not None else "no irr_nm_months: the default"
    return ln.concat([booked, ln.value_line(item, months, "derived", source=SOURCE)])
