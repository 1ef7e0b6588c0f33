"""The GL's dated totals per fund: cash, accruals (R4), equalisation interest, memo, P&L lines.

Every total is cumulative to each date `at` of a grid of (fund_id, at) pairs, in cents. A fee
or expense with a service period is recognised day by day over it (round_half_even(amount x
days served / days), R4); paid less recognised is prepaid when positive, accrued when negative.
A fee, expense or income row with an `investor_id` is partner-specific (R5): its P&L goes to
that partner alone, so its lines are kept per investor.
"""

from __future__ import annotations

import polars as pl

from fundbook.metrics.fee_attribution import attribution_quarter
from fundbook.metrics.gl_chart import (
    CAPITAL_EFFECT,
    CASH_EFFECT,
    INTEREST_EFFECT,
    MEMO_ACCOUNTS,
    effect,
)
from fundbook.metrics.money import CENTS, cents, divide_half_even, zero

# The P&L lines a fund keeps, their sign in P&L (the debit-minus-credit balance is -sign).
PNL_SIGN = {
    "income": 1,
    "fees": -1,
    "expenses": -1,
    "grants": -1,
    "realised": 1,
    "fx": 1,
    "unrealised": 1,
}


def _dated(txns: pl.DataFrame, grid: pl.DataFrame) -> pl.DataFrame:
    """Every row paired with each date of its fund's grid on or after it (or, for a service
    period, on or after its start): `paid` says whether its cash has moved by then."""
    started = pl.col("service_start").is_not_null() & (pl.col("service_start") <= pl.col("at"))
    return (
        txns.join(grid, on="fund_id")
        .filter((pl.col("date") <= pl.col("at")) | started)
        .with_columns((pl.col("date") <= pl.col("at")).alias("paid"))
    )


def recognised() -> pl.Expr:
    """The expense recognised through `at` (R4): the whole amount when paid and without a
    service period, else round_half_even(amount x n / N) over the service period."""
    days = (pl.col("service_end") - pl.col("service_start")).dt.total_days() + 1
    served = (pl.min_horizontal("at", "service_end") - pl.col("service_start")).dt.total_days()
    n = pl.max_horizontal(served + 1, pl.lit(0)).cast(CENTS)
    spread = divide_half_even(pl.col("amt") * n, days.cast(CENTS))
    whole = pl.when(pl.col("paid")).then(pl.col("amt")).otherwise(zero())
    return pl.when(pl.col("service_start").is_not_null()).then(spread).otherwise(whole)


def to_dates(daily: pl.DataFrame, grid: pl.DataFrame, keys: list[str]) -> pl.DataFrame:
    """Running totals at the grid's dates: `daily` holds per (fund_id, *keys, date) amounts;
    each value column is summed over the dates on or before each `at` of the fund's dates in
    `grid` (fund_id, at), per (fund_id, *keys) found in `daily`. A fund with two dates (most:
    the date and the previous period end) is summed in one grouping; the others by one sort
    and an as-of join."""
    values = [c for c in daily.columns if c not in ("fund_id", *keys, "date")]
    by = ["fund_id", *keys]
    dates = grid.group_by("fund_id").agg(
        pl.col("at").min().alias("_d0"), pl.col("at").max().alias("_d1"), pl.len().alias("_n")
    )
    pairs = dates.filter(pl.col("_n") == 2).select("fund_id", "_d0", "_d1")
    first, second = pl.col("date") <= pl.col("_d0"), pl.col("date") <= pl.col("_d1")
    two = (
        daily.join(pairs, on="fund_id")
        .group_by(by)
        .agg(
            *(pl.col(v).filter(first).sum().alias(f"_a_{v}") for v in values),
            *(pl.col(v).filter(second).sum().alias(f"_b_{v}") for v in values),
        )
        .join(grid.join(pairs.drop("_d1"), on="fund_id"), on="fund_id")
    )
    early = pl.col("at") == pl.col("_d0")
    out_two = two.select(
        *by,
        "at",
        *(
            pl.when(early).then(pl.col(f"_a_{v}")).otherwise(pl.col(f"_b_{v}")).alias(v)
            for v in values
        ),
    )
    running = (
        daily.join(pairs, on="fund_id", how="anti")
        .group_by(*by, "date")
        .agg(pl.col(values).sum())
        .sort("date")
        .with_columns(pl.col(values).cum_sum().over(by, order_by="date"))
    )
    others = (
        grid.join(pairs, on="fund_id", how="anti")
        .join(running.select(by).unique(), on="fund_id")
        .sort("at")
    )
    out_rest = others.join_asof(
        running, left_on="at", right_on="date", by=by, strategy="backward", check_sortedness=False
    ).select(*by, "at", *values)
    parts = [p.with_columns(pl.col(values).fill_null(0).cast(CENTS)) for p in (out_two, out_rest)]
    return pl.concat(parts)


