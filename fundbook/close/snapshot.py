"""Snapshots of a close: metric frames to long-form figures and back; the read API of reports."""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass, field
from typing import Any

import duckdb
import polars as pl

from fundbook.close.periods import Period
from fundbook.core.errors import NotFound
from fundbook.metrics.statement import STATEMENT_LINES
from fundbook.store.db import frame, sql

MONEY = pl.Decimal(38, 2)
KEY_COLUMNS = ("fund_id", "investor_id", "holding_id")
# The level's key besides fund/investor/holding, stored in `item` (None: the level has none).
LEVEL_ITEM: dict[str, str | None] = {
    "fund": None,
    "investor": None,
    "holding": None,
    "theme": "theme",
    "theme_look_through": "theme",
    "theme_by_fund": "theme",
    "programme": "programme",
    "grant": "company_id",
    "compliance": "rule",
    "cash_flow": "quarter",
    "flow": "txn_id",
    "fund_info": None,
    "investor_info": None,
    "company_info": "company_id",
}
LONG_SCHEMA: dict[str, pl.DataType] = {
    "level": pl.String(),
    "fund_id": pl.String(),
    "investor_id": pl.String(),
    "holding_id": pl.String(),
    "item": pl.String(),
    "figure": pl.String(),
    "kind": pl.String(),
    "money": MONEY,
    "ratio": pl.Float64(),
    "text": pl.String(),
}
BASES = ("period", "QTD", "YTD", "ITD")


def _kind(dtype: pl.DataType) -> str:
    if isinstance(dtype, pl.Decimal):
        return "money"
    if dtype.is_float():
        return "ratio"
    if dtype.is_integer():
        return "count"
    if dtype == pl.Boolean:
        return "flag"
    if dtype == pl.Date:
        return "date"
    return "text"


def _value_exprs(name: str, kind: str) -> list[pl.Expr]:
    col = pl.col(name)
    money = col.cast(MONEY) if kind == "money" else pl.lit(None, MONEY)
    ratio = col.cast(pl.Float64) if kind in ("ratio", "count") else pl.lit(None, pl.Float64)
    text: pl.Expr
    if kind == "flag":
        text = pl.when(col).then(pl.lit("true")).when(col.not_()).then(pl.lit("false"))
    elif kind in ("date", "text"):
        text = col.cast(pl.String)
    else:
        text = pl.lit(None, pl.String)
    return [money.alias("money"), ratio.alias("ratio"), text.cast(pl.String).alias("text")]


def to_long(df: pl.DataFrame, level: str) -> pl.DataFrame:
    """One row per (keys, figure) of a metric frame: the form stored in `close_figures`."""
    item = LEVEL_ITEM[level]
    keys = [c for c in (*KEY_COLUMNS, item) if c is not None and c in df.columns]
    if item is not None and item not in df.columns:
        raise ValueError(f"level {level}: frame has no key column {item!r}")
    df = df.with_columns(
        [
            pl.col(c).map_batches(_list_to_text)
            for c, t in df.schema.items()
            if isinstance(t, (pl.List, pl.Array, pl.Struct))
        ]
    )
    key_exprs = [
        (pl.col(c).cast(pl.String) if c in keys else pl.lit(None, pl.String)).alias(c)
        for c in KEY_COLUMNS
    ]
    item_expr = (pl.col(item).cast(pl.String) if item else pl.lit(None, pl.String)).alias("item")
    parts = []
    for name, dtype in df.schema.items():
        if name in keys:
            continue
        kind = _kind(dtype)
        parts.append(
            df.select(
                pl.lit(level).alias("level"),
                *key_exprs,
                item_expr,
                pl.lit(name).alias("figure"),
                pl.lit(kind).alias("kind"),
                *_value_exprs(name, kind),
            )
        )
    if not parts:
        return pl.DataFrame(schema=LONG_SCHEMA)
    return pl.concat(parts, how="vertical").cast(LONG_SCHEMA)  # type: ignore[arg-type]


def _list_to_text(series: pl.Series) -> pl.Series:
    return pl.Series(
        series.name,
        [None if v is None else json.dumps(_plain(v), sort_keys=True) for v in series.to_list()],
        dtype=pl.String,
    )


def _plain(value: Any) -> Any:
    if isinstance(value, list):
        return [_plain(v) for v in value]
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    if isinstance(value, (dt.date, dt.datetime)):
        return value.isoformat()
    return value if isinstance(value, (int, float, str, bool)) or value is None else str(value)


def to_wide(long: pl.DataFrame, level: str) -> pl.DataFrame:
    """Back from long form: one row per key, one column per figure, with the original kinds."""
    rows = long.filter(pl.col("level") == level)
    item = LEVEL_ITEM[level]
    keys = [c for c in KEY_COLUMNS if rows[c].null_count() < rows.height]
    if item is not None:
        rows = rows.rename({"item": item})
        keys.append(item)
    if rows.height == 0:
        return pl.DataFrame(schema={k: pl.String for k in keys})
    index = rows.select(keys).unique(maintain_order=True)
    for figure, kind in rows.select("figure", "kind").unique(maintain_order=True).iter_rows():
        index = index.join(
            _figure_column(rows, keys, figure, kind), on=keys, how="left", nulls_equal=True
        )
    return index


