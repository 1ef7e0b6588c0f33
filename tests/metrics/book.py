"""A small inline book whose figures are computed by hand in the tests."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

from fundbook.store.frames import Frames, frames_from_rows

D = Decimal


def txn(n: int, day: str, fund: str, kind: str, amount: str, investor: str | None = None,
        holding: str | None = None) -> dict[str, Any]:
    return {
        "txn_id": f"t{n}", "date": date.fromisoformat(day), "fund_id": fund, "type": kind,
        "investor_id": investor, "holding_id": holding, "amount_fund": D(amount),
        "source_file": "transactions.csv", "source_line": n + 1,
    }


def commit(n: int, day: str, fund: str, investor: str, amount: str) -> dict[str, Any]:
    return {"fund_id": fund, "investor_id": investor, "date": date.fromisoformat(day),
            "amount_fund": D(amount), "source_file": "commitments.csv", "source_line": n + 1}


def mark(n: int, day: str, fund: str, holding: str, value: str) -> dict[str, Any]:
    return {"date": date.fromisoformat(day), "fund_id": fund, "holding_id": holding,
            "fair_value_fund": D(value), "source_file": "valuations.csv", "source_line": n + 1}


def small_book(as_of: date = date(2021, 12, 31)) -> Frames:
    """Sub-fund `sf` (HKD): gov 250 + social 750 committed; one company c1."""
    return frames_from_rows(as_of, {
        "funds": [
            {"fund_id": "sf", "name": "Sub-fund", "kind": "sub_fund", "currency": "HKD",
             "investment_period_end": date(2024, 12, 31)},
        ],
        "investors": [
            {"investor_id": "gov", "name": "Government", "kind": "government"},
            {"investor_id": "s1", "name": "Social One", "kind": "social_capital"},
        ],
        "companies": [
            {"company_id": "c1", "name": "Co One", "theme": "ai_robotics", "hk_nexus": True,
             "country": "HK"},
        ],
        "commitments": [
            commit(1, "2020-01-01", "sf", "gov", "250.00"),
            commit(2, "2020-01-01", "sf", "s1", "750.00"),
        ],
        "transactions": [
            txn(1, "2020-01-15", "sf", "contribution", "100.00", investor="gov"),
            txn(2, "2020-01-15", "sf", "contribution", "300.00", investor="s1"),
            txn(3, "2020-02-01", "sf", "investment", "300.00", holding="c1"),
            txn(4, "2020-03-31", "sf", "fee", "10.00"),
            txn(5, "2021-06-30", "sf", "proceeds", "200.00", holding="c1"),
            txn(6, "2021-07-15", "sf", "distribution", "50.00", investor="gov"),
            txn(7, "2021-07-15", "sf", "distribution", "150.00", investor="s1"),
            txn(8, "2021-09-30", "sf", "income", "20.00", holding="c1"),
        ],
        "valuations": [
            mark(1, "2020-12-31", "sf", "c1", "450.00"),
            mark(2, "2021-12-31", "sf", "c1", "300.00"),
        ],
    })
