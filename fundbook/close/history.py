"""`fundbook history`: the imports, closes and reopenings of a book, in time order."""

from __future__ import annotations

import duckdb

from fundbook.core.table import Rows
from fundbook.store.db import rows, sql


def history(con: duckdb.DuckDBPyConnection) -> Rows:
    """One row per event: when, what kind, the period, who, what it did, and its hash."""
    return rows(con, sql("close_history"))
