"""The forecast's parameters calibrated on a fund's own history (docs/methods.md, *Calibration*).

A fund's years run from its inception (its first contribution) to each anniversary: year k is
[inception + (k−1) years, inception + k years). A fund with at least `MIN_YEARS` full years at
the as-of date is calibrated on them:

- rc_k = called in year k / unfunded at its start (rc_1, rc_2; rc_3 the mean of years ≥ 3), where
  called = contributions less recallable (equalisation) distributions and the unfunded at the
  start of year k = the commitments dated before the year's end (a later closing counts from
  the first, as equalisation treats it) less what was called before the year;
- G = the fund's net IRR: with NAV growing at a constant G between its flows, NAV at the as-of
  date is the flows compounded at G, so the NPV of the flows and NAV at G is zero;
- the implied NAV at each year's end, NAV_k = NAV_{k−1}·(1 + G) + C_k − D_k from NAV_0 = 0, gives
  RD_k = D_k / (NAV_{k−1}·(1 + G)) for years with D_k > 0 and NAV_{k−1} > 0; B is the least
  squares fit through the origin of log RD_k = B·log(k / L) over those years (k < L), when there
  are at least two and B > 0.
"""

from __future__ import annotations

import math
from datetime import date

import numpy as np
import polars as pl

from fundbook.metrics.money import cents
from fundbook.metrics.protocol import BookFrames

MIN_YEARS = 3  # full fund years a fund needs to be calibrated on its history
MIN_BOW_YEARS = 2  # years with distributions the bow's fit needs
# The rows of a fund's calls (signed) and its distributions.
CALLED = {"contribution": 1, "equalisation_contribution": 1, "equalisation_distribution": -1}
DISTRIBUTED = {"distribution": 1}
YEAR_COLUMNS = ("fund_id", "year", "called", "distributed", "committed_by_end")


def whole_years(start: pl.Expr, end: pl.Expr | date) -> pl.Expr:
    """Whole years from `start` to `end` (anniversaries of `start` on or before `end`)."""
    end_e = pl.lit(end, pl.Date) if isinstance(end, date) else end

    def day_of(d: pl.Expr) -> pl.Expr:
        return d.dt.month().cast(pl.Int32) * 100 + d.dt.day().cast(pl.Int32)

    before = (day_of(end_e) < day_of(start)).cast(pl.Int64)
    return end_e.dt.year().cast(pl.Int64) - start.dt.year().cast(pl.Int64) - before


def anniversary(start: pl.Expr, k: pl.Expr) -> pl.Expr:
    """The `k`-th anniversary of `start`: the first day `whole_years` from `start` reaches `k`
    (29 February's is 1 March in a year without one)."""
    same = start.dt.offset_by(pl.format("{}y", k))  # 29 Feb + 1y: 28 Feb, a day early
    return pl.when(same.dt.day() == start.dt.day()).then(same).otherwise(same.dt.offset_by("1d"))


def fund_years(frames: BookFrames, as_of: date, inception: pl.DataFrame) -> pl.DataFrame:
    """Per (fund, year k) of the full years of each fund of `inception` (fund_id, inception,
    history_years): what was called and distributed in the year and the commitments dated
    before its end (cents)."""
    full = inception.filter(pl.col("history_years") > 0)
    kinds = [*CALLED, *DISTRIBUTED]
    sign = pl.lit(0, pl.Int64)
    for kind, s in CALLED.items():
        sign = pl.when(pl.col("type") == kind).then(pl.lit(s, pl.Int64)).otherwise(sign)
    amount = cents(pl.col("amount_fund"))
    # summed by fund and day first (a call's rows are one per partner), then by fund year
    daily = (
        frames.transactions.lazy()
        .select("fund_id", "date", "type", "amount_fund")
        .filter((pl.col("date") <= as_of) & pl.col("type").is_in(kinds))
        .group_by("fund_id", "date")
        .agg(
            (amount * sign).sum().alias("called"),
            amount.filter(pl.col("type").is_in(list(DISTRIBUTED))).sum().alias("distributed"),
        )
        .join(full.lazy(), on="fund_id")
    )
    flows = (
        daily.with_columns((whole_years(pl.col("inception"), pl.col("date")) + 1).alias("year"))
        .filter(pl.col("year").is_between(1, pl.col("history_years")))
        .group_by("fund_id", "year")
        .agg(pl.col("called").sum(), pl.col("distributed").sum())
        .collect()
    )
    grid = full.select(
        "fund_id", pl.int_ranges(1, pl.col("history_years") + 1).alias("year")
    ).explode("year")
    commits = (
        frames.commitments.filter(pl.col("date") <= as_of)
        .join(full, on="fund_id")
        .select(
            "fund_id",
            (whole_years(pl.col("inception"), pl.col("date")) + 1).clip(1).alias("_k"),
            cents(pl.col("amount_fund")).alias("_c"),
        )
    )
    committed = (
        grid.join(commits, on="fund_id", how="left")
        .group_by("fund_id", "year")
        .agg(pl.col("_c").filter(pl.col("_k") <= pl.col("year")).sum().alias("committed_by_end"))
    )
    return (
        grid.join(flows, on=["fund_id", "year"], how="left")
        .join(committed, on=["fund_id", "year"], how="left")
        .with_columns(pl.col("called", "distributed", "committed_by_end").fill_null(0))
        .select(YEAR_COLUMNS)
        .sort("fund_id", "year")
    )


