"""Aligned text tables of DataFrames: money with separators, ratios to 4 places, null as —."""

from __future__ import annotations

import math
from typing import Any

import polars as pl

from fundbook.core.money import format_money

UNDEFINED = "—"


def _cell(value: Any, money: bool) -> str:
    if value is None:
        return UNDEFINED
    if money:
        return format_money(value)
    if isinstance(value, float):
        return UNDEFINED if math.isnan(value) else f"{value:,.4f}"
    return str(value)


def text_table(df: pl.DataFrame) -> str:
    """`df` as an aligned text table: numbers right-aligned, a rule under the header."""
    if df.height == 0:
        return "(no rows)"
    money = [isinstance(dt, pl.Decimal) for dt in df.dtypes]
    numeric = [dt.is_numeric() for dt in df.dtypes]
    cells = [[_cell(v, m) for v, m in zip(row, money, strict=True)] for row in df.iter_rows()]
    widths = [max(len(c), *(len(r[i]) for r in cells)) for i, c in enumerate(df.columns)]

    def line(values: list[str]) -> str:
        parts = [
            v.rjust(w) if num else v.ljust(w)
            for v, w, num in zip(values, widths, numeric, strict=True)
        ]
        return "  ".join(parts).rstrip()

    rule = "  ".join("-" * w for w in widths)
    return "\n".join([line(list(df.columns)), rule, *(line(r) for r in cells)])
