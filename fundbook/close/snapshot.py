"""Snapshots of a close: one typed table per level, written as produced; the read API of reports."""

from __future__ import annotations

import contextlib
import datetime as dt
import json
from dataclasses import dataclass, field
from typing import Any

import duckdb
import polars as pl

from fundbook.close.periods import Period
from fundbook.core.dtypes import MONEY, RATE
from fundbook.core.errors import FundbookError, NotFound
from fundbook.metrics.statement import STATEMENT_LINES
from fundbook.store import chain
from fundbook.store.db import frame, sql

# Every level of a snapshot and its key columns, in order: the table `snapshot_<level>` of
# sql/schema_snapshot.sql, whose key the hash chain names rows by (one definition: chain.KEYS).
LEVEL_KEYS: dict[str, tuple[str, ...]] = {
    table.removeprefix(chain.SNAPSHOT_PREFIX): key[1:]
    for table, key in chain.KEYS.items()
    if table.startswith(chain.SNAPSHOT_PREFIX)
}
BASES = ("period", "QTD", "YTD", "ITD")
INSERT_BATCH_ROWS = 122_880  # DuckDB's row group: one Arrow batch per thread-sized task


def table_of(level: str) -> str:
    """The table holding a level's figures."""
    return chain.SNAPSHOT_PREFIX + level


def _stored_dtype(dtype: pl.DataType) -> pl.DataType:
    if dtype == RATE:  # a rate of the fund's terms, as booked (8 places): not money
        return RATE
    if isinstance(dtype, pl.Decimal):
        return MONEY
    if dtype.is_float():
        return pl.Float64()
    if dtype.is_integer():
        return pl.Int64()
    return dtype


def stored_form(df: pl.DataFrame, level: str) -> pl.DataFrame:
    """A level as its table holds it and `Snapshot.level` returns it: the key columns (text),
    then the figures in name order (money Decimal(38,2), ratios Float64, counts Int64, booked
    rates Decimal(18,8)), rows in key order, nulls first."""
    keys = list(LEVEL_KEYS[level])
    missing = [k for k in keys if k not in df.columns]
    if missing:
        raise ValueError(f"level {level}: frame has no key column(s) {missing}")
    figures = sorted(c for c in df.columns if c not in keys)
    return df.select(
        *[pl.col(k).cast(pl.String) for k in keys],
        *[pl.col(c).cast(_stored_dtype(df.schema[c])) for c in figures],
    ).sort(keys, nulls_last=False)


# What each declared type of a snapshot column holds in polars (stored_form's dtypes).
_POLARS_OF: dict[str, pl.DataType] = {
    "DECIMAL(38,2)": MONEY,
    "DECIMAL(18,8)": RATE,
    "DOUBLE": pl.Float64(),
    "BIGINT": pl.Int64(),
    "DATE": pl.Date(),
    "BOOLEAN": pl.Boolean(),
    "VARCHAR": pl.String(),
}


def figure_count(levels: dict[str, pl.DataFrame]) -> int:
    """The figures of a snapshot's levels: one per row and column besides the keys."""
    return sum(df.height * (df.width - len(LEVEL_KEYS[name])) for name, df in levels.items())


def write_levels(
    con: duckdb.DuckDBPyConnection, close_id: int, levels: dict[str, pl.DataFrame]
) -> None:
    """Store every level of a close in its table; a level whose columns are not its table's
    (a figure added to metrics but not to sql/schema_snapshot.sql) is a bug: nothing stored."""
    declared: dict[str, list[tuple[str, str]]] = {}
    for table, column, dtype in con.execute(
        sql("snapshot_columns"), {"prefix": chain.SNAPSHOT_PREFIX}
    ).fetchall():
        declared.setdefault(table, []).append((column, dtype))
    for level, df in levels.items():
        table = table_of(level)
        columns = declared.get(table, [])
        if df.height and [c for c, _ in columns] != ["close_id", *df.columns]:
            raise FundbookError(
                f"level {level}: its columns {df.columns} are not those of table {table} "
                f"{[c for c, _ in columns][1:]} (sql/schema_snapshot.sql)"
            )
        wrong = [
            f"{c} is {df.schema[c]}, the table holds {t}"
            for c, t in columns[1:]
            if df.height and df.schema[c] != _POLARS_OF.get(t, df.schema[c])
        ]
        if wrong:  # DuckDB would convert silently (a float into DECIMAL, 32.6 into 33)
            raise FundbookError(f"level {level}: {'; '.join(wrong)} (sql/schema_snapshot.sql)")
    for level, df in levels.items():
        if df.height:
            query = sql("snapshot_insert").format(table=chain.quote(table_of(level)))
            insert_frame(con, "snapshot_new", df, query, close_id)


def insert_frame(
    con: duckdb.DuckDBPyConnection, view: str, df: pl.DataFrame, query: str, close_id: int
) -> None:
    """Run the INSERT `query` reading the frame registered as `view`: one bulk insert, from
    Arrow batches of a row group each, which DuckDB's threads insert in parallel."""
    import pyarrow as pa  # here: a command that only reads snapshots never loads it (nor numpy)

    table = df.to_arrow()
    batches = table.to_batches(max_chunksize=INSERT_BATCH_ROWS)
    con.register(view, pa.Table.from_batches(batches, schema=table.schema))
    try:
        con.execute(query, {"close_id": close_id})
    finally:
        with contextlib.suppress(duckdb.Error):  # an aborted transaction must not mask the cause
            con.unregister(view)


def read_levels(con: duckdb.DuckDBPyConnection, close_id: int) -> dict[str, pl.DataFrame]:
    """Every level a close stored rows for, as `stored_form` gives it: a SELECT per level."""
    out = {}
    for level in LEVEL_KEYS:
        df = read_level(con, close_id, level)
        if df.height:
            out[level] = df
    return out


def read_level(con: duckdb.DuckDBPyConnection, close_id: int, level: str) -> pl.DataFrame:
    """One level of a close, as `stored_form` gives it (no rows: an empty frame)."""
    order = ", ".join(f"{chain.quote(k)} NULLS FIRST" for k in LEVEL_KEYS[level])
    query = sql("snapshot_read").format(table=chain.quote(table_of(level)), order=order)
    return frame(con, query, {"close_id": close_id})


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
    levels: dict[str, pl.DataFrame] = field(default_factory=dict)  # every level of LEVEL_KEYS
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


def read_statements(con: duckdb.DuckDBPyConnection, close_id: int) -> pl.DataFrame:
    """The stored capital account statements of a close, in canonical order."""
    return conform_statements(frame(con, sql("close_read_statements"), [close_id]))


def read_ledger(
    con: duckdb.DuckDBPyConnection, close_id: int, fund_id: str | None = None
) -> pl.DataFrame:
    """The general ledger a close stored (close_ledger; one fund or all), as
    `metrics.general_ledger` gives it: fund_id, currency, account, section, balance,
    closed_balance, in the trial balance's order."""
    return frame(con, sql("ledger_stored"), {"close_id": close_id, "fund_id": fund_id})


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
    """The snapshot of one close (any status): every level, one without rows as an empty frame
    with its columns, so that a reader filters any level without asking first."""
    levels = {level: read_level(con, info.close_id, level) for level in LEVEL_KEYS}
    return Snapshot(info, levels, read_statements(con, info.close_id))
