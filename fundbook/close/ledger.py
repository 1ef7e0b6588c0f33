"""The general ledger as the read-only commands print it: `trial-balance` and `balance-sheet`.

A day a standing close ended is read from that close's stored ledger (close_ledger) with
DuckDB alone, without polars; any other day is computed by the metrics layer
(metrics.general_ledger). Both give the same rows (tests/close/test_ledger_commands.py).
A trial balance lists each account's balance in the debit or the credit column, before the
period's closing entry (so the period's income and expense show); the balance sheet is after it.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

import duckdb

from fundbook.close.asof import close_for_date
from fundbook.core.errors import NotFound
from fundbook.core.table import MONEY, OTHER, Rows, frame_rows
from fundbook.store.db import rows, scalar, sql

ZERO = Decimal("0.00")
CAPITAL_PREFIX = "partners_capital:"  # metrics.gl_chart names it; read here without polars
_ACCOUNT_COLUMNS = ("fund_id", "currency", "account", "debit", "credit", "balance")
_TOTAL_COLUMNS = ("fund_id", "currency", "debit", "credit", "difference", "balanced")
BALANCE_SHEET_COLUMNS = ("fund_id", "currency", "section", "line", "amount")


@dataclass(frozen=True)
class TrialBalance:
    """The trial balance as printed: per account, and the totals per fund and currency."""

    accounts: Rows
    totals: Rows

    @property
    def unbalanced(self) -> int:
        """The fund/currency books whose debits and credits differ."""
        return sum(not row["balanced"] for row in self.totals.records())


def ledger_rows(
    con: duckdb.DuckDBPyConnection, as_of: dt.date, fund_id: str | None = None
) -> list[dict[str, Any]]:
    """The ledger at `as_of` (fund_id, currency, account, section, balance, closed_balance),
    from the close that ended that day, else computed."""
    if fund_id is not None and not scalar(con, sql("fund_exists"), {"fund_id": fund_id}):
        raise NotFound(f"unknown fund {fund_id!r}")
    close_id = close_for_date(con, as_of)
    stored = stored_ledger(con, close_id, fund_id) if close_id is not None else []
    return stored or _computed(con, as_of, fund_id)


def stored_ledger(
    con: duckdb.DuckDBPyConnection, close_id: int, fund_id: str | None = None
) -> list[dict[str, Any]]:
    """The ledger close `close_id` stored (none for a close made before the GL was stored)."""
    try:
        found = rows(con, sql("ledger_stored"), {"close_id": close_id, "fund_id": fund_id})
    except duckdb.CatalogException:  # a book whose schema predates close_ledger
        return []
    return found.records()


def _computed(
    con: duckdb.DuckDBPyConnection, as_of: dt.date, fund_id: str | None
) -> list[dict[str, Any]]:
    import polars as pl

    from fundbook.metrics import general_ledger
    from fundbook.store.frames import load_frames

    ledger = general_ledger(load_frames(con, as_of), as_of)
    if fund_id is not None:
        ledger = ledger.filter(pl.col("fund_id") == fund_id)
    return frame_rows(ledger).records()


def trial_balance(ledger: list[dict[str, Any]]) -> TrialBalance:
    """Each account's balance (before the closing entry) as a debit or a credit, and the
    totals per fund and currency, which balance."""
    accounts: list[tuple[Any, ...]] = []
    totals: dict[tuple[str, str], tuple[Decimal, Decimal]] = {}
    for r in ledger:
        balance = r["balance"]
        debit, credit = max(balance, ZERO), max(-balance, ZERO)
        accounts.append((r["fund_id"], r["currency"], r["account"], debit, credit, balance))
        key = (r["fund_id"], r["currency"])
        was = totals.get(key, (ZERO, ZERO))
        totals[key] = (was[0] + debit, was[1] + credit)
    total_rows = [(f, c, d, k, d - k, d == k) for (f, c), (d, k) in sorted(totals.items())]
    money = (OTHER, OTHER, OTHER, MONEY, MONEY, MONEY)
    return TrialBalance(
        Rows(_ACCOUNT_COLUMNS, money, accounts),
        Rows(_TOTAL_COLUMNS, (OTHER, OTHER, MONEY, MONEY, MONEY, OTHER), total_rows),
    )


def balance_sheet(ledger: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Per fund (after the closing entry): its assets and liabilities by account, their totals,
    net assets and each partner's capital (credit balances shown positive)."""
    funds: dict[str, dict[str, Any]] = {}
    for r in ledger:
        fund = funds.setdefault(
            r["fund_id"],
            {"fund_id": r["fund_id"], "currency": r["currency"], "assets": [], "liabilities": []}
            | {"partners_capital": [], "other_capital": []},
        )
        amount, account, section = r["closed_balance"], r["account"], r["section"]
        if section == "asset":
            fund["assets"].append({"account": account, "amount": amount})
        elif section == "liability":
            fund["liabilities"].append({"account": account, "amount": -amount})
        elif account.startswith(CAPITAL_PREFIX):
            investor = account.removeprefix(CAPITAL_PREFIX)
            fund["partners_capital"].append({"investor_id": investor, "amount": -amount})
        elif section == "capital" and amount:
            fund["other_capital"].append({"account": account, "amount": -amount})
    out = []
    for fund in funds.values():
        assets = sum((a["amount"] for a in fund["assets"]), ZERO)
        liabilities = sum((a["amount"] for a in fund["liabilities"]), ZERO)
        fund["partners_capital"].sort(key=lambda p: p["investor_id"])
        out.append(
            {
                **fund,
                "total_assets": assets,
                "total_liabilities": liabilities,
                "net_assets": assets - liabilities,
            }
        )
    return out


def balance_sheet_rows(sheets: list[dict[str, Any]]) -> Rows:
    """The balance sheets as one table: per fund its lines, totals and partners' capital."""
    out: list[tuple[Any, ...]] = []
    for s in sheets:
        head = (s["fund_id"], s["currency"])
        out += [(*head, "asset", a["account"], a["amount"]) for a in s["assets"]]
        out.append((*head, "asset", "total_assets", s["total_assets"]))
        out += [(*head, "liability", a["account"], a["amount"]) for a in s["liabilities"]]
        out.append((*head, "liability", "total_liabilities", s["total_liabilities"]))
        out.append((*head, "net_assets", "net_assets", s["net_assets"]))
        out += [(*head, "capital", p["investor_id"], p["amount"]) for p in s["partners_capital"]]
        out += [(*head, "capital", p["account"], p["amount"]) for p in s["other_capital"]]
    return Rows(BALANCE_SHEET_COLUMNS, (OTHER, OTHER, OTHER, OTHER, MONEY), out)
