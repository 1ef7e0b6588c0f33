"""Fees and expenses recognised over their service periods: prepaid, accrued, by category."""

from __future__ import annotations

from datetime import date, timedelta

import polars as pl

from fundbook.core.types import DEFAULT_EXPENSE_CATEGORY, SERVICE_PERIOD_TYPES
from fundbook.metrics.memo import per_frames
from fundbook.metrics.money import CENTS, as_money, cents, prorate, zero
from fundbook.metrics.protocol import BookFrames

# The recognised amount of each type, as the fund's P&L line names it (state.PNL_LINES).
RECOGNISED = {"fee": "fees", "expense": "expenses"}
ACCRUAL_COLUMNS = ("prepaid", "accrued")
# The periods of the `expense_by_category` level: (column, the day its period starts after).
CATEGORY_PERIODS = ("expenses_qtd", "expenses_ytd", "expenses_itd")


@per_frames
def _service_rows(frames: BookFrames) -> pl.DataFrame:
    """Every fee and expense row of the frames (paid by `as_of`, or accruing), in cents, with
    its category (`other` when an expense has none) and the days of its service period."""
    kinds = pl.col("type").is_in(list(SERVICE_PERIOD_TYPES))
    paid = frames.transactions.filter(kinds)
    later = frames.accruing.filter(kinds).select(paid.columns)  # in the same column order
    rows = pl.concat([paid, later], how="vertical_relaxed")
    start, end = pl.col("service_start"), pl.col("service_end")
    return rows.select(
        "txn_id",
        "date",
        "fund_id",
        "type",
        "investor_id",
        "holding_id",
        "service_start",
        "service_end",
        pl.when(pl.col("type") == "expense")
        .then(pl.col("category").fill_null(DEFAULT_EXPENSE_CATEGORY))
        .alias("category"),
        "source_file",
        "source_line",
        cents(pl.col("amount_fund")).alias("amount"),
        ((end - start).dt.total_days() + 1).cast(CENTS).alias("days"),
    )


def row_accruals(frames: BookFrames, at: date) -> pl.DataFrame:
    """Per fee and expense row paid by `at` or whose service period has begun by then: `paid`
    (its amount once its date is reached), `recognised` (expensed through `at`: amount x days
    of its service period to `at` / its days, rounded half-even; the whole amount on its date
    when it has none), `prepaid` (paid - recognised when positive), `accrued` (recognised -
    paid when positive) and `elapsed` (the days of the service period to `at`), in cents."""
    if at > frames.as_of:
        raise ValueError(f"accruals at {at} need frames as of {at} or later ({frames.as_of})")
    rows = _service_rows(frames)
    day = pl.lit(at, pl.Date)
    has_period = pl.col("service_start").is_not_null()
    paid_now = pl.col("date") <= day
    rows = rows.filter(paid_now | (has_period & (pl.col("service_start") <= day)))
    through = pl.min_horizontal(pl.col("service_end"), day)
    elapsed = ((through - pl.col("service_start")).dt.total_days() + 1).clip(0).cast(CENTS)
    recognised = (
        pl.when(has_period)
        .then(prorate(pl.col("amount"), pl.col("elapsed"), pl.col("days")))
        .otherwise(pl.col("amount"))
    )
    paid = pl.when(paid_now).then(pl.col("amount")).otherwise(zero())
    out = rows.with_columns(elapsed.alias("elapsed")).with_columns(
        paid.alias("paid"), recognised.alias("recognised")
    )
    gap = pl.col("paid") - pl.col("recognised")
    return out.with_columns(
        pl.max_horizontal(gap, zero()).alias("prepaid"),
        pl.max_horizontal(zero() - gap, zero()).alias("accrued"),
    )


def accruals_by(frames: BookFrames, at: date, keys: list[str]) -> pl.DataFrame:
    """Per `keys` (of the transactions' columns): the fees and expenses recognised through `at`
    (`fees`, `expenses`), the prepaid and the accrued, in cents."""
    rows = row_accruals(frames, at)
    recognised = (
        pl.col("recognised").filter(pl.col("type") == t).sum().alias(line)
        for t, line in RECOGNISED.items()
    )
    return rows.group_by(keys).agg(*recognised, *(pl.col(c).sum() for c in ACCRUAL_COLUMNS))


def period_starts(as_of: date) -> dict[str, date | None]:
    """The day before each period of `expense_by_category` begins: the end of the calendar
    quarter and of the year before `as_of` (None: since inception)."""
    quarter_first = date(as_of.year, 3 * ((as_of.month - 1) // 3) + 1, 1)
    return {
        "expenses_qtd": quarter_first - timedelta(days=1),
        "expenses_ytd": date(as_of.year - 1, 12, 31),
        "expenses_itd": None,
    }


def expense_by_category(frames: BookFrames, as_of: date) -> pl.DataFrame:
    """Per (fund, category) with an expense row paid or in service by `as_of`: the expenses
    recognised in the quarter, the year and since inception to `as_of` (the fund's currency)."""
    keys = ["fund_id", "category"]
    itd = row_accruals(frames, as_of).filter(pl.col("type") == "expense")
    out = itd.group_by(keys).agg(pl.col("recognised").sum().alias("expenses_itd"))
    for column, before in period_starts(as_of).items():
        if before is None:
            continue
        earlier = row_accruals(frames, before).filter(pl.col("type") == "expense")
        was = earlier.group_by(keys).agg(pl.col("recognised").sum().alias("_was"))
        out = (
            out.join(was, on=keys, how="left")
            .with_columns((pl.col("expenses_itd") - pl.col("_was").fill_null(zero())).alias(column))
            .drop("_was")
        )
    currency = frames.funds.select("fund_id", "currency")
    out = out.join(currency, on="fund_id", how="left")
    return as_money(out.select(*keys, "currency", *CATEGORY_PERIODS).sort(keys))
