"""A book with quantities, partial sales and a write-off closes month by month: the NAV the
close recomputes in SQL from the booked rows (average cost, scaled marks, write-offs) ties to
the metrics to the cent, and every close reproduces."""

from __future__ import annotations

import datetime as dt
import shutil
from decimal import Decimal
from pathlib import Path

from fundbook.store.db import connect, frame, sql
from tests.close.close_kit import run

GOLDEN = Path(__file__).parents[1] / "metrics" / "golden" / "quantities_write_off" / "ledger"
# b: 3 units for 100.00, marked 99.99, then sold one at a time: each sale rounds half-even
# (33.33, then 66.67 x 1/2 = 33.335 -> 33.34), the mark scaled likewise (99.99 x 1/3 = 33.33).
ROUNDING = """txn_id,date,fund_id,type,investor_id,holding_id,amount,currency,memo,quantity
w1,2025-01-02,wo,contribution,lp,,1000.00,HKD,,
w2,2025-01-02,wo,investment,,a,300.00,HKD,,
w3,2025-01-02,wo,investment,,b,100.00,HKD,,3
w5,2025-09-10,wo,proceeds,,b,40.00,HKD,,1
w6,2025-10-10,wo,proceeds,,b,40.00,HKD,,1
w7,2025-11-10,wo,write_off,,a,0.00,HKD,,
"""


def _close_through_november(tmp_path: Path, transactions: str | None = None) -> Path:
    ledger = tmp_path / "ledger"
    shutil.copytree(GOLDEN, ledger)
    if transactions is not None:
        (ledger / "transactions.csv").write_text(transactions, encoding="utf-8")
        (ledger / "valuations.csv").write_text(
            "date,fund_id,holding_id,fair_value,currency\n2025-06-30,wo,b,99.99,HKD\n",
            encoding="utf-8",
        )
    db = tmp_path / "book.duckdb"
    first = ["--ledger", str(ledger), "--carry-forward-valuations", "--quiet", "--db", str(db)]
    for i, period in enumerate(("2025-09", "2025-10", "2025-11")):
        args = first if i == 0 else first[2:]
        result = run("close", period, *args)
        assert result.exit_code == 0, result.output
    return db


def _book_values(db: Path) -> dict[str, Decimal]:
    con = connect(db, read_only=True)
    try:
        rows = frame(con, sql("close_nav_book"), {"period_end": dt.date(2025, 11, 30)})
    finally:
        con.close()
    return {h: v for h, v in rows.select("holding_id", "value").iter_rows() if h is not None}


def test_the_golden_book_closes_and_reproduces(tmp_path: Path) -> None:
    db = _close_through_november(tmp_path)
    assert _book_values(db) == {"a": Decimal("0.00"), "b": Decimal("450.00"), "c": Decimal("0")}
    result = run("audit", "reproduce", "2025-11", "--db", str(db))
    assert result.exit_code == 0 and "0 differences" in result.output, result.output


def test_half_even_sales_and_scaled_marks_tie_in_sql(tmp_path: Path) -> None:
    db = _close_through_november(tmp_path, ROUNDING)
    assert _book_values(db) == {"a": Decimal("0.00"), "b": Decimal("33.33")}
    result = run(
        "explain",
        "remaining_cost",
        "--fund",
        "wo",
        "--holding",
        "b",
        "--period",
        "2025-11",
        "--db",
        str(db),
        "--format",
        "csv",
    )
    assert result.exit_code == 0, result.output
    assert "-33.33" in result.output and "-33.34" in result.output
