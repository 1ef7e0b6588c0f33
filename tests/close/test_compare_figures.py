"""`audit reproduce` compares a close level by level: every differing or lacking figure, named."""

from __future__ import annotations

from decimal import Decimal

import polars as pl

from fundbook.close.audit import compare_figures

MONEY = pl.Decimal(38, 2)


def _fund() -> pl.DataFrame:
    return pl.DataFrame(
        {"fund_id": ["a", "b"], "nav": [Decimal("1.00"), Decimal("2.00")], "net_irr": [0.1, None]},
        schema_overrides={"nav": MONEY},
    )


def test_a_changed_figure_is_named_by_level_key_and_name() -> None:
    fresh = _fund().with_columns(
        pl.when(pl.col("fund_id") == "b")
        .then(pl.lit(Decimal("3.00")))
        .otherwise(pl.col("nav"))
        .cast(MONEY)
        .alias("nav")
    )
    diffs = compare_figures({"fund": _fund()}, {"fund": fresh})
    assert diffs.rows() == [("figure", "fund", "b///", "nav", "2.00", "3.00")]


def test_ratios_within_tolerance_and_nulls_alike_agree() -> None:
    fresh = _fund().with_columns(pl.col("net_irr") + 1e-15)
    assert compare_figures({"fund": _fund()}, {"fund": fresh}).height == 0


def test_a_level_one_side_lacks_lists_every_figure() -> None:
    rule = pl.DataFrame({"fund_id": ["a"], "rule": ["size"], "ratio": [0.5]})
    diffs = compare_figures({}, {"compliance": rule})
    assert diffs.rows() == [("figure", "compliance", "a///size", "ratio", "null", "0.5")]


def test_a_row_stored_twice_is_a_difference() -> None:
    stored = pl.concat([_fund(), _fund().filter(pl.col("fund_id") == "a")])
    diffs = compare_figures({"fund": stored}, {"fund": _fund()})
    assert ("figure", "fund", "a///", "(row)", "stored more than once", "once") in diffs.rows()


def test_a_figure_on_one_side_only_is_listed_not_a_crash() -> None:
    diffs = compare_figures({"fund": _fund().drop("net_irr")}, {"fund": _fund()})
    assert diffs.select("key", "name", "stored", "recomputed").rows() == [
        ("a///", "net_irr", "null", "0.1")
    ]
