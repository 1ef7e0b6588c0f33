"""Fee offsets: a share of the portfolio fees the GP received reduces the next fees (pure)."""

from __future__ import annotations

import polars as pl

from fundbook.metrics.money import CENTS, allocate, cents, divide_half_even

UNITS = 10**8  # the fractions of terms.csv have 8 places


def offsets(
    gross: pl.DataFrame, quarters: pl.DataFrame, portfolio_fees: pl.DataFrame
) -> pl.DataFrame:
    """Per fund and quarter: fee_offset_pct x the portfolio fees received in the quarter
    (rounded half-even once) is available against the next quarter's fees; what those fees
    cannot absorb is carried forward. carried(q) = max(0, carried(q-1) + earned(q-1) - fees(q))
    is computed without a loop: with S the running sum of earned(q-1) - fees(q), carried =
    S - min(0, the running minimum of S)."""
    received = (
        portfolio_fees.with_columns(pl.col("date").dt.truncate("1q").alias("quarter_start"))
        .group_by("fund_id", "quarter_start")
        .agg(cents(pl.col("amount_fund")).sum().alias("portfolio_fees"))
    )
    fees = gross.group_by("fund_id", "quarter_start").agg(
        pl.col("fee_after_discount").sum().alias("_fees")
    )
    rows = (
        quarters.select("fund_id", "quarter", "quarter_start", "offset_units")
        .join(received, on=["fund_id", "quarter_start"], how="left")
        .join(fees, on=["fund_id", "quarter_start"], how="left")
        .with_columns(pl.col("portfolio_fees", "_fees").fill_null(0))
        .sort("fund_id", "quarter_start")
    )
    earned = divide_half_even(
        pl.col("portfolio_fees") * pl.col("offset_units"), pl.lit(UNITS, CENTS)
    )
    rows = rows.with_columns(earned.alias("offset_earned"))
    previous = pl.col("offset_earned").shift(1).over("fund_id").fill_null(0)
    running = (previous - pl.col("_fees")).cum_sum().over("fund_id")
    carried = running - pl.min_horizontal(pl.lit(0, CENTS), running.cum_min().over("fund_id"))
    rows = rows.with_columns(previous.alias("_previous"), carried.alias("offset_carried_forward"))
    available = pl.col("offset_carried_forward").shift(1).over("fund_id").fill_null(0) + pl.col(
        "_previous"
    )
    return rows.with_columns(available.alias("offset_available")).select(
        "fund_id",
        "quarter",
        "quarter_start",
        "portfolio_fees",
        "offset_earned",
        "offset_available",
        (pl.col("offset_available") - pl.col("offset_carried_forward")).alias("offset_applied"),
        "offset_carried_forward",
    )


def with_offsets(gross: pl.DataFrame, offsets: pl.DataFrame) -> pl.DataFrame:
    """The offset applied in a quarter split among its partners by their fees after discount,
    by largest remainder (never more than a partner's fee: the offset applied is at most the
    quarter's fees); `fee_net` = those fees less the offset."""
    rows = gross.join(
        offsets.select("fund_id", "quarter_start", "offset_applied"),
        on=["fund_id", "quarter_start"],
    ).with_columns(pl.format("{}|{}", "fund_id", "quarter_start").alias("_g"))
    rows = allocate(rows, "offset_applied", "fee_after_discount", "_g", "investor_id", "fee_offset")
    return rows.with_columns(
        (pl.col("fee_after_discount") - pl.col("fee_offset")).alias("fee_net")
    ).sort("fund_id", "quarter_start", "investor_id")


def empty_offsets() -> pl.DataFrame:
    money = pl.Decimal(38, 2)
    return pl.DataFrame(
        schema={
            "fund_id": pl.String(),
            "quarter": pl.String(),
            "quarter_start": pl.Date(),
            **{
                c: money
                for c in (
                    "portfolio_fees",
                    "offset_earned",
                    "offset_available",
                    "offset_applied",
                    "offset_carried_forward",
                )
            },
        }
    )
