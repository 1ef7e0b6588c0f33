"""A book with quantities, partial sales and a write-off closes month by month: the NAV the
close recomputes in SQL from the booked rows (average cost, scaled marks, write-offs) ties to
the metrics to the cent, and every close reproduces."""

from __future__ import annotations

import datetime as dt
import shutil
import tempfile
from decimal import Decimal
from pathlib import Path

import polars as pl
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from fundbook.metrics.money import from_cents
from fundbook.metrics.state import book_state
from fundbook.store.db import connect, frame, sql
from fundbook.store.frames import load_frames
from fundbook.store.importer import import_book
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


TRADES = st.lists(
    st.tuples(
        st.sampled_from(["buy", "sell", "mark", "sell_out"]),
        st.integers(1, 10**8),  # cents of a buy, sale or mark
        st.integers(1, 10**7),  # units of 10^-6 bought, or parts per 10^7 of the holding sold
    ),
    min_size=1,
    max_size=10,
)


def _ledger(steps: list[tuple[str, int, int]], write_off: bool) -> tuple[str, str, dt.date]:
    """transactions.csv and valuations.csv of holding b traded by `steps`, one a day."""
    txns = [ROUNDING.splitlines()[0], "w1,2025-01-02,wo,contribution,lp,,1000.00,HKD,,"]
    txns.append("w2,2025-01-02,wo,contribution,lp,,99999000.00,HKD,,")  # paid for every buy
    marks, held, day = ["date,fund_id,holding_id,fair_value,currency"], 0, dt.date(2025, 1, 3)
    for i, (kind, cents, size) in enumerate(steps):
        day += dt.timedelta(days=1)
        money = f"{Decimal(cents) / 100:.2f}"
        sold = held if kind == "sell_out" else held * size // 10**7
        if kind == "mark" and held:
            marks.append(f"{day},wo,b,{money},HKD")
        elif kind in ("sell", "sell_out") and sold:
            txns.append(f"p{i},{day},wo,proceeds,,b,{money},HKD,,{Decimal(sold) / 10**6:f}")
            held -= sold
        elif kind == "buy" or not held:
            units = max(size, 1)
            txns.append(f"i{i},{day},wo,investment,,b,{money},HKD,,{Decimal(units) / 10**6:f}")
            held += units
    if write_off:
        day += dt.timedelta(days=1)
        txns.append(f"x1,{day},wo,write_off,,b,0.00,HKD,,")
    return "\n".join(txns) + "\n", "\n".join(marks) + "\n", day


@settings(
    max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(TRADES, st.booleans())
def test_the_sql_and_the_metrics_value_a_traded_holding_alike(
    tmp_path: Path, steps: list[tuple[str, int, int]], write_off: bool
) -> None:
    """Two implementations of average cost, scaled marks and write-offs (a recursive query on
    the booked rows; polars and a Python recursion in metrics) agree to the cent."""
    transactions, valuations, day = _ledger(steps, write_off)
    ledger = Path(tempfile.mkdtemp(dir=tmp_path)) / "ledger"
    shutil.copytree(GOLDEN, ledger)
    (ledger / "commitments.csv").write_text(
        "fund_id,investor_id,date,amount,currency\nwo,lp,2025-01-01,100000000.00,HKD\n"
    )
    (ledger / "transactions.csv").write_text(transactions, encoding="utf-8")
    (ledger / "valuations.csv").write_text(valuations, encoding="utf-8")
    con = connect(ledger / "book.duckdb")
    try:
        import_book(con, ledger)
        rows = frame(con, sql("close_nav_book"), {"period_end": day})
        state = book_state(load_frames(con, day), day)
    finally:
        con.close()
    in_sql = {h: v for h, v in rows.select("holding_id", "value").iter_rows() if h is not None}
    got = state.holdings.select("holding_id", from_cents(pl.col("fair_value")))
    assert in_sql == dict(got.iter_rows())


# 29 million units (their micro-units pass DECIMAL(18)) and a write-off of `a` in September:
# October and November close without valuations of `a` and without carrying any forward.
BIG = """txn_id,date,fund_id,type,investor_id,holding_id,amount,currency,memo,quantity
w1,2025-01-02,wo,contribution,lp,,1000.00,HKD,,
w2,2025-01-02,wo,investment,,a,300.00,HKD,,
w3,2025-01-02,wo,investment,,b,100.00,HKD,,29000000
w4,2025-09-10,wo,write_off,,a,0.00,HKD,,
"""


def test_large_quantities_and_a_write_off_need_no_later_valuation(tmp_path: Path) -> None:
    ledger = tmp_path / "ledger"
    shutil.copytree(GOLDEN, ledger)
    (ledger / "transactions.csv").write_text(BIG, encoding="utf-8")
    marks = "".join(f"2025-{m:02d}-{d},wo,b,100.00,HKD\n" for m, d in ((10, 31), (11, 30)))
    (ledger / "valuations.csv").write_text(
        "date,fund_id,holding_id,fair_value,currency\n2025-08-29,wo,a,150.00,HKD\n"
        "2025-09-05,wo,b,100.00,HKD\n" + marks,
        encoding="utf-8",
    )
    db = tmp_path / "book.duckdb"
    first = ["--ledger", str(ledger), "--carry-forward-valuations", "--quiet", "--db", str(db)]
    result = run("close", "2025-09", *first)
    assert result.exit_code == 0, result.output
    for period in ("2025-10", "2025-11"):
        result = run("close", period, "--quiet", "--db", str(db))
        assert result.exit_code == 0, result.output
    assert _book_values(db) == {"a": Decimal("0.00"), "b": Decimal("100.00")}
