"""`fundbook history`: the imports, closes and reopenings of a book, in time order."""

from __future__ import annotations

import duckdb
import polars as pl

from fundbook.store.db import frame, sql


def history(con: duckdb.DuckDBPyConnection) -> pl.DataFrame:
    """One row per event: when, what kind, the period, who, what it did, and its hash."""
    return frame(con, sql("close_history"))
