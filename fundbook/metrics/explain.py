"""Explain a stored figure: the lines (ledger rows, stored figures) whose arithmetic gives it."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from decimal import Decimal
from typing import Any

import polars as pl

from fundbook.core.errors import NotFound
from fundbook.core.types import INFO_LEVELS
from fundbook.metrics import (
    explain_accruals,
    explain_carry,
    explain_fees,
    explain_forecast,
    explain_holding,
    explain_ledger,
    explain_look_through,
    explain_pme,
    explain_reconcile,
    explain_statement,
    explain_theme,
)
from fundbook.metrics import explain_board as board
from fundbook.metrics import explain_levels as other
from fundbook.metrics import lineage as ln
from fundbook.metrics.explain_book import Ctx, Stored
from fundbook.metrics.protocol import BookFrames

# How each kind of result is reproduced from its lines (the result line names it).
FORMULAS = {
    "term": "the sum of the term lines",
    "numerator": "the sum of the numerator lines / the sum of the denominator lines",
    "flow": "the XIRR of the dated flow lines",
    "counted": "the number of counted lines",
    "text": "as its source holds it, or as its rule gives it (the derived line)",
    "constant": "a constant of the rules (fundbook.core.types)",
    "derived": "as the metrics' rule gives it (the derived line)",
}
Recipe = Callable[[Ctx, str], pl.DataFrame]
# Every level of a snapshot (and `statement`, the capital account statements; `ledger`, the
# general ledger's balances) and its recipe.
RECIPES: dict[str, Recipe] = {
    "fund": explain_carry.fund_lines,
    "investor": explain_carry.investor_lines,
    "holding": explain_holding.holding_lines,
    "holding_look_through": board.look_through_lines,
    "theme": explain_theme.theme_lines,
    "theme_look_through": explain_theme.theme_lines,
    "theme_by_fund": explain_theme.theme_lines,
    "theme_by_investor": board.look_through_lines,
    "look_through_company": explain_look_through.company_lines,
    "look_through_nav": explain_look_through.nav_lines,
    "programme": other.programme_lines,
    "programme_fund": other.programme_lines,
    "grant": other.grant_lines,
    "compliance": other.compliance_lines,
    "compliance_status": board.compliance_status_lines,
    "cash_flow": other.cash_flow_lines,
    "fund_movement": board.movement_lines,
    "expense_by_category": explain_accruals.category_lines,
    "fee_check": explain_fees.fee_check_lines,
    "reconcile": explain_reconcile.reconcile_lines,
    "forecast": explain_forecast.forecast_lines,
    "forecast_parameters": explain_forecast.parameter_lines,
    "forecast_programme": explain_forecast.programme_lines,
    "flow": other.flow_lines,
    **dict.fromkeys(("pme_fund", "pme_investor", "pme_programme"), explain_pme.pme_lines),
    **dict.fromkeys(INFO_LEVELS, other.info_lines),
    "statement": explain_statement.statement_lines,
    explain_ledger.LEVEL: explain_ledger.ledger_lines,
}
__all__ = ["FORMULAS", "RECIPES", "Stored", "derived_text", "explain", "sum_of_terms"]


def explain(
    frames: BookFrames,
    stored: Stored,
    as_of: dt.date,
    level: str,
    row: dict[str, Any],
    figure: str,
) -> pl.DataFrame:
    """The lines of `figure` of one stored `row` of `level` (ledger rows, stored figures; each
    with its role in the arithmetic), then the figure as stored, last (role `result`)."""
    if level not in RECIPES:
        raise NotFound(f"no level {level!r}; levels: {', '.join(RECIPES)}")
    if figure not in row:
        raise NotFound(f"no figure {figure!r} at level {level}; figures: {', '.join(row)}")
    ctx = Ctx(frames, stored, as_of, level, row)
    lines = RECIPES[level](ctx, figure)
    value = row[figure]
    kind = "text" if level in INFO_LEVELS else _kind(lines, value)
    result = ln.value_line(
        f"{figure} = {FORMULAS[kind]}" if value is not None else f"{figure}: undefined (null)",
        None if kind in ("text", "derived") else value,
        "result",
        kind="result",
        source=f"{stored.where}: {level}.{figure}",
    )
    if kind == "text" and value is not None:  # the value the lines give, not the stored one
        result = result.with_columns(pl.lit(derived_text(lines)).alias("text"))
    if kind == "derived" and value is not None:
        values = ("amount", "ratio", "count", "text")
        derived = lines.filter(pl.col("role") == "derived").select(values).tail(1)
        result = result.with_columns(
            [pl.lit(derived[c][0], derived[c].dtype).alias(c) for c in values]
        )
    out = ln.concat([lines, result])
    return out.with_columns(pl.int_range(1, out.height + 1, dtype=pl.Int64).alias("step"))


def sum_of_terms(lines: pl.DataFrame) -> Decimal | None:
    """The sum of the money `term` lines of a figure that is their sum (its result line says
    so), to show beside the figure that they add up; None for any other figure (a ratio, an
    IRR, a count, a text)."""
    result = lines.filter(pl.col("role") == "result")
    if result.height == 0 or not str(result["item"][0]).endswith(FORMULAS["term"]):
        return None
    terms = lines.filter(pl.col("role") == "term")["amount"].drop_nulls().to_list()
    return sum(terms, Decimal(0))


def derived_text(lines: pl.DataFrame) -> str | None:
    """A text, flag or date figure as its lines give it: the last `derived` line (its rule's
    value, none when the rule gives none), else the last line holding a text (its source
    row)."""
    derived = lines.filter(pl.col("role") == "derived")
    texts = lines.filter(pl.col("role") != "result").filter(pl.col("text").is_not_null())
    pick = derived if derived.height else texts
    return pick["text"][-1] if pick.height else None


def _kind(lines: pl.DataFrame, value: Any) -> str:
    if isinstance(value, (str, bool, dt.date)):
        return "text"
    roles = set(lines["role"].to_list())
    return next(
        (r for r in ("derived", "flow", "numerator", "counted", "constant") if r in roles), "term"
    )
