"""Metric frames stored as produced: one typed table per level, read back unchanged."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import duckdb
import polars as pl
import pytest

from fundbook.close.snapshot import (
    LEVEL_KEYS,
    figure_count,
    read_levels,
    stored_form,
    table_of,
    write_levels,
)
from fundbook.core.errors import FundbookError
from fundbook.store import chain
from fundbook.store.db import apply_schema


def _holdings() -> pl.DataFrame:
    """A holding level as metrics produce it: figures in metrics' order, rows unsorted."""
    schema = {"fund_id": pl.String, "holding_id": pl.String}
    return pl.DataFrame(
        {
            "holding_id": ["c2", "c1"],
            "fund_id": ["sf1", "sf1"],
            "valued_by": ["valuation", None],
            "fair_value": [Decimal("1234.50"), Decimal("-2.00")],
            "gross_irr": [0.125, None],
            "valuation_date": [dt.date(2026, 9, 30), None],
        },
        schema_overrides={**schema, "fair_value": pl.Decimal(38, 2)},
    )


def test_stored_form_orders_keys_figures_and_rows() -> None:
    stored = stored_form(_holdings(), "holding")
    assert stored.columns == [
        "fund_id",
        "holding_id",
        "fair_value",
        "gross_irr",
        "valuation_date",
        "valued_by",
    ]
    assert stored["holding_id"].to_list() == ["c1", "c2"]
    assert figure_count({"holding": stored}) == 2 * 4


def test_counts_are_int64_and_money_two_decimals() -> None:
    df = pl.DataFrame(
        {"programme": ["p"], "theme": ["ai"], "holdings": pl.Series([3], dtype=pl.UInt32)}
    )
    stored = stored_form(df.with_columns(pl.lit(Decimal("1.5")).alias("invested")), "theme")
    assert stored.schema["holdings"] == pl.Int64
    assert stored.schema["invested"] == pl.Decimal(38, 2)


def test_a_level_without_its_key_is_refused() -> None:
    with pytest.raises(ValueError, match="level holding: frame has no key column"):
        stored_form(_holdings().drop("holding_id"), "holding")


@pytest.fixture
def con() -> duckdb.DuckDBPyConnection:
    mem = duckdb.connect(":memory:")
    apply_schema(mem)
    return mem


def test_round_trip_through_the_tables(con: duckdb.DuckDBPyConnection) -> None:
    holding = stored_form(
        pl.DataFrame(
            {
                "fund_id": ["sf1", "sf2"],
                "holding_id": ["c1", "c1"],
                "fair_value": [Decimal("1234.50"), None],
                "gross_irr": [0.125, None],
                "valuation_date": [dt.date(2026, 9, 30), None],
            },
            schema_overrides={"fair_value": pl.Decimal(38, 2)},
        ).join(_declared(con, "holding"), how="cross"),
        "holding",
    )
    write_levels(con, 7, {"holding": holding, "grant": pl.DataFrame()})
    back = read_levels(con, 7)
    assert list(back) == ["holding"]  # a level without rows is not in the snapshot
    assert back["holding"].equals(holding)
    assert back["holding"].schema == holding.schema
    assert read_levels(con, 8) == {}


def test_a_figure_not_declared_is_refused(con: duckdb.DuckDBPyConnection) -> None:
    theme = pl.DataFrame({"programme": ["p"], "theme": ["ai"], "novelty": [1.0]})
    with pytest.raises(FundbookError, match="are not those of table snapshot_theme"):
        write_levels(con, 1, {"theme": stored_form(theme, "theme")})


def test_every_level_has_its_table_covered_by_close(con: duckdb.DuckDBPyConnection) -> None:
    covered = {t.name: t for t in chain.tables(con)}
    for level, keys in LEVEL_KEYS.items():
        table = covered[table_of(level)]
        assert table.coverage == "close"
        assert table.key == ("close_id", *keys)
        assert [c[0] for c in table.columns[1 : len(keys) + 1]] == list(keys)


def _declared(con: duckdb.DuckDBPyConnection, level: str) -> pl.DataFrame:
    """One all-null row of the level's other columns, in their declared types."""
    rel = con.sql(f"SELECT * EXCLUDE (close_id) FROM {table_of(level)} LIMIT 0").pl()
    taken = ("fund_id", "holding_id", "fair_value", "gross_irr", "valuation_date")
    return rel.drop(*taken).clear(1)


def test_a_figure_of_the_wrong_type_is_refused(con: duckdb.DuckDBPyConnection) -> None:
    """DuckDB would convert a float into DECIMAL (or 32.6 into a count of 33) without a word:
    a level whose dtypes are not its table's is refused, nothing stored."""
    holding = stored_form(
        pl.DataFrame(
            {
                "fund_id": ["sf1"],
                "holding_id": ["c1"],
                "fair_value": [1234.5],  # money as a float
                "gross_irr": [0.125],
                "valuation_date": [dt.date(2026, 9, 30)],
            }
        ).join(_declared(con, "holding"), how="cross"),
        "holding",
    )
    with pytest.raises(FundbookError, match="fair_value is Float64, the table holds DECIMAL"):
        write_levels(con, 9, {"holding": holding})
    assert read_levels(con, 9) == {}
