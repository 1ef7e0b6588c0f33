"""Audit of closes: reproduce a close's figures and general ledger in a fresh database (verify:
`close.verify`)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

import duckdb
import polars as pl

from fundbook.close.figures import compute
from fundbook.close.periods import Period
from fundbook.close.snapshot import (
    LEVEL_KEYS,
    STATEMENT_LINES,
    find_close,
    read_ledger,
    read_levels,
    read_statements,
)
from fundbook.close.verify import verify_chain
from fundbook.store.db import apply_schema, frame, open_duckdb, scalar, sql

BOOKED_TABLES = (
    "funds",
    "investors",
    "companies",
    "commitments",
    "transactions",
    "valuations",
    "fx_rates",
    "terms",
    "investor_terms",
    "gp_statements",
    "gp_holdings",
    "calls",
    "index_levels",
    "commentary",
)
UNDATED = frozenset({"funds", "investors", "companies", "terms", "investor_terms", "commentary"})
# The key of a figure in messages: fund/investor/holding/<the level's other key>.
KEY_SLOTS = ("fund_id", "investor_id", "holding_id")
LINE_KEYS = ["basis", "fund_id", "investor_id", "line"]
# A row of the general ledger (close_ledger) and the balances each holds.
LEDGER_KEYS = ("fund_id", "account")
LEDGER_BALANCES = ("balance", "closed_balance")
RATIO_TOLERANCE = 1e-12


def close_records(con: duckdb.DuckDBPyConnection) -> list[dict[str, Any]]:
    """Every stored close as a dict of its columns (and its chain hash), oldest first."""
    cur = con.execute(sql("audit_close_record"))
    names = [d[0] for d in cur.description]
    return [dict(zip(names, row, strict=True)) for row in cur.fetchall()]


def record_of(con: duckdb.DuckDBPyConnection, close_id: int) -> dict[str, Any]:
    return next(r for r in close_records(con) if r["close_id"] == close_id)


def booked_rows(con: duckdb.DuckDBPyConnection, table: str, rec: dict[str, Any]) -> pl.DataFrame:
    """The rows of `table` as they were at the close `rec`, every column, fixed order."""
    params = (
        {"watermark": rec["import_watermark"]}
        if table in UNDATED
        else {"period_end": rec["period_end"]}
    )
    if table == "transactions":  # accrued rows dated later: those booked by the close
        params["watermark"] = rec["import_watermark"]
    return frame(con, sql(f"audit_rows_{table}"), params)


def fresh_book(con: duckdb.DuckDBPyConnection, rec: dict[str, Any]) -> duckdb.DuckDBPyConnection:
    """A new in-memory DuckDB holding only the booked rows as they were at the close."""
    mem = open_duckdb(":memory:")
    apply_schema(mem)
    for table in BOOKED_TABLES:
        rows = booked_rows(con, table, rec)
        if rows.height:
            mem.from_arrow(rows.select(mem.table(table).columns).to_arrow()).insert_into(table)
    return mem


@dataclass
class Reproduction:
    """A close recomputed: how many figures and general-ledger balances (`ledger_balances`:
    each account's balance before and after the closing entry), and every difference from
    what the close stored."""

    close_id: int
    period: str
    figures: int
    differences: pl.DataFrame
    inputs_match: bool
    ledger_balances: int = 0


def reproduce(con: duckdb.DuckDBPyConnection, period: str) -> Reproduction:
    """Recompute every figure and general-ledger balance of the close of `period` from its
    booked rows, in memory (the close's own producers: `figures.compute`)."""
    info = find_close(con, period)
    rec = record_of(con, info.close_id)
    mem = fresh_book(con, rec)
    try:
        inception = scalar(mem, sql("close_inception"), {"period_end": rec["period_end"]})
        computed = compute(
            mem,
            Period.parse(rec["period"]),
            rec["period_start"],
            _as_date(inception, rec["period_start"]),
        )
    finally:
        mem.close()
    diffs = pl.concat(
        [
            compare_figures(read_levels(con, info.close_id), computed.levels),
            compare_statements(read_statements(con, info.close_id), computed.statements),
            compare_ledger(read_ledger(con, info.close_id), computed.ledger),
        ],
        how="vertical",
    )
    upto = rec["chain_seq"] or 0
    intact = all(c.ok for c in verify_chain(con) if 0 < c.seq <= upto)
    balances = computed.ledger.height * len(LEDGER_BALANCES)
    return Reproduction(info.close_id, info.period, computed.figure_count, diffs, intact, balances)


def _as_date(value: Any, fallback: dt.date) -> dt.date:
    return value if isinstance(value, dt.date) else fallback


DIFFERENCES = {
    "what": pl.String(),
    "where": pl.String(),
    "key": pl.String(),
    "name": pl.String(),
    "stored": pl.String(),
    "recomputed": pl.String(),
}


def compare_figures(
    stored: dict[str, pl.DataFrame], fresh: dict[str, pl.DataFrame]
) -> pl.DataFrame:
    """One row per figure whose stored and recomputed values differ (or that one side lacks),
    level by level (levels in `snapshot.stored_form`)."""
    parts = [pl.DataFrame(schema=DIFFERENCES)]
    for level in LEVEL_KEYS:
        sides = [side for side in (stored.get(level), fresh.get(level)) if side is not None]
        if not sides:
            continue
        none = sides[0].clear()  # a side without rows: each figure of the other one is lacking
        parts += _level_differences(level, stored.get(level, none), fresh.get(level, none))
    return pl.concat(parts, how="vertical")


def compare_ledger(stored: pl.DataFrame, fresh: pl.DataFrame) -> pl.DataFrame:
    """One row per general-ledger account whose stored and recomputed columns differ (or that
    one side lacks), named `fund_id/account`: every account alike, whatever its section."""
    key = pl.concat_str([pl.col(k) for k in LEDGER_KEYS], separator="/")
    parts = _level_differences("close_ledger", stored, fresh, LEDGER_KEYS, key, "ledger")
    return pl.concat([pl.DataFrame(schema=DIFFERENCES), *parts], how="vertical")


def _slot_key(keys: list[str]) -> pl.Expr:
    """A figure's key in messages: fund/investor/holding/<the level's other key>."""
    slots = [k if k in keys else None for k in KEY_SLOTS] + [
        next((k for k in keys if k not in KEY_SLOTS), None)
    ]
    return pl.concat_str(
        [pl.col(k).fill_null("") if k else pl.lit("") for k in slots], separator="/"
    )


def _level_differences(
    level: str,
    stored: pl.DataFrame,
    fresh: pl.DataFrame,
    key_columns: tuple[str, ...] | None = None,
    named: pl.Expr | None = None,
    what: str = "figure",
) -> list[pl.DataFrame]:
    keys = list(LEVEL_KEYS[level] if key_columns is None else key_columns)
    names = [c for c in dict.fromkeys([*stored.columns, *fresh.columns]) if c not in keys]
    # a figure on one side only is a difference of every row, not a crash
    stored = stored.with_columns(
        pl.lit(None, fresh.schema[c]).alias(c) for c in names if c not in stored.columns
    )
    fresh = fresh.with_columns(
        pl.lit(None, stored.schema[c]).alias(c) for c in names if c not in fresh.columns
    )
    twice = stored.filter(stored.select(keys).is_duplicated())
    joined = stored.with_columns(pl.lit(True).alias("_row")).join(
        fresh.with_columns(pl.lit(True).alias("_row")),
        on=keys,
        how="full",
        coalesce=True,
        nulls_equal=True,
        suffix="_new",
    )
    key = _slot_key(keys) if named is None else named
    lacking = pl.col("_row").is_null() | pl.col("_row_new").is_null()
    duplicated = twice.select(
        pl.lit(what).alias("what"),
        pl.lit(level).alias("where"),
        key.alias("key"),
        pl.lit("(row)").alias("name"),
        pl.lit("stored more than once").alias("stored"),
        pl.lit("once").alias("recomputed"),
    ).unique()
    return [
        duplicated,
        *(
            joined.filter(lacking | _differs(name, stored.schema.get(name))).select(
                pl.lit(what).alias("what"),
                pl.lit(level).alias("where"),
                key.alias("key"),
                pl.lit(name).alias("name"),
                pl.col(name).cast(pl.String).fill_null("null").alias("stored"),
                pl.col(f"{name}_new").cast(pl.String).fill_null("null").alias("recomputed"),
            )
            for name in names
        ),
    ]


def _differs(name: str, dtype: pl.DataType | None) -> pl.Expr:
    a, b = pl.col(name), pl.col(f"{name}_new")
    if dtype is None or not dtype.is_float():
        return ~a.eq_missing(b)
    return (
        pl.when(a.is_null() & b.is_null())
        .then(False)
        .when(a.is_null() | b.is_null())
        .then(True)
        .otherwise((a - b).abs() > RATIO_TOLERANCE * pl.max_horizontal(a.abs(), 1.0))
    )


def _lines(statements: pl.DataFrame) -> pl.DataFrame:
    return statements.unpivot(
        index=["basis", "fund_id", "investor_id"],
        on=list(STATEMENT_LINES),
        variable_name="line",
        value_name="amount",
    )


def compare_statements(stored: pl.DataFrame, fresh: pl.DataFrame) -> pl.DataFrame:
    """One row per statement line whose stored and recomputed amounts differ."""
    joined = _lines(stored).join(
        _lines(fresh), on=LINE_KEYS, how="full", coalesce=True, nulls_equal=True, suffix="_new"
    )
    return joined.filter(~pl.col("amount").eq_missing(pl.col("amount_new"))).select(
        pl.lit("statement").alias("what"),
        pl.col("basis").alias("where"),
        pl.concat_str(
            [pl.col("fund_id"), pl.col("investor_id").fill_null("(fund)")], separator="/"
        ).alias("key"),
        pl.col("line").alias("name"),
        pl.col("amount").cast(pl.String).fill_null("missing").alias("stored"),
        pl.col("amount_new").cast(pl.String).fill_null("missing").alias("recomputed"),
    )
