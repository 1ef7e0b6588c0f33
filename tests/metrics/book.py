"""A small inline book whose figures are computed by hand in the tests."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

from fundbook.store.frames import Frames, frames_from_rows

D = Decimal


def txn(
    n: int,
    day: str,
    fund: str,
    kind: str,
    amount: str,
    investor: str | None = None,
    holding: str | None = None,
) -> dict[str, Any]:
    return {
        "txn_id": f"t{n}",
        "date": date.fromisoformat(day),
        "fund_id": fund,
        "type": kind,
        "investor_id": investor,
        "holding_id": holding,
        "amount_fund": D(amount),
        "source_file": "transactions.csv",
        "source_line": n + 1,
    }


def commit(n: int, day: str, fund: str, investor: str, amount: str) -> dict[str, Any]:
    return {
        "fund_id": fund,
        "investor_id": investor,
        "date": date.fromisoformat(day),
        "amount_fund": D(amount),
        "source_file": "commitments.csv",
        "source_line": n + 1,
    }


def mark(n: int, day: str, fund: str, holding: str, value: str) -> dict[str, Any]:
    return {
        "date": date.fromisoformat(day),
        "fund_id": fund,
        "holding_id": holding,
        "fair_value_fund": D(value),
        "source_file": "valuations.csv",
        "source_line": n + 1,
    }


def small_book(as_of: date = date(2021, 12, 31)) -> Frames:
    """Sub-fund `sf` (HKD): gov 250 + social 750 committed; one company c1."""
    return frames_from_rows(
        as_of,
        {
            "funds": [
                {
                    "fund_id": "sf",
                    "name": "Sub-fund",
                    "kind": "sub_fund",
                    "currency": "HKD",
                    "investment_period_end": date(2024, 12, 31),
                },
            ],
            "investors": [
                {"investor_id": "gov", "name": "Government", "kind": "government"},
                {"investor_id": "s1", "name": "Social One", "kind": "social_capital"},
            ],
            "companies": [
                {
                    "company_id": "c1",
                    "name": "Co One",
                    "theme": "ai_robotics",
                    "hk_nexus": True,
                    "country": "HK",
                },
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
        },
    )


def fx(day: str, currency: str, rate: str) -> dict[str, Any]:
    return {"date": date.fromisoformat(day), "currency": currency, "hkd_per_unit": D(rate)}


def fund_of_funds_book(
    as_of: date = date(2026, 6, 30), more: dict[str, list[dict[str, Any]]] | None = None
) -> Frames:
    """Guidance fund `gf` (HKD) is LP `gf-lp` of USD sub-fund `sfu` beside social `soc`;
    a grant programme `gp` pays two companies; `c2` is outside the themes and not HK; `more`
    rows added to their tables."""
    rows = _fund_of_funds_rows()
    for table, extra in (more or {}).items():
        rows[table] = [*rows.get(table, []), *extra]
    return frames_from_rows(as_of, rows)


def _fund_of_funds_rows() -> dict[str, list[dict[str, Any]]]:
    return dict(
        {
            "funds": [
                {"fund_id": "gf", "name": "Guidance", "kind": "guidance_fund", "currency": "HKD"},
                {
                    "fund_id": "sfu",
                    "name": "Sub USD",
                    "kind": "sub_fund",
                    "currency": "USD",
                    "programme_id": "gf",
                    "investment_period_end": date(2026, 3, 31),
                },
                {"fund_id": "gp", "name": "Grants", "kind": "programme", "currency": "HKD"},
            ],
            "investors": [
                {"investor_id": "gov", "name": "Government", "kind": "government"},
                {
                    "investor_id": "gf-lp",
                    "name": "Guidance as LP",
                    "kind": "government",
                    "fund_id": "gf",
                },
                {"investor_id": "soc", "name": "Social", "kind": "social_capital"},
                {"investor_id": "angel", "name": "Angel", "kind": "social_capital"},
            ],
            "companies": [
                {
                    "company_id": "c1",
                    "name": "One",
                    "theme": "ai_robotics",
                    "hk_nexus": True,
                    "country": "HK",
                },
                {
                    "company_id": "c2",
                    "name": "Two",
                    "theme": "other",
                    "hk_nexus": False,
                    "country": "SG",
                },
                {
                    "company_id": "p1",
                    "name": "Plant 1",
                    "theme": "digitalisation",
                    "hk_nexus": True,
                    "country": "HK",
                },
                {
                    "company_id": "p2",
                    "name": "Plant 2",
                    "theme": "digitalisation",
                    "hk_nexus": True,
                    "country": "HK",
                },
            ],
            "commitments": [
                commit(1, "2026-01-01", "gf", "gov", "1000.00"),
                commit(2, "2026-01-01", "sfu", "gf-lp", "25.00"),
                commit(3, "2026-01-01", "sfu", "soc", "75.00"),
            ],
            "transactions": [
                txn(1, "2026-01-10", "gf", "contribution", "100.00", investor="gov"),
                txn(2, "2026-01-10", "sfu", "contribution", "10.00", investor="gf-lp"),
                txn(3, "2026-01-10", "sfu", "contribution", "30.00", investor="soc"),
                txn(4, "2026-01-10", "gf", "investment", "78.00", holding="sfu"),
                txn(5, "2026-02-01", "sfu", "investment", "24.00", holding="c1"),
                txn(6, "2026-02-01", "sfu", "investment", "16.00", holding="c2"),
                txn(7, "2026-02-02", "gf", "investment", "20.00", holding="c1"),
                txn(
                    8, "2026-02-02", "gf", "co_investment", "30.00", investor="angel", holding="c1"
                ),
                txn(9, "2026-03-01", "gp", "grant", "100.00", holding="p1"),
                txn(10, "2026-03-01", "gp", "matching", "250.00", holding="p1"),
                txn(11, "2026-03-01", "gp", "grant", "100.00", holding="p2"),
                txn(12, "2026-03-01", "gp", "matching", "150.00", holding="p2"),
                txn(13, "2026-03-15", "sfu", "hk_production_spend", "30.00", holding="c1"),
            ],
            "valuations": [
                mark(1, "2026-06-30", "sfu", "c1", "36.00"),
                mark(2, "2026-06-30", "sfu", "c2", "12.00"),
            ],
            "fx_rates": [fx("2025-12-31", "USD", "7.80"), fx("2026-06-30", "USD", "7.85")],
        },
    )
