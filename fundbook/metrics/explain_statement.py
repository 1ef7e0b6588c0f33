"""Explain a line of a stored capital account statement: its rows, or its roll-forward."""

from __future__ import annotations

from decimal import Decimal

import polars as pl

from fundbook.metrics import lineage as ln
from fundbook.metrics.explain_accruals import statement_accrual_lines
from fundbook.metrics.explain_book import Ctx
from fundbook.metrics.explain_carry import has_carry, investor_carry_lines
from fundbook.metrics.explain_carry import not_modelled as carry_not_modelled
from fundbook.metrics.explain_fee_lines import has_fee_terms, not_modelled, offset_lines
from fundbook.metrics.explain_pnl import ALLOCATED as _ALLOCATED
from fundbook.metrics.explain_pnl import allocated_lines
from fundbook.metrics.statement import CARRY_LINES, NOT_IN_BOOK, NULL_WITHOUT_TERMS, ROLL_FORWARD

# Lines that are rows of the period (fund rows: also the fund's fees, expenses and income);
# the equalisation rows of a later closing are contributions and (recallable) distributions.
_PAID = {"contribution": 1, "equalisation_contribution": 1}
_PERIOD_ROWS = {
    "contributions": _PAID,
    "unfunded_contributions": _PAID,
    "distributions": {"distribution": 1, "equalisation_distribution": 1},
    "recallable_distributions": {"equalisation_distribution": 1},
}
# Unfunded: commitments less contributions, plus the recallable distributions.
_UNFUNDED = {"contribution": -1, "equalisation_contribution": -1, "equalisation_distribution": 1}
_FUND_ROWS = {
    "income": {"income": 1},
    "other_income_expense": {"grant": -1},  # the fund's only other expense: its grants
}
# Fund lines recognised over service periods (metrics.accruals), not the rows paid.
_RECOGNISED = ("management_fees", "partnership_expenses")


def statement_lines(ctx: Ctx, figure: str) -> pl.DataFrame:
    """A statement line of one investor (or the fund total, investor_id null) and basis."""
    row = ctx.row
    start, end = row["start_date"], row["end_date"]
    txns = ctx.own_txns().filter(pl.col("date") <= end)
    period = txns.filter(pl.col("date") >= start)
    fund_row = row.get("investor_id") is None
    if figure == "fee_offsets":
        return offset_lines(ctx) if has_fee_terms(ctx) else not_modelled(ctx, figure)
    if figure == "management_fees" and has_fee_terms(ctx):
        return _fees_gross(ctx, figure)
    if figure in _PERIOD_ROWS:
        return ln.txn_lines(period, _PERIOD_ROWS[figure])
    if fund_row and figure in _FUND_ROWS:
        return ln.txn_lines(period, _FUND_ROWS[figure])
    if fund_row and figure in _RECOGNISED:
        return statement_accrual_lines(ctx, figure)
    if figure in ("commitment", "beginning_unfunded", "ending_unfunded"):
        paid = {"commitment": end, "beginning_unfunded": start, "ending_unfunded": end}[figure]
        before = txns.filter(
            pl.col("date") <= paid if figure == "ending_unfunded" else pl.col("date") < paid
        )
        signs = {} if figure == "commitment" else _UNFUNDED
        return ln.concat([ln.commitment_lines(ctx.commitments()), ln.txn_lines(before, signs)])
    if figure in CARRY_LINES and not has_carry(ctx):
        return carry_not_modelled(ctx, figure)
    if figure == "carry_paid":
        return ln.txn_lines(period, {"carry": 1})
    if figure == "carry_accrued_balance" and not fund_row:
        return investor_carry_lines(ctx, "accrued_carry", txns, end)
    if figure in NOT_IN_BOOK:
        return ln.value_line(f"{figure}: not kept in the book", Decimal(0), "shown")
    if figure == "ending_nav":
        return _roll_forward(ctx, "beginning_nav", 1)
    if fund_row and _investor_rows(ctx).height:
        return _investors(ctx, figure)
    if figure == "beginning_nav":
        return _roll_forward(ctx, "ending_nav", -1)
    if figure in _ALLOCATED and not fund_row:
        return allocated_lines(ctx, figure)
    return _from_roll_forward(ctx, figure)


def _fees_gross(ctx: Ctx, figure: str) -> pl.DataFrame:
    """Management fees of a fund with fee terms, gross of offsets: the booked fees (the
    fund's as recognised; an investor's allocated, by computed fees) plus the offsets."""
    if ctx.row.get("investor_id") is None:
        booked = statement_accrual_lines(ctx, figure)
    else:
        booked = allocated_lines(ctx, figure)
    return ln.concat([booked, offset_lines(ctx)])


def _line(ctx: Ctx, line: str, sign: int) -> pl.DataFrame:
    """A roll-forward line of the same row; a line not modelled (null) moves no NAV."""
    if line in NULL_WITHOUT_TERMS and ctx.row.get(line) is None:
        return ln.value_line(f"{line}: not modelled (null), moves no NAV", None, "shown")
    return ctx.figure(line, sign=sign)


def _roll_forward(ctx: Ctx, base: str, sign: int) -> pl.DataFrame:
    """ending = beginning + the signed lines of the period (or beginning = ending - them)."""
    parts = [ctx.figure(base)]
    parts += [_line(ctx, line, s * sign) for line, s in ROLL_FORWARD]
    return ln.concat(parts)


def _from_roll_forward(ctx: Ctx, figure: str) -> pl.DataFrame:
    """From the roll-forward: ending - beginning - every other line. (Metrics computes
    other_income_expense from the investor's share of the period's grants and the
    reallocation of the P&L earned before the period; a fund without investors, its gains
    from its holdings; the roll-forward adds up to the cent, so the other lines give them.)"""
    own = dict(ROLL_FORWARD).get(figure, 1)  # a line the roll-forward subtracts: negated
    parts = [ctx.figure("ending_nav", sign=own), ctx.figure("beginning_nav", sign=-own)]
    parts += [_line(ctx, line, -s * own) for line, s in ROLL_FORWARD if line != figure]
    return ln.concat(parts)


def _investor_rows(ctx: Ctx) -> pl.DataFrame:
    return ctx.stored.statements.filter(
        (pl.col("basis") == ctx.row["basis"])
        & (pl.col("fund_id") == ctx.row["fund_id"])
        & pl.col("investor_id").is_not_null()
    )


def _investors(ctx: Ctx, figure: str) -> pl.DataFrame:
    """A fund-total line: the sum of its investors' lines."""
    label = pl.format("{} of investor {}", pl.lit(figure), "investor_id")
    where = f"{ctx.stored.where}: statement {ctx.row['basis']}.{figure}"
    return ln.stored_lines(_investor_rows(ctx), figure, label, where)