def _figure_column(rows: pl.DataFrame, keys: list[str], figure: str, kind: str) -> pl.DataFrame:
    part = rows.filter(pl.col("figure") == figure)
    source = {"money": "money", "ratio": "ratio", "count": "ratio"}.get(kind, "text")
    value = pl.col(source)
    if kind == "count":
        value = value.cast(pl.Int64)
    elif kind == "flag":
        value = value == "true"
    elif kind == "date":
        value = value.str.to_date()
    return part.select(*keys, value.alias(figure))


@dataclass(frozen=True)
class CloseInfo:
    """One row of `closes`."""

    close_id: int
    period: str
    quarter: str | None
    period_start: dt.date
    period_end: dt.date
    status: str
    closed_at: dt.datetime
    closed_by: str
    carry_forward: bool
    carried_forward: list[str]
    warnings: list[str]
    figure_count: int
    close_hash: str  # the hash of the close's event in the chain ('' for a draft)
    prev_hash: str | None


@dataclass
class Snapshot:
    """Every figure of one close, as wide polars frames (the contract reports read)."""

    close: CloseInfo
    levels: dict[str, pl.DataFrame] = field(default_factory=dict)
    statements: pl.DataFrame = field(default_factory=pl.DataFrame)

    def level(self, name: str) -> pl.DataFrame:
        """The wide frame of a level (`fund`, `investor`, `holding`, `theme`, ...)."""
        return self.levels[name]

    def statement(self, basis: str) -> pl.DataFrame:
        """Capital account statements of one basis (`period`, `QTD`, `YTD`, `ITD`)."""
        return self.statements.filter(pl.col("basis") == basis)


def close_info(row: tuple[Any, ...]) -> CloseInfo:
    """A `closes` row (columns in CloseInfo's order) with its JSON lists decoded."""
    fields = list(row)
    for k in (9, 10):  # carried_forward, warnings
        fields[k] = json.loads(fields[k])
    return CloseInfo(*fields)


def list_closes(con: duckdb.DuckDBPyConnection) -> list[CloseInfo]:
    """Every close of the book, oldest first, reopened ones included."""
    return [close_info(r) for r in con.execute(sql("close_list")).fetchall()]


def find_close(con: duckdb.DuckDBPyConnection, period: str) -> CloseInfo:
    """The standing close of `period` (`2026-09` or `2026Q3`); NotFound when it is not closed."""
    wanted = str(Period.parse(period))
    for info in reversed(list_closes(con)):
        if info.period == wanted and info.status == "closed":
            return info
    raise NotFound(f"period {wanted} is not closed (see `fundbook history`)")


def is_closed(con: duckdb.DuckDBPyConnection, period: str) -> bool:
    """True when `period` (or the quarter `2026Q3`) has a standing close."""
    try:
        find_close(con, period)
    except NotFound:
        return False
    return True


def read_stored(con: duckdb.DuckDBPyConnection, close_id: int) -> tuple[pl.DataFrame, pl.DataFrame]:
    """The stored figures (long form) and statements of a close, in canonical order."""
    figures = frame(con, sql("close_read_figures"), [close_id]).cast(LONG_SCHEMA)  # type: ignore[arg-type]
    return figures, read_statements(con, close_id)


def read_statements(con: duckdb.DuckDBPyConnection, close_id: int) -> pl.DataFrame:
    """The stored capital account statements of a close, in canonical order."""
    return conform_statements(frame(con, sql("close_read_statements"), [close_id]))


STATEMENT_KEYS = ("basis", "start_date", "end_date", "fund_id", "investor_id")


def conform_statements(df: pl.DataFrame) -> pl.DataFrame:
    """Statements in their stored form: keys, then every ILPA line as money, canonical order."""
    keys = {
        "basis": pl.String(),
        "start_date": pl.Date(),
        "end_date": pl.Date(),
        "fund_id": pl.String(),
        "investor_id": pl.String(),
    }
    if df.height == 0:
        return pl.DataFrame(schema={**keys, **{c: MONEY for c in STATEMENT_LINES}})
    order = pl.col("basis").replace_strict(
        {b: n for n, b in enumerate(BASES)}, default=len(BASES), return_dtype=pl.Int8
    )
    return df.sort(order, "fund_id", "investor_id", nulls_last=False).select(
        *[pl.col(k).cast(t) for k, t in keys.items()],
        *[pl.col(c).cast(MONEY) for c in STATEMENT_LINES],
    )


def read_snapshot(con: duckdb.DuckDBPyConnection, period: str) -> Snapshot:
    """The snapshot of the standing close of `period` (`2026-09` or `2026Q3`)."""
    info = find_close(con, period)
    return read_snapshot_by_id(con, info)


def read_snapshot_by_id(con: duckdb.DuckDBPyConnection, info: CloseInfo) -> Snapshot:
    figures, statements = read_stored(con, info.close_id)
    return Snapshot(info, wide_levels(figures), statements)


FIGURE_ORDER = ("level", "fund_id", "investor_id", "holding_id", "item", "figure")


def wide_levels(figures: pl.DataFrame) -> dict[str, pl.DataFrame]:
    """Every level with rows, wide, from long-form figures (in canonical order, as stored)."""
    ordered = figures.sort(list(FIGURE_ORDER), nulls_last=False)
    return {
        lvl: to_wide(ordered, lvl)
        for lvl in LEVEL_ITEM
        if ordered.filter(pl.col("level") == lvl).height
    }
