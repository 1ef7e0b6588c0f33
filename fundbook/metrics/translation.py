"""FX translation: a fund's net investment in a fund of the book kept in another currency.

A fund F holding a fund X of the book values it from its capital account there, converted at
the as-of rates (state: valued by `capital_account`). When X's currency is not F's, part of
the holding's gain is the move of the rate since each call and distribution, not the market:
with q(t) = rate_X(t) / rate_F(t) (latest rates on or before t, HKD = 1),

    fx_translation(h, D) = round_half_even(Σ_i a_i × q(D) / q(d_i)) − Σ_i a_i

over h's `investment` (a = +amount) and `proceeds` (a = −amount) rows of F dated on or
before D: the net investment translated at the closing rate, IAS 21 style, exactly in
integers (cents × rates in 10⁻⁸) and rounded once per holding (docs/methods.md).
"""

from __future__ import annotations

from datetime import date

import polars as pl

from fundbook.core.dtypes import RATE
from fundbook.core.types import REPORTING_CURRENCY
from fundbook.metrics.memo import per_frames
from fundbook.metrics.money import CENTS, cents, convert, rate_units, sum_half_even
from fundbook.metrics.protocol import BookFrames

# The rows that move a fund's net investment in a held fund, and their sign.
TRANSLATED = {"investment": 1, "proceeds": -1}
_KEYS = ["fund_id", "holding_id"]
# A translated row as `translated_rows` and `translation_terms` list it.
_ROW = (
    *_KEYS,
    "date",
    "type",
    "txn_id",
    "source_file",
    "source_line",
    "amount",
    "held_ccy",
    "holder_ccy",
)
TERM_COLUMNS = (*_ROW, "num", "den")


@per_frames
def translated_rows(frames: BookFrames) -> pl.DataFrame:
    """The investment and proceeds rows of holdings that are funds of the book in another
    currency than their holder's (which has an LP investor in the book), with the signed
    amount in cents and the two currencies' rates at each row's date (`held_then`,
    `holder_then`; null where the book has no rate on or before it)."""
    lp = frames.investors.filter(pl.col("fund_id").is_not_null()).select("fund_id").unique()
    ccy = frames.funds.select("fund_id", "currency")
    sign = pl.col("type").replace_strict(TRANSLATED, default=0, return_dtype=pl.Int8)
    rows = (
        frames.transactions.filter(pl.col("type").is_in(list(TRANSLATED)))
        .join(lp, on="fund_id")
        .join(ccy.rename({"fund_id": "holding_id", "currency": "held_ccy"}), on="holding_id")
        .join(ccy.rename({"currency": "holder_ccy"}), on="fund_id")
        .filter(pl.col("held_ccy") != pl.col("holder_ccy"))
        .with_columns((cents(pl.col("amount_fund")) * sign.cast(CENTS)).alias("amount"))
    )
    rows = rate_then(frames, rows, "held_ccy", "held_then")
    rows = rate_then(frames, rows, "holder_ccy", "holder_then")
    return rows.select(*_ROW, "held_then", "holder_then").sort(
        *_KEYS, "date", "source_file", "source_line"
    )


def rate_then(frames: BookFrames, rows: pl.DataFrame, currency: str, out: str) -> pl.DataFrame:
    """`rows` with the latest rate of their `currency` on or before each row's `date` (HKD: 1;
    null where the book has none), as `out`."""
    rates = (
        frames.fx_rates.select(
            pl.col("currency").alias(currency),
            pl.col("date").alias("_rate_date"),
            pl.col("hkd_per_unit").cast(RATE).alias(out),
        )
        .filter(pl.col(currency) != REPORTING_CURRENCY)
        .sort("_rate_date")
    )
    # both sides sorted by date, hence within each currency too
    joined = rows.sort("date").join_asof(
        rates,
        left_on="date",
        right_on="_rate_date",
        by=currency,
        strategy="backward",
        check_sortedness=False,
    )
    hkd = pl.col(currency) == REPORTING_CURRENCY
    return joined.with_columns(
        pl.when(hkd).then(pl.lit(1, RATE)).otherwise(pl.col(out)).alias(out)
    ).drop("_rate_date")


