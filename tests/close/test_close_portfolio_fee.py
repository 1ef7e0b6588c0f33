"""A `portfolio_fee` row (fees the GP received from a holding) is a memorandum: the close
(metrics, general ledger, SQL recomputation) ties with it and no NAV or capital moves."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

from close_kit import book

from fundbook.close.closing import close_period
from fundbook.close.snapshot import read_snapshot
from fundbook.store.db import open_book
from ledger_kit import SMALL_BOOK

PORTFOLIO_FEE = "t10,2026-02-15,sf1,portfolio_fee,,c1,7.00,HKD,monitoring fee to the GP"


def _closed(tmp_path: Path, *extra: str) -> Path:
    db, ledger = book(tmp_path, transactions=[*SMALL_BOOK["transactions"], *extra])
    close_period(db, "2026-03", ledger_dir=str(ledger))
    return db


def _levels(db: Path) -> dict[str, list[tuple[object, ...]]]:
    with open_book(db, read_only=True) as con:
        snap = read_snapshot(con, "2026-03")
        fund = snap.level("fund").sort("fund_id")
        investor = snap.level("investor").sort("fund_id", "investor_id")
        return {
            "fund": fund.select("fund_id", "nav", "cash", "fees", "paid_in").rows(),
            "investor": investor.select("fund_id", "investor_id", "nav").rows(),
        }


def test_a_portfolio_fee_changes_no_nav(tmp_path: Path) -> None:
    without = _levels(_closed(tmp_path / "a"))
    db = _closed(tmp_path / "b", PORTFOLIO_FEE)
    assert _levels(db) == without
    with open_book(db, read_only=True) as con:
        lines = con.execute(
            "SELECT account, debit, credit FROM postings WHERE txn_id = 't10' ORDER BY account"
        ).fetchall()
    assert lines == [
        ("memo_portfolio_fees", Decimal("7.00"), Decimal("0.00")),
        ("memo_portfolio_fees_contra", Decimal("0.00"), Decimal("7.00")),
    ]
