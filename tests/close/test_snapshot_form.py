"""Metric frames survive the long form of close_figures unchanged (dtypes, nulls, keys)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import polars as pl

from fundbook.close.snapshot import to_long, to_wide


def _frame() -> pl.DataFrame:
    return pl.DataFrame(
        {
            "fund_id": ["sf1", "sf2"],
            "investor_id": ["pen", "ins"],
            "nav": [Decimal("1234.50"), Decimal("-2.00")],
            "net_irr": [0.125, None],
            "holdings": [3, 0],
            "passed": [True, None],
            "as_of": [dt.date(2026, 9, 30), None],
            "currency": ["HKD", "USD"],
        },
        schema_overrides={"nav": pl.Decimal(38, 2)},
    )


def test_long_form_round_trip() -> None:
    df = _frame()
    long = to_long(df, "investor")
    assert long.height == 2 * 6
    assert set(long["kind"]) == {"money", "ratio", "count", "flag", "date", "text"}
    back = to_wide(long, "investor")
    assert back.equals(df)
    assert back.schema == df.schema


def test_undefined_figures_stay_null() -> None:
    long = to_long(_frame(), "investor")
    irr = long.filter((pl.col("figure") == "net_irr") & (pl.col("fund_id") == "sf2"))
    assert irr.select("money", "ratio", "text").row(0) == (None, None, None)


def test_item_key_of_a_level() -> None:
    df = pl.DataFrame(
        {"fund_id": ["sf1"], "rule": ["hk_nexus"], "figure": [0.42], "passed": [False]}
    )
    long = to_long(df, "compliance")
    assert set(long["item"]) == {"hk_nexus"}
    back = to_wide(long, "compliance")
    assert back.columns == ["fund_id", "rule", "figure", "passed"]
    assert back.row(0) == ("sf1", "hk_nexus", 0.42, False)
