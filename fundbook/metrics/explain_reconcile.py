"""Explain figures of the reconcile level: a GP statement's figure against the book's."""

from __future__ import annotations

import polars as pl

from fundbook.metrics import lineage as ln
from fundbook.metrics.explain_book import Ctx
from fundbook.metrics.gp_statements import latest_statements
from fundbook.metrics.money import from_cents
from fundbook.metrics.reconcile import DEFAULT_TOLERANCE, FIGURES, STATUS
from fundbook.metrics.state import book_state

_PRODUCER = "fundbook.metrics.reconcile.reconcile"


def reconcile_lines(ctx: Ctx, figure: str) -> pl.DataFrame:
    """`gp`: the GP statement's row; `book`: the holder's capital account in the sub-fund at
    the statement date (the book state's); `difference`: book less GP; `tolerance`: the
    sub-fund's gp_tolerance (or the default); `status`: the rule; the other columns: the GP
    statement row (its dates, currency, file and line) and the holder's LP investor."""
    if figure == "gp":
        return _statement_line(ctx, FIGURES[ctx.row["figure"]][0])
    if figure in ("statement_date", "received_date", "currency", "source_file"):
        return _statement_line(ctx, figure)
    if figure == "source_line":
        return _statement_line(ctx, figure, "counted")
    if figure == "book":
        return _book_line(ctx)
    if figure == "investor_id":
        return ln.value_line(
            f"the LP investor of {ctx.row['fund_id']} (investors.csv fund_id)",
            ctx.row["investor_id"],
            "shown",
        )
    if figure == "difference":
        return ln.concat([ctx.figure("book"), ctx.figure("gp", sign=-1)])
    if figure == "tolerance":
        return _tolerance_line(ctx)
    shown = [ctx.figure(f, "shown") for f in ("difference", "tolerance")]
    inputs = {f: ctx.row[f] for f in ("difference", "tolerance")}
    rule = ln.rule_line("|difference| <= tolerance: agrees", STATUS, inputs, _PRODUCER)
    return ln.concat([*shown, rule])


def _statement_line(ctx: Ctx, column: str, role: str = "term") -> pl.DataFrame:
    """A column of the GP statement reconciled (the latest received by the as-of date); its
    line number `counted` (a count)."""
    keys = (pl.col("fund_id") == ctx.row["fund_id"]) & (
        pl.col("holding_id") == ctx.row["holding_id"]
    )
    row = latest_statements(ctx.frames, ctx.as_of).filter(keys).row(0, named=True)
    where = f"{row['source_file']}:{row['source_line']}"
    return ln.value_line(f"{column} of the GP statement ({where})", row[column], role)


def _book_line(ctx: Ctx) -> pl.DataFrame:
    """The holder's capital account figure in the sub-fund at the statement date."""
    column = FIGURES[ctx.row["figure"]][1]
    day = ctx.row["statement_date"]
    accounts = book_state(ctx.frames, day).accounts.filter(
        (pl.col("fund_id") == ctx.row["holding_id"])
        & (pl.col("investor_id") == ctx.row["investor_id"])
    )
    value = accounts.select(from_cents(pl.col(column)))[column][0]
    return ln.value_line(
        f"{column} of {ctx.row['investor_id']}'s capital account in {ctx.row['holding_id']} "
        f"at {day}",
        value,
        "term",
        source="fundbook.metrics.state.book_state",
    )


def _tolerance_line(ctx: Ctx) -> pl.DataFrame:
    """The sub-fund's gp_tolerance as terms.csv books it, or the default when it is empty."""
    held = ctx.row["holding_id"]
    booked = ctx.frames.terms.filter(pl.col("fund_id") == held)["gp_tolerance"]
    if booked.len() == 1 and booked[0] is not None:
        source = f"terms row fund_id={held} (the book's reference data)"
        return ln.value_line(
            "gp_tolerance of the sub-fund's terms", booked[0], "term", source=source
        )
    return ln.value_line(
        "gp_tolerance left empty: default",
        DEFAULT_TOLERANCE,
        "term",
        source="fundbook.metrics.reconcile.DEFAULT_TOLERANCE",
    )
