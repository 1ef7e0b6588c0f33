"""Exact money inside metrics: integer cents (Int128), pl.Decimal(38, 2) out, floats for ratios."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from fractions import Fraction

import polars as pl

from fundbook.core.dtypes import MONEY, RATE
from fundbook.core.errors import MoneyOverflow

CENTS = pl.Int128()
RATE_SCALE = 10**8  # fx rates have 8 decimals
FINE = 10**15  # units of 10⁻¹⁵ cent per cent: shares summed before their one rounding
INT128_MAX = 2**127 - 1  # polars wraps Int128 products silently past this: refuse before


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


def rate_units(rate: pl.Expr) -> pl.Expr:
    """An FX rate (HKD per unit, 8 decimals) as an exact integer of 10⁻⁸ HKD."""
    return (rate.cast(RATE) * RATE_SCALE).cast(CENTS)


def convert(amount_cents: pl.Expr, rate_from: pl.Expr, rate_to: pl.Expr) -> pl.Expr:
    """Cents in one currency to cents in another (rates are HKD per unit), rounded half-even."""
    return divide_half_even(amount_cents * rate_units(rate_from), rate_units(rate_to))


def divide_half_even(num: pl.Expr, den: pl.Expr) -> pl.Expr:
    """num / den for integers (den > 0), rounded half-even, in exact integer arithmetic."""
    quotient = num // den
    twice_rest = 2 * (num - quotient * den)
    up = (twice_rest > den) | ((twice_rest == den) & (quotient % 2 != 0))
    return quotient + up.cast(CENTS)


def prorate(amount_cents: pl.Expr, num: pl.Expr, den: pl.Expr) -> pl.Expr:
    """amount * num / den in cents, rounded half-even in exact integer arithmetic (den > 0);
    0 when den is 0."""
    return pl.when(den != 0).then(divide_half_even(amount_cents * num, den)).otherwise(zero())


def share_converted(
    amount_cents: pl.Expr, num: pl.Expr, den: pl.Expr, rate_from: pl.Expr, rate_to: pl.Expr
) -> pl.Expr:
    """amount * num / den, converted (rates are HKD per unit), rounded half-even once (den > 0).

    Exact: amount * num * rate_from / (den * rate_to) on integers (cents, weights, 10⁻⁸ HKD)."""
    return divide_half_even(amount_cents * num * rate_units(rate_from), den * rate_units(rate_to))


def share_converted_fine(
    amount_cents: pl.Expr, num: pl.Expr, den: pl.Expr, rate_from: pl.Expr, rate_to: pl.Expr
) -> pl.Expr:
    """The same share unrounded, in units of 10⁻¹⁵ cent (truncated there), so that a sum
    of many shares is rounded once (`from_fine`)."""
    top = amount_cents * num * rate_units(rate_from)
    bottom = den * rate_units(rate_to)
    whole = top // bottom
    return whole * FINE + ((top - whole * bottom) * FINE) // bottom


def from_fine(fine: pl.Expr) -> pl.Expr:
    """Units of 10⁻¹⁵ cent as cents, rounded half-even."""
    return divide_half_even(fine, pl.lit(FINE, CENTS))


def sum_half_even(df: pl.DataFrame, keys: list[str], num: str, den: str, out: str) -> pl.DataFrame:
    """Per `keys`: the exact sum of num / den over the rows (integers, den > 0), rounded
    half-even once, as `out` (cents).

    The denominators differ from row to row (an FX rate at each row's date) and their common
    multiple soon outgrows 128 bits, so the sum is taken in Python's exact integers
    (fractions), once per group of the few rows that need it (a fund's calls into a fund held
    in another currency), never in floats."""
    totals: dict[tuple[object, ...], Fraction] = {}
    for row in df.select(*keys, num, den).iter_rows():
        key, n, d = row[: len(keys)], row[-2], row[-1]
        totals[key] = totals.get(key, Fraction(0)) + Fraction(int(n), int(d))
    data = {k: [key[i] for key in totals] for i, k in enumerate(keys)}
    data[out] = [round(total) for total in totals.values()]  # Fraction rounds half to even
    schema = {**{k: df.schema[k] for k in keys}, out: CENTS}
    return pl.DataFrame(data, schema=schema)


def refuse_overflow(df: pl.DataFrame, terms: Iterable[Iterable[pl.Expr]], what: str) -> None:
    """Raise MoneyOverflow unless the sum of the products of each term's factors fits Int128
    on every row: bounded by the factors' largest magnitudes, in exact Python integers."""
    bound = 0
    for factors in terms:
        maxima = df.select(f.abs().max() for f in factors).row(0) if df.height else ()
        product = 1
        for value in maxima:
            product *= int(value or 0)
        bound += product if maxima else 0
    if bound > INT128_MAX:
        raise MoneyOverflow(
            f"{what}: the amounts are too large for fundbook's exact integer arithmetic "
            "(128-bit cents); the figures are refused rather than wrapped around. Check the "
            "ledger for amounts in the wrong unit"
        )


def allocate(
    df: pl.DataFrame, amount: str, weight: str, group: str, key: str, out: str
) -> pl.DataFrame:
    """Split the group's `amount` (cents, same on every row of the group) by `weight`, by
    largest remainder (Hamilton).

    Each row first gets floor(amount * weight / total weight); the cents left over (fewer
    than the rows) go one each to the rows with the largest remainders, ties to the smallest
    `key`. So every row is within one cent of its exact share (strictly) and the rows sum to
    the amount exactly. A group whose total weight is 0 gets nothing (every row 0).
    """
    refuse_overflow(
        df, [[pl.col(amount), pl.col(weight).abs().sum().over(group)]], f"allocating {amount}"
    )
    total = pl.col(weight).sum().over(group)
    product = pl.col(amount) * pl.col(weight)
    floor = pl.when(total != 0).then(product // total).otherwise(zero())
    ranked = (
        df.with_columns(floor.alias(out))
        .with_columns(
            (product - pl.col(out) * total).alias("_rest"),
            (pl.col(amount) - pl.col(out).sum().over(group)).alias("_left"),
        )
        .sort([group, "_rest", key], descending=[False, True, False])
    )
    up = (pl.int_range(pl.len()).over(group).cast(CENTS) < pl.col("_left")) & (total != 0)
    return (
        ranked.with_columns((pl.col(out) + up.cast(CENTS)).alias(out))
        .drop("_rest", "_left")
        .sort([group, key])
    )


def allocate_lines(
    df: pl.DataFrame, lines: Mapping[str, int], weight: str, group: str, key: str, prefix: str
) -> pl.DataFrame:
    """Split several signed lines (column -> sign) of the group by `weight`, as `prefix<col>`.

    The signed total is allocated by largest remainder (`allocate`): each row's share of it is
    within a cent of exact. Every line but the last is allocated on its own, likewise; the
    last line balances: the row's share of the total less its other (signed) lines. So a
    row's signed lines add up to its share of the total, the rows add up to every line
    exactly, a line's split changes only with that line or the weights (except the last), and
    the last line is within len(lines) cents of its exact share.
    """
    *others, last = lines
    total = pl.sum_horizontal(pl.col(c) * s for c, s in lines.items()).cast(CENTS)
    # the group and key as integers in their order: each allocation sorts by them twice
    codes = (pl.col(group).rank("dense").alias("_ag"), pl.col(key).rank("dense").alias("_ak"))
    df = df.with_columns(total.alias("_total"), *codes)
    df = allocate(df, "_total", weight, "_ag", "_ak", "_share")
    for col in others:
        df = allocate(df, col, weight, "_ag", "_ak", f"{prefix}{col}")
    rest = pl.sum_horizontal(pl.col(f"{prefix}{c}") * lines[c] for c in others) if others else 0
    balance = (pl.col("_share") - rest) * lines[last]
    return df.with_columns(balance.cast(CENTS).alias(f"{prefix}{last}")).drop(
        "_total", "_share", "_ag", "_ak"
    )
