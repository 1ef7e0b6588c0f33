"""The trial balance: debits and credits per fund, currency and account, and their totals."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import TYPE_CHECKING

import duckdb

from fundbook.core.errors import NotFound
from fundbook.core.table import Rows
from fundbook.store.db import frame, rows, scalar, sql

if TYPE_CHECKING:
    import polars as pl


def _check_fund(con: duckdb.DuckDBPyConnection, fund_id: str | None) -> None:
    if fund_id is not None and not scalar(con, sql("fund_exists"), {"fund_id": fund_id}):
        raise NotFound(f"unknown fund {fund_id!r}")


def trial_balance(
    con: duckdb.DuckDBPyConnection, as_of: dt.date, fund_id: str | None = None
) -> pl.DataFrame:
    """Balances per (fund_id, currency, account) from postings dated on or before `as_of`."""
    _check_fund(con, fund_id)
    return frame(con, sql("trial_balance"), {"as_of": as_of, "fund_id": fund_id})


@dataclass(frozen=True)
class TrialBalance:
    """The trial balance as printed: per account, and the totals per fund and currency."""

    accounts: Rows
    totals: Rows

    @property
    def unbalanced(self) -> int:
        """The fund/currency books whose debits and credits differ."""
        return sum(not row["balanced"] for row in self.totals.records())


def trial_balance_rows(
    con: duckdb.DuckDBPyConnection, as_of: dt.date, fund_id: str | None = None
) -> TrialBalance:
    """`trial_balance` and its totals read with DuckDB alone (the `trial-balance` command)."""
    _check_fund(con, fund_id)
    params = {"as_of": as_of, "fund_id": fund_id}
    return TrialBalance(
        rows(con, sql("trial_balance"), params), rows(con, sql("trial_balance_totals"), params)
    )
