"""The GL's dated totals per fund: cash, accruals (R4), equalisation interest, memo, P&L lines.

Every total is cumulative to each date `at` of a grid of (fund_id, at) pairs, in cents. A fee
or expense with a service period is recognised day by day over it (round_half_even(amount x
days served / days), R4); paid less recognised is prepaid when positive, accrued when negative.
A fee, expense or income row with an `investor_id` is partner-specific (R5): its P&L goes to
that partner alone, so its lines are kept per investor.
"""

from __future__ import annotations

import polars as pl

from fundbook.metrics.gl_chart import (
    ACCRUED_TYPES,
    CAPITAL_EFFECT,
    CASH_EFFECT,
    INTEREST_EFFECT,
    MEMO_ACCOUNTS,
    effect,
)
from fundbook.metrics.money import CENTS, cents, divide_half_even, zero

# The P&L lines a fund keeps, their sign in P&L (the debit-minus-credit balance is -sign).
PNL_SIGN = {"income": 1, "fees": -1, "expenses": -1, "grants": -1, "realised": 1, "unrealised": 1}


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


def fund_totals(txns: pl.DataFrame, grid: pl.DataFrame) -> pl.DataFrame:
    """Per (fund_id, at): cash, prepaid, accrued, interest payable, grants and the common
    (no investor) income, fees and expenses; expenses also per category (`expense_lines`)."""
    rows = _dated(txns, grid)
    paid = pl.when(pl.col("paid")).then(pl.col("amt")).otherwise(zero())
    accrued_kind = pl.col("type").is_in(ACCRUED_TYPES)
    common = pl.col("investor_id").is_null()
    rows = rows.with_columns(
        pl.when(accrued_kind).then(recognised()).otherwise(zero()).alias("_rec"),
        paid.alias("_paid"),
    ).with_columns(
        pl.when(accrued_kind & pl.col("service_start").is_not_null())
        .then(pl.col("_paid") - pl.col("_rec"))
        .otherwise(zero())
        .alias("_ahead")
    )
    out = rows.group_by("fund_id", "at").agg(
        (pl.col("_paid") * effect(CASH_EFFECT)).sum().alias("cash"),
        pl.col("_ahead").filter(pl.col("_ahead") > 0).sum().alias("prepaid"),
        (zero() - pl.col("_ahead").filter(pl.col("_ahead") < 0)).sum().alias("accrued"),
        (pl.col("_paid") * effect(INTEREST_EFFECT)).sum().alias("interest_payable"),
        pl.col("_paid").filter(pl.col("type") == "grant").sum().alias("grants"),
        pl.col("_paid").filter((pl.col("type") == "income") & common).sum().alias("income"),
        pl.col("_rec").filter((pl.col("type") == "fee") & common).sum().alias("fees"),
        pl.col("_rec").filter((pl.col("type") == "expense") & common).sum().alias("expenses"),
    )
    return grid.join(out, on=["fund_id", "at"], how="left").with_columns(
        pl.exclude("fund_id", "at").fill_null(0).cast(CENTS)
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
    flows = (
        rows.join(grid, on="fund_id")
        .filter(pl.col("date") <= pl.col("at"))
        .group_by("fund_id", "at", "investor_id")
        .agg(
            (pl.col("amt") * effect(CAPITAL_EFFECT)).sum().alias("net_capital"),
            pl.col("amt")
            .filter(pl.col("type").is_in(["contribution", "equalisation_contribution"]))
            .sum()
            .alias("paid_in"),
        )
    )
    committed = (
        commitments.join(grid, on="fund_id")
        .filter(pl.col("date") <= pl.col("at"))
        .group_by("fund_id", "at", "investor_id")
        .agg(cents(pl.col("amount_fund")).sum().alias("committed"))
    )
    keys = ["fund_id", "at", "investor_id"]
    return committed.join(flows, on=keys, how="full", coalesce=True).with_columns(
        pl.col("committed", "net_capital", "paid_in").fill_null(0).cast(CENTS)
    )


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
