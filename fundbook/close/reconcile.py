"""`fundbook reconcile` and the close's GP-statement warnings: GP figures against the book."""

from __future__ import annotations

import datetime as dt

import duckdb
import polars as pl

from fundbook.core.table import Rows, frame_rows
from fundbook.metrics.reconcile import COLUMNS, reconcile
from fundbook.store.frames import load_frames

_STATEMENT = ["fund_id", "holding_id", "statement_date"]


def reconcile_as_of(con: duckdb.DuckDBPyConnection, as_of: dt.date) -> Rows:
    """Per holder and sub-fund with both, the latest GP statement received by `as_of` against
    the holder's capital account in the sub-fund's ledger (`metrics.reconcile`, `COLUMNS`)."""
    return frame_rows(reconcile(load_frames(con, as_of), as_of).select(COLUMNS))


def reconcile_warnings(level: pl.DataFrame, previous: pl.DataFrame | None) -> list[str]:
    """One warning per figure of a close's `reconcile` level that differs beyond its
    tolerance, for a GP statement new to this close (not in the level of the close before,
    `previous`; None: no close before), so a statement is warned of once, at the close that
    first reconciles it."""
    out = level.filter(pl.col("status") == "differs")
    if previous is not None and previous.height:
        seen = previous.select(_STATEMENT).unique().with_columns(pl.lit(True).alias("_seen"))
        out = out.join(seen, on=_STATEMENT, how="left").filter(pl.col("_seen").is_null())
    return [
        f"fund {r['fund_id']}: the GP statement of {r['holding_id']} dated "
        f"{r['statement_date']} (received {r['received_date']}; "
        f"{r['source_file']}:{r['source_line']}) gives {r['figure']} {r['gp']}, "
        f"the book {r['book']} for {r['investor_id']}: a difference of {r['difference']} "
        f"{r['currency']} (more than its tolerance {r['tolerance']}); see `fundbook reconcile "
        f"--as-of {r['received_date']}`"
        for r in out.iter_rows(named=True)
    ]
