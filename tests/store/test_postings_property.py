"""Property: any generated valid book imports without error and posts balanced entries."""

from __future__ import annotations

import datetime as dt
import tempfile
from decimal import Decimal
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from fundbook.close.ledger import ledger_rows, trial_balance
from fundbook.store.db import connect
from fundbook.store.importer import import_book
from ledger_kit import write_book

OUTFLOWS = ("investment", "fee", "expense", "distribution")


@st.composite
def books(draw: st.DrawFn) -> dict[str, list[str]]:
    """A book of one fund whose flows keep cash non-negative and paid-in within commitments."""
    n_investors = draw(st.integers(1, 3))
    commitments = [draw(st.integers(10_000, 10_000_000)) for _ in range(n_investors)]
    investors = [
        f"i{k},Investor {k},{'government' if k == 0 else 'social_capital'},"
        for k in range(n_investors)
    ]
    commit_rows = [
        f"f1,i{k},2025-01-01,{Decimal(c) / 100:.2f},HKD" for k, c in enumerate(commitments)
    ]
    cash, paid = 0, [0] * n_investors
    txns, day = [], dt.date(2025, 1, 2)
    for n in range(draw(st.integers(1, 25))):
        day += dt.timedelta(days=draw(st.integers(0, 40)))
        kind = draw(st.sampled_from(("contribution", *OUTFLOWS, "income", "co_investment")))
        k = draw(st.integers(0, n_investors - 1))
        if kind == "contribution":
            room = commitments[k] - paid[k]
            if room <= 0:
                continue
            amount = draw(st.integers(1, room))
            paid[k] += amount
            cash += amount
        elif kind in OUTFLOWS:
            if cash <= 0:
                continue
            amount = draw(st.integers(1, cash))
            cash -= amount
        else:
            amount = draw(st.integers(1, 1_000_000))
            cash += amount if kind == "income" else 0
        investor = f"i{k}" if kind in ("contribution", "distribution", "co_investment") else ""
        holding = "c1" if kind in ("investment", "income", "co_investment") else ""
        txns.append(f"t{n},{day},f1,{kind},{investor},{holding},{Decimal(amount) / 100:.2f},HKD,")
    return {
        "funds": ["f1,Fund One,sub_fund,HKD,2025,GP,,"],
        "investors": investors,
        "companies": ["c1,Company,ai_robotics,true,HK"],
        "commitments": commit_rows,
        "transactions": txns,
        "valuations": [],
        "fx_rates": [],
    }


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(book=books())
def test_generated_books_post_balanced_entries(book: dict[str, list[str]]) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        root = write_book(Path(tmp) / "b", book)
        con = connect(Path(tmp) / "x.duckdb")
        import_book(con, root)
        per_txn = con.execute(
            "SELECT txn_id, count(*), sum(debit) = sum(credit) FROM postings GROUP BY txn_id"
        ).fetchall()
        assert len(per_txn) == len(book["transactions"])
        assert all(n == 2 and ok for _, n, ok in per_txn)
        balance = trial_balance(ledger_rows(con, dt.date(2030, 1, 1)))
        assert balance.unbalanced == 0
        con.close()
