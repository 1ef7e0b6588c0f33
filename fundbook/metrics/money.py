"""Exact money inside metrics: integer cents (Int128), pl.Decimal(38, 2) out, floats for ratios."""

from __future__ import annotations

from collections.abc import Iterable

import polars as pl

MONEY = pl.Decimal(38, 2)
CENTS = pl.Int128()


def cents(expr: pl.Expr) -> pl.Expr:
    """A Decimal money expression as integer cents (exact)."""
    return (expr.cast(MONEY) * 100).cast(CENTS)


def from_cents(expr: pl.Expr) -> pl.Expr:
    """Integer cents as pl.Decimal(38, 2) money (exact)."""
    return expr.cast(MONEY) / 100


def zero() -> pl.Expr:
    """Zero cents."""
    return pl.lit(0, CENTS)


def as_money(df: pl.DataFrame, exclude: Iterable[str] = ()) -> pl.DataFrame:
    """Every Int128 (cents) column of `df` as Decimal money; the metrics' output boundary."""
    skip = set(exclude)
    return df.with_columns(
        from_cents(pl.col(c)).alias(c)
        for c, dt in df.schema.items()
        if dt == CENTS and c not in skip
    )


def ratio(num: pl.Expr, den: pl.Expr) -> pl.Expr:
    """num / den as Float64; null (undefined) when the denominator is zero or null."""
    den_f = den.cast(pl.Float64)
    return pl.when(den_f != 0).then(num.cast(pl.Float64) / den_f).otherwise(None)


def convert(amount_cents: pl.Expr, rate_from: pl.Expr, rate_to: pl.Expr) -> pl.Expr:
    """Cents in one currency to cents in another (rates are HKD per unit), rounded half-even."""
    exact = amount_cents.cast(pl.Decimal(38, 0)) * rate_from.cast(pl.Decimal(18, 8))
    return (exact / rate_to.cast(pl.Decimal(18, 8))).round(0).cast(CENTS)


def prorate(amount_cents: pl.Expr, num: pl.Expr, den: pl.Expr) -> pl.Expr:
    """amount * num / den in cents, rounded half-even in exact integer arithmetic (den > 0);
    0 when den is 0."""
    product = amount_cents * num
    quotient = product // den
    twice_rest = 2 * (product - quotient * den)
    up = (twice_rest > den) | ((twice_rest == den) & (quotient % 2 != 0))
    return pl.when(den != 0).then(quotient + up.cast(CENTS)).otherwise(zero())


def allocate(
    df: pl.DataFrame, amount: str, weight: str, group: str, key: str, out: str
) -> pl.DataFrame:
    """Split the group's `amount` (cents, same on every row of the group) by `weight`.

    Each row gets amount * weight / total weight rounded half-even to the cent; the rounding
    remainder (a few cents, either sign) goes to the row with the largest weight (ties: the
    smallest `key`), so the rows sum to the amount exactly.
    """
    total = pl.col(weight).sum().over(group)
    base = prorate(pl.col(amount), pl.col(weight), total)
    ranked = df.sort([group, key]).with_columns(
        base.alias(out),
        (pl.col(weight).rank("ordinal", descending=True).over(group) == 1).alias("_largest"),
    )
    remainder = pl.col(amount) - pl.col(out).sum().over(group)
    return ranked.with_columns(
        pl.when(pl.col("_largest") & (total != 0))
        .then(pl.col(out) + remainder)
        .otherwise(pl.col(out))
        .alias(out)
    ).drop("_largest")
