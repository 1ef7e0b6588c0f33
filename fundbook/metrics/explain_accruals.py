"""Explain fees and expenses recognised over service periods: each row's part, prepaid, accrued."""

from __future__ import annotations

from datetime import date, timedelta
from typing import TYPE_CHECKING

import polars as pl

from fundbook.metrics import lineage as ln
from fundbook.metrics.accruals import RECOGNISED, period_starts, row_accruals
from fundbook.metrics.money import from_cents
from fundbook.metrics.protocol import BookFrames

if TYPE_CHECKING:  # explain_book imports this module
    from fundbook.metrics.explain_book import Ctx

# The fund figures of an accrual: (column of `row_accruals`, the types whose rows make it).
FUND_FIGURES: dict[str, tuple[str, tuple[str, ...]]] = {
    **{line: ("recognised", (t,)) for t, line in RECOGNISED.items()},
    "prepaid": ("prepaid", tuple(RECOGNISED)),
    "accrued": ("accrued", tuple(RECOGNISED)),
}


def accrual_lines(
    frames: BookFrames,
    at: date,
    where: dict[str, str],
    column: str,
    types: tuple[str, ...],
    since: date | None = None,
    sign: int = 1,
) -> pl.DataFrame:
    """A line per fee or expense row of `types` (rows matching `where`, column -> value): its
    `column` of `row_accruals` at `at`, less the same at `since` when given, signed; a row
    with a service period names the days of it recognised. Rows adding nothing are left out
    of the prepaid and accrued and of a period's part (`since`), never out of what is
    recognised to date (a row paid on its date)."""
    rows = row_accruals(frames, at).filter(pl.col("type").is_in(list(types)))
    for key, wanted in where.items():
        rows = rows.filter(pl.col(key) == wanted)
    value = pl.col(column)
    if since is not None:
        was = row_accruals(frames, since).select("txn_id", pl.col(column).alias("_was"))
        rows = rows.join(was, on="txn_id", how="left")
        value = value - pl.col("_was").fill_null(0)
    rows = rows.with_columns((value * sign).alias("_value"))
    if column != "recognised" or since is not None:
        rows = rows.filter(pl.col("_value") != 0)
    return ln.frame_lines(
        rows.sort("date", "source_file", "source_line"),
        "term",
        date=pl.col("date"),
        kind=pl.lit("row"),
        item=_item(column, at),
        source=pl.format("{}:{}", "source_file", "source_line"),
        amount=from_cents(pl.col("_value")),
    )


def _item(column: str, at: date) -> pl.Expr:
    who = pl.coalesce("investor_id", "holding_id", pl.lit("-"))
    plain = pl.format("{} {} ({})", "type", who, "txn_id")
    served = pl.format(
        f"{{}} {{}} ({{}}): {column} at {at}: paid {{}}, {{}} of the {{}} days of its service "
        "period {}..{} expensed",
        "type",
        who,
        "txn_id",
        from_cents(pl.col("paid")),
        "elapsed",
        "days",
        "service_start",
        "service_end",
    )
    return pl.when(pl.col("service_start").is_not_null()).then(served).otherwise(plain)


def fund_accrual_lines(ctx: Ctx, figure: str) -> pl.DataFrame:
    """A fund's fees, expenses (recognised), prepaid or accrued: its rows' parts."""
    column, types = FUND_FIGURES[figure]
    return accrual_lines(ctx.frames, ctx.as_of, {"fund_id": ctx.row["fund_id"]}, column, types)


def nav_accrual_lines(ctx: Ctx) -> pl.DataFrame:
    """The prepaid (added) and accrued (subtracted) of a fund's NAV."""
    where = {"fund_id": ctx.row["fund_id"]}
    types = tuple(RECOGNISED)
    return ln.concat(
        [
            accrual_lines(ctx.frames, ctx.as_of, where, "prepaid", types),
            accrual_lines(ctx.frames, ctx.as_of, where, "accrued", types, sign=-1),
        ]
    )


def statement_accrual_lines(ctx: Ctx, figure: str) -> pl.DataFrame:
    """A fund's management fees or partnership expenses of a statement's period: each row's
    part recognised from its start to its end."""
    kind = {"management_fees": "fee", "partnership_expenses": "expense"}[figure]
    start, end = ctx.row["start_date"], ctx.row["end_date"]
    where = {"fund_id": ctx.row["fund_id"]}
    return accrual_lines(
        ctx.frames, end, where, "recognised", (kind,), since=start - timedelta(days=1)
    )


def category_lines(ctx: Ctx, figure: str) -> pl.DataFrame:
    """A figure of `expense_by_category`: the expense rows of its fund and category, each
    with its part recognised in the quarter, the year or since inception."""
    from fundbook.metrics.explain_book import text_lines

    starts = period_starts(ctx.as_of)
    if figure not in starts:
        return text_lines(ctx, figure)
    where = {"fund_id": ctx.row["fund_id"], "category": ctx.row["category"]}
    return accrual_lines(
        ctx.frames, ctx.as_of, where, "recognised", ("expense",), since=starts[figure]
    )