def fund_totals(txns: pl.DataFrame, grid: pl.DataFrame) -> pl.DataFrame:
    """Per (fund_id, at): cash, prepaid, accrued, interest payable, grants and the common
    (no investor) income, fees and expenses; expenses also per category (`expense_lines`)."""
    common = pl.col("investor_id").is_null()
    plain = pl.col("service_start").is_null()
    kind = pl.col("type")
    amt = pl.col("amt")
    daily = txns.select(
        "fund_id",
        "date",
        (amt * effect(CASH_EFFECT)).alias("cash"),
        (amt * effect(INTEREST_EFFECT)).alias("interest_payable"),
        pl.when(kind == "grant").then(amt).otherwise(zero()).alias("grants"),
        pl.when((kind == "income") & common).then(amt).otherwise(zero()).alias("income"),
        pl.when((kind == "fee") & common & plain).then(amt).otherwise(zero()).alias("fees"),
        pl.when((kind == "expense") & common & plain).then(amt).otherwise(zero()).alias("expenses"),
    )
    out = grid.join(to_dates(daily, grid, []), on=["fund_id", "at"], how="left")
    out = out.with_columns(pl.exclude("fund_id", "at").fill_null(0).cast(CENTS))
    return out.join(_served(txns, grid), on=["fund_id", "at"], how="left").select(
        "fund_id",
        "at",
        "cash",
        "interest_payable",
        "grants",
        "income",
        (pl.col("fees") + pl.col("_fees").fill_null(0)).alias("fees"),
        (pl.col("expenses") + pl.col("_expenses").fill_null(0)).alias("expenses"),
        pl.col("prepaid").fill_null(0).cast(CENTS),
        pl.col("accrued").fill_null(0).cast(CENTS),
    )


def _served(txns: pl.DataFrame, grid: pl.DataFrame) -> pl.DataFrame:
    """Per (fund_id, at), the rows with a service period (few): prepaid, accrued, and the
    common fees and expenses recognised."""
    rows = _dated(txns.filter(pl.col("service_start").is_not_null()), grid)
    paid = pl.when(pl.col("paid")).then(pl.col("amt")).otherwise(zero())
    common = pl.col("investor_id").is_null()
    rows = rows.with_columns(recognised().alias("_rec"), paid.alias("_paid")).with_columns(
        (pl.col("_paid") - pl.col("_rec")).alias("_ahead")
    )
    return rows.group_by("fund_id", "at").agg(
        pl.col("_ahead").filter(pl.col("_ahead") > 0).sum().alias("prepaid"),
        (zero() - pl.col("_ahead").filter(pl.col("_ahead") < 0)).sum().alias("accrued"),
        pl.col("_rec").filter((pl.col("type") == "fee") & common).sum().alias("_fees"),
        pl.col("_rec").filter((pl.col("type") == "expense") & common).sum().alias("_expenses"),
    )


