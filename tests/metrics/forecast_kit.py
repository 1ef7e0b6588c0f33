"""Books for the forecast tests: a hand-worked fund, and a fund booked exactly per the
Takahashi–Alexander model with chosen parameters (to calibrate back)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

import numpy as np

from fundbook.core.calendar import add_years
from fundbook.store.frames import Frames, frames_from_rows
from tests.metrics.book import commit, mark, txn

_FUND = {
    "fund_id": "sf",
    "name": "Sub-fund",
    "kind": "sub_fund",
    "currency": "HKD",
    "investment_period_end": date(2030, 12, 31),
}
_REFERENCE: dict[str, list[dict[str, Any]]] = {
    "funds": [_FUND],
    "investors": [{"investor_id": "gov", "name": "Government", "kind": "government"}],
    "companies": [
        {
            "company_id": "c1",
            "name": "Co One",
            "theme": "ai_robotics",
            "hk_nexus": True,
            "country": "HK",
        }
    ],
}


def worked_book(terms: list[dict[str, Any]] | None = None) -> Frames:
    """docs/methods.md's worked example: HK$100m committed on 2025-12-31, HK$20m called and
    invested that day, valued at HK$21m on 2026-12-31 (the as-of date)."""
    rows = {
        **_REFERENCE,
        "commitments": [commit(1, "2025-12-31", "sf", "gov", "100000000.00")],
        "transactions": [
            txn(1, "2025-12-31", "sf", "contribution", "20000000.00", investor="gov"),
            txn(2, "2025-12-31", "sf", "investment", "20000000.00", holding="c1"),
        ],
        "valuations": [mark(1, "2026-12-31", "sf", "c1", "21000000.00")],
        "terms": terms or [],
    }
    return frames_from_rows(date(2026, 12, 31), rows)


def ta_book(
    rc: tuple[float, float, float],
    bow: float,
    growth: float,
    life: int,
    years: int,
    start: date = date(2015, 3, 31),
    commitment: int = 100_000_000_000,  # cents: HK$1bn
) -> tuple[Frames, date]:
    """A fund whose flows follow the model exactly (each rounded to the cent): the flows of
    model year k (C_k = rc·U, D_k = (k/L)^B·NAV·(1+G)) booked on the k-th anniversary of
    `start` less one year (year 1's on `start`), each call invested and each distribution
    paid from proceeds the same day; the holding valued at the last year's NAV on its date,
    the as-of date returned."""
    unfunded, nav = commitment, 0
    txns: list[dict[str, Any]] = []
    day = start
    for k in range(1, years + 1):
        day = add_years(start, k - 1)
        grown = int(np.rint(nav * (1 + growth)))
        called = int(np.rint(rc[min(k, 3) - 1] * unfunded))
        paid = int(np.rint(min(1.0, (k / life) ** bow) * grown))
        nav, unfunded = grown + called - paid, unfunded - called
        iso = day.isoformat()
        for kind, amount, who in (
            ("contribution", called, {"investor": "gov"}),
            ("investment", called, {"holding": "c1"}),
            ("proceeds", paid, {"holding": "c1"}),
            ("distribution", paid, {"investor": "gov"}),
        ):
            if amount:
                txns.append(txn(len(txns) + 1, iso, "sf", kind, _money(amount), **who))
    rows = {
        **_REFERENCE,
        "commitments": [commit(1, start.isoformat(), "sf", "gov", _money(commitment))],
        "transactions": txns,
        "valuations": [mark(1, day.isoformat(), "sf", "c1", _money(nav))],
    }
    return frames_from_rows(day, rows), day


def _money(cents: int) -> str:
    return str(Decimal(cents) / 100)
