"""The trial balance: debits and credits per fund, currency and account, and their totals."""

from __future__ import annotations

import datetime as dt

import duckdb
import polars as pl

from fundbook.core.errors import NotFound
from fundbook.store.db import frame, scalar, sql


def trial_balance(
    con: duckdb.DuckDBPyConnection, as_of: dt.date, fund_id: str | None = None
) -> pl.DataFrame:
    """Balances per (fund_id, currency, account) from postings dated on or before `as_of`."""
    if fund_id is not None and not scalar(con, sql("fund_exists"), {"fund_id": fund_id}):
        raise NotFound(f"unknown fund {fund_id!r}")
    return frame(con, sql("trial_balance"), {"as_of": as_of, "fund_id": fund_id})


def trial_balance_totals(accounts: pl.DataFrame) -> pl.DataFrame:
    """Total debits and credits per fund and currency, and whether they balance."""
    return (
        accounts.group_by("fund_id", "currency", maintain_order=True)
        .agg(pl.col("debit").sum(), pl.col("credit").sum())
        .with_columns((pl.col("debit") - pl.col("credit")).alias("difference"))
        .with_columns((pl.col("difference") == 0).alias("balanced"))
    )