def translation_terms(frames: BookFrames, at: date, fx: pl.DataFrame) -> pl.DataFrame:
    """Per translated row dated on or before `at`: its amount a (cents) and a × q(at) / q(d)
    as the integers `num` / `den` (fx: the rates at `at`, currency -> hkd_per_unit). A row
    whose rates are missing at either date is not translated (num = a, den = 1)."""
    now = fx.select("currency", "hkd_per_unit")
    rows = (
        translated_rows(frames)
        .filter(pl.col("date") <= at)
        .join(
            now.rename({"currency": "held_ccy", "hkd_per_unit": "held_now"}),
            on="held_ccy",
            how="left",
        )
        .join(
            now.rename({"currency": "holder_ccy", "hkd_per_unit": "holder_now"}),
            on="holder_ccy",
            how="left",
        )
    )
    rates = ("held_now", "holder_now", "held_then", "holder_then")
    known = pl.all_horizontal(pl.col(r).is_not_null() for r in rates)
    num = pl.col("amount") * rate_units(pl.col("held_now")) * rate_units(pl.col("holder_then"))
    den = rate_units(pl.col("holder_now")) * rate_units(pl.col("held_then"))
    return rows.with_columns(
        pl.when(known).then(num).otherwise(pl.col("amount")).alias("num"),
        pl.when(known).then(den).otherwise(pl.lit(1, CENTS)).alias("den"),
    ).select(*TERM_COLUMNS, *rates)


def fx_translation(frames: BookFrames, at: date, fx: pl.DataFrame) -> pl.DataFrame:
    """Per (fund_id, holding_id) with translated rows to `at`: `fx_translation` in cents of the
    holder's currency, round_half_even(Σ a × q(at) / q(d)) − Σ a (exact, rounded once)."""
    return translated(translation_terms(frames, at, fx)).select(*_KEYS, "fx_translation")


def translated(terms: pl.DataFrame) -> pl.DataFrame:
    """Per (fund_id, holding_id) of `translation_terms`: the net investment translated at the
    closing rate (`translated`, Σ num / den rounded half-even once), as booked (`net`, Σ a)
    and their difference, `fx_translation`."""
    out = sum_half_even(terms, _KEYS, "num", "den", "translated")
    net = terms.group_by(_KEYS).agg(pl.col("amount").sum().alias("net"))
    return out.join(net, on=_KEYS).with_columns(
        (pl.col("translated") - pl.col("net")).alias("fx_translation")
    )


def to_hkd(
    df: pl.DataFrame, frames: BookFrames, fx: pl.DataFrame, column: str = "amount"
) -> pl.DataFrame:
    """`column` (cents in the row's fund currency, by fund_id) converted into HKD at `fx`."""
    ccy = frames.funds.select("fund_id", "currency")
    joined = df.join(ccy, on="fund_id", how="left").join(fx, on="currency", how="left")
    return joined.with_columns(
        convert(pl.col(column), pl.col("hkd_per_unit"), pl.lit(1)).alias(column)
    ).drop("currency", "hkd_per_unit")


def to_hkd_at_dates(df: pl.DataFrame, frames: BookFrames) -> pl.DataFrame:
    """`amount` (cents in the row's fund currency) converted into HKD at the rate of each row's
    own `date` (the latest on or before it), rounded half-even per row as `to_hkd` does."""
    ccy = frames.funds.select("fund_id", "currency")
    dated = rate_then(frames, df.join(ccy, on="fund_id", how="left"), "currency", "_rate")
    return dated.with_columns(
        convert(pl.col("amount"), pl.col("_rate"), pl.lit(1)).alias("amount")
    ).drop("currency", "_rate")
