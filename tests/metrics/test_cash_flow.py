"""The J-curve by quarter: contributions, distributions, net and cumulative net, to the cent."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from fundbook.metrics import cash_flow_by_quarter
from fundbook.store.frames import frames_from_rows


def _txn(txn_id: str, day: str, fund: str, kind: str, amount: str) -> dict[str, object]:
    return {
        "txn_id": txn_id,
        "date": date.fromisoformat(day),
        "fund_id": fund,
        "type": kind,
        "investor_id": "lp",
        "amount_fund": Decimal(amount),
    }


def test_quarters_net_and_cumulative_by_hand() -> None:
    frames = frames_from_rows(
        date(2026, 9, 30),
        {
            "transactions": [
                _txn("t1", "2025-12-31", "f", "contribution", "100.00"),
                _txn("t2", "2026-01-01", "f", "contribution", "50.01"),
                _txn("t3", "2026-03-31", "f", "distribution", "20.00"),
                _txn("t4", "2026-08-15", "f", "distribution", "200.00"),
                _txn("t5", "2026-08-15", "g", "contribution", "7.00"),
                _txn("t6", "2026-08-15", "f", "fee", "3.00"),  # not a flow to investors
                _txn("t7", "2026-10-01", "f", "contribution", "9.00"),  # after the date
            ]
        },
    )
    got = cash_flow_by_quarter(frames, date(2026, 9, 30))
    d = Decimal
    assert got.select(
        "fund_id",
        "quarter",
        "contributions",
        "distributions",
        "net_cash_flow",
        "cumulative_net_cash_flow",
    ).rows() == [
        ("f", "2025Q4", d("100.00"), d("0.00"), d("-100.00"), d("-100.00")),
        ("f", "2026Q1", d("50.01"), d("20.00"), d("-30.01"), d("-130.01")),
        ("f", "2026Q2", d("0.00"), d("0.00"), d("0.00"), d("-130.01")),  # no flows: carried
        ("f", "2026Q3", d("0.00"), d("200.00"), d("200.00"), d("69.99")),
        ("g", "2026Q3", d("7.00"), d("0.00"), d("-7.00"), d("-7.00")),
    ]
