"""The GL's FX translation of a fund held in another currency (R6, issue 11 item 7).

A holding valued from the holder's capital in a held fund of another currency carries part of
its carrying value as `fx_translation_adjustment` (beside `unrealised_appreciation`), posted
against the income account `fx_translation`: per (fund_id, holding_id, at),
round_half_even(Σ a × q(at) / q(d)) − Σ a over the holder's investment (+) and proceeds (−)
rows dated on or before `at`, q = rate(held) / rate(holder) at that date (latest on or
before). Computed here from the rows and rates with rules of its own (the metrics compute it
in metrics/translation.py), sharing only the exact rounding of money.sum_half_even.
"""

from __future__ import annotations

import polars as pl

from fundbook.core.dtypes import RATE
from fundbook.core.types import REPORTING_CURRENCY
from fundbook.metrics.money import CENTS, rate_units, sum_half_even

_KEYS = ["fund_id", "holding_id", "at"]
_SIGN = {"investment": 1, "proceeds": -1}


def translation(
    txns: pl.DataFrame,
    held: pl.DataFrame,
    grid: pl.DataFrame,
    fx_rates: pl.DataFrame,
    fx: pl.DataFrame,
) -> pl.DataFrame:
    """Per (fund_id, holding_id, at) of the holdings `held` (gl_capital.links) in another
    currency than their holder's, at the holder's dates of the `grid`: `fx` in cents of the
    holder's currency. `txns` are the normalised rows (`amt`), `fx` the rates at the grid's
    dates (at, currency, hkd_per_unit)."""
    pairs = ["fund_id", "holding_id", "held_ccy", "holder_ccy"]
    across = (
        held.filter(pl.col("held_ccy") != pl.col("holder_ccy"))
        .select(pairs)
        .unique()
        .join(grid, on="fund_id")
    )
    rows = (
        txns.filter(pl.col("type").is_in(list(_SIGN)))
        .join(across, on=["fund_id", "holding_id"])  # one row per date `at` of its fund
        .filter(pl.col("date") <= pl.col("at"))
        .with_columns(
            (pl.col("amt") * pl.col("type").replace_strict(_SIGN, return_dtype=pl.Int8)).alias("a")
        )
    )
    rows = _rates_on(rows, fx_rates, "date", "held_ccy", "_held_then")
    rows = _rates_on(rows, fx_rates, "date", "holder_ccy", "_holder_then")
    now = fx.select("at", "currency", "hkd_per_unit")
    rows = rows.join(
        now.rename({"currency": "held_ccy", "hkd_per_unit": "_held_now"}),
        on=["at", "held_ccy"],
        how="left",
    ).join(
        now.rename({"currency": "holder_ccy", "hkd_per_unit": "_holder_now"}),
        on=["at", "holder_ccy"],
        how="left",
    )
    rates = ("_held_now", "_holder_now", "_held_then", "_holder_then")
    known = pl.all_horizontal(pl.col(r).is_not_null() for r in rates)
    u = {r: rate_units(pl.col(r)) for r in rates}
    rows = rows.with_columns(
        pl.when(known)
        .then(pl.col("a") * u["_held_now"] * u["_holder_then"])
        .otherwise(pl.col("a"))
        .cast(CENTS)
        .alias("_num"),
        pl.when(known)
        .then(u["_holder_now"] * u["_held_then"])
        .otherwise(pl.lit(1, CENTS))
        .cast(CENTS)
        .alias("_den"),
    )
    at_closing = sum_half_even(rows, _KEYS, "_num", "_den", "_closing")
    booked = rows.group_by(_KEYS).agg(pl.col("a").sum().cast(CENTS).alias("_booked"))
    return at_closing.join(booked, on=_KEYS).select(
        *_KEYS, (pl.col("_closing") - pl.col("_booked")).alias("fx")
    )


def _rates_on(
    rows: pl.DataFrame, fx_rates: pl.DataFrame, day: str, currency: str, out: str
) -> pl.DataFrame:
    """`rows` with the rate of `currency` on the latest rate date on or before `day` (HKD: 1)."""
    dates = rows.select(day, currency).unique()
    latest = (
        dates.join(fx_rates.rename({"date": "_d", "currency": currency}), on=currency)
        .filter(pl.col("_d") <= pl.col(day))
        .group_by(day, currency)
        .agg(pl.col("hkd_per_unit").sort_by("_d").last().cast(RATE).alias(out))
    )
    joined = rows.join(latest, on=[day, currency], how="left")
    hkd = pl.col(currency) == REPORTING_CURRENCY
    return joined.with_columns(pl.when(hkd).then(pl.lit(1, RATE)).otherwise(pl.col(out)).alias(out))
