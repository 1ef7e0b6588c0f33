"""Checks of the accrual columns of transactions.csv: service periods and expense categories."""

from __future__ import annotations

import polars as pl

from fundbook.core.types import SERVICE_PERIOD_TYPES

Check = tuple[pl.Expr, pl.Expr]
_KINDS = " or ".join(SERVICE_PERIOD_TYPES)


def _day(column: str) -> pl.Expr:
    return pl.col(column).str.to_date("%Y-%m-%d", strict=False)


def service_checks() -> list[Check]:
    """Per row of transactions.csv (strings): a service period only on fee and expense rows,
    both of its dates or neither, starting on or before it ends; a category only on expense
    rows (its value is checked against the list with the other codes)."""
    start, end, kind = pl.col("service_start"), pl.col("service_end"), pl.col("type")
    checks: list[Check] = []
    for column in ("service_start", "service_end"):
        checks.append(
            (
                pl.col(column).is_not_null()
                & kind.is_not_null()
                & ~kind.is_in(list(SERVICE_PERIOD_TYPES)),
                pl.format(f"{column} is only for {_KINDS} rows (this row is a {{}})", kind),
            )
        )
    checks += [
        (
            start.is_not_null() & end.is_null(),
            pl.lit("service_start without service_end (give both dates or neither)"),
        ),
        (
            start.is_null() & end.is_not_null(),
            pl.lit("service_end without service_start (give both dates or neither)"),
        ),
        (
            _day("service_start") > _day("service_end"),
            pl.format("service_start '{}' is after service_end '{}'", start, end),
        ),
        (
            pl.col("category").is_not_null() & kind.is_not_null() & (kind != "expense"),
            pl.format("category is only for expense rows (this row is a {})", kind),
        ),
    ]
    return checks