def fee_amounts(txns: pl.DataFrame, grid: pl.DataFrame, which: pl.Expr) -> pl.DataFrame:
    """Per (fund_id, at, quarter_start): the fee rows `which` selects, recognised through `at`
    (R4), by the quarter whose computed fees split them (`attribution_quarter`), `amount`."""
    rows = _dated(txns.filter(which), grid).with_columns(recognised().alias("_rec"))
    return rows.group_by("fund_id", "at", attribution_quarter(pl.col("at"))).agg(
        pl.col("_rec").sum().cast(CENTS).alias("amount")
    )


def expense_lines(txns: pl.DataFrame, grid: pl.DataFrame) -> pl.DataFrame:
    """Per (fund_id, at, category): the expense recognised to date (all partners)."""
    rows = _dated(txns.filter(pl.col("type") == "expense"), grid)
    return (
        rows.with_columns(recognised().alias("_rec"), pl.col("category").fill_null("other"))
        .group_by("fund_id", "at", "category")
        .agg(pl.col("_rec").sum().cast(CENTS).alias("amount"))
    )


def specific_totals(txns: pl.DataFrame, grid: pl.DataFrame) -> pl.DataFrame:
    """Per (fund_id, at, investor_id) of partner-specific rows: the income, fees and expenses
    of that partner alone (its fund totals include them too)."""
    rows = _dated(
        txns.filter(pl.col("investor_id").is_not_null() & pl.col("type").is_in(_SPECIFIC)), grid
    )
    paid = pl.when(pl.col("paid")).then(pl.col("amt")).otherwise(zero())
    return (
        rows.with_columns(recognised().alias("_rec"), paid.alias("_paid"))
        .group_by("fund_id", "at", "investor_id")
        .agg(
            pl.col("_paid").filter(pl.col("type") == "income").sum().alias("income"),
            pl.col("_rec").filter(pl.col("type") == "fee").sum().alias("fees"),
            pl.col("_rec").filter(pl.col("type") == "expense").sum().alias("expenses"),
        )
        .with_columns(pl.col("income", "fees", "expenses").cast(CENTS))
    )


_SPECIFIC = ("income", "fee", "expense")


def partner_flows(
    txns: pl.DataFrame, commitments: pl.DataFrame, grid: pl.DataFrame
) -> pl.DataFrame:
    """Per (fund_id, at, investor_id): committed (dated on or before), capital contributed
    less returned (`net_capital`, equalisation rows included) and paid in (`paid_in`)."""
    rows = txns.filter(pl.col("type").is_in(list(CAPITAL_EFFECT)))
    paid_in = pl.col("type").is_in(["contribution", "equalisation_contribution"])
    daily = pl.concat(
        [
            rows.select(
                "fund_id",
                "investor_id",
                "date",
                zero().alias("committed"),
                (pl.col("amt") * effect(CAPITAL_EFFECT)).alias("net_capital"),
                pl.when(paid_in).then(pl.col("amt")).otherwise(zero()).alias("paid_in"),
            ),
            commitments.select(
                "fund_id",
                "investor_id",
                "date",
                cents(pl.col("amount_fund")).alias("committed"),
                zero().alias("net_capital"),
                zero().alias("paid_in"),
            ),
        ]
    )
    return to_dates(daily, grid, ["investor_id"])


def memo_totals(txns: pl.DataFrame, grid: pl.DataFrame) -> pl.DataFrame:
    """Per (fund_id, at, account): the memo rows to date (off balance sheet)."""
    rows = txns.filter(pl.col("type").is_in(list(MEMO_ACCOUNTS)))
    return (
        rows.join(grid, on="fund_id")
        .filter(pl.col("date") <= pl.col("at"))
        .with_columns(pl.col("type").replace_strict(MEMO_ACCOUNTS).alias("account"))
        .group_by("fund_id", "at", "account")
        .agg(pl.col("amt").sum().cast(CENTS).alias("amount"))
    )