def year_table(
    years: pl.DataFrame, growth: dict[str, float], life: dict[str, float]
) -> pl.DataFrame:
    """`fund_years` with, per year, the unfunded at its start, its rate of contribution, the
    implied NAV at its end (at the fund's G of `growth`, when it has one) and the implied rate
    of distribution (null where undefined)."""
    rows = []
    fund, called_before, nav = None, 0, 0.0
    for fund_id, k, called, distributed, committed in years.select(
        "fund_id", "year", "called", "distributed", "committed_by_end"
    ).iter_rows():  # in fund and year order
        if fund_id != fund:
            fund, called_before, nav = fund_id, 0, 0.0
        g = growth.get(fund_id)
        start = int(committed) - called_before
        rate = int(called) / start if start > 0 else None
        grown = nav * (1.0 + g) if g is not None else None
        rd = int(distributed) / grown if grown and grown > 0 and distributed > 0 else None
        nav = grown + int(called) - int(distributed) if grown is not None else 0.0
        rows.append((fund_id, k, start, rate, nav if g is not None else None, rd))
        called_before += int(called)
    schema = {
        "fund_id": pl.String(),
        "year": pl.Int64(),
        "unfunded_at_start": pl.Int64(),
        "rc": pl.Float64(),
        "implied_nav": pl.Float64(),
        "rd": pl.Float64(),
    }
    table = pl.DataFrame(rows, schema=schema, orient="row")
    out = years.join(table, on=["fund_id", "year"], how="left")
    return (
        out.with_columns(
            pl.col("fund_id")
            .replace_strict(life, default=None, return_dtype=pl.Float64)
            .alias("_l")
        )
        .with_columns(
            pl.when(pl.col("rd").is_not_null() & (pl.col("year") < pl.col("_l")))
            .then((pl.col("year") / pl.col("_l")).log())
            .alias("log_age"),
            pl.col("rd").log().alias("log_rd"),
        )
        .drop("_l")
    )


def calibrated(table: pl.DataFrame) -> pl.DataFrame:
    """Per fund of `year_table`: rc_1, rc_2, rc_3 and bow from its years (null where its
    history gives none); rates clipped to [0, 1]."""
    fit = pl.col("log_age").is_not_null() & pl.col("log_rd").is_not_null()
    x, y = pl.col("log_age").filter(fit), pl.col("log_rd").filter(fit)
    bow = (x * y).sum() / (x * x).sum()
    return table.group_by("fund_id").agg(
        pl.col("rc").filter(pl.col("year") == 1).first().clip(0, 1).alias("rc_1"),
        pl.col("rc").filter(pl.col("year") == 2).first().clip(0, 1).alias("rc_2"),
        pl.col("rc").filter(pl.col("year") >= 3).mean().clip(0, 1).alias("rc_3"),
        pl.when((fit.sum() >= MIN_BOW_YEARS) & (bow > 0)).then(bow).alias("bow"),
    )


def fitted_bow(log_age: list[float], log_rd: list[float]) -> float | None:
    """The least-squares B of log RD = B·log(age / L) through the origin (for `explain`)."""
    if len(log_age) < MIN_BOW_YEARS:
        return None
    b = float(np.dot(log_age, log_rd) / np.dot(log_age, log_age))
    return b if b > 0 and math.isfinite(b) else None
