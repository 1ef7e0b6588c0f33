"""Grant matching per company, worked by hand: deadline, status at dates, the cap, the budget."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

import polars as pl
import pytest

from fundbook import metrics as m
from fundbook.close.explain import stored_at
from fundbook.close.snapshot import LEVEL_KEYS
from fundbook.metrics.explain import RECIPES
from fundbook.store.frames import Frames, frames_from_rows
from tests.metrics.book import commit, fx, txn
from tests.metrics.explain_check import failures

D = Decimal


def grant_book(as_of: date, deadline_months: int | None = 6, currency: str = "HKD") -> Frames:
    """Programme `gp` (HKD, or `currency` at 7.80 HKD; budget 1,000,000), matching due 6
    months after the last grant:
    a1 100,000 matched 120,000 then 80,000 (ok from 2026-05-01); a2 150,000 matched 100,000
    (deadline 2026-07-31); a3 200,000 then 125,000 (325,000: over the cap from 2026-06-01),
    fully matched; a4 50,000 on 2026-08-31, nothing matched (deadline 2027-02-28)."""
    companies = [
        {"company_id": c, "name": c, "theme": "other", "hk_nexus": True, "country": "HK"}
        for c in ("a1", "a2", "a3", "a4")
    ]
    grants = [
        (1, "2026-01-15", "grant", "100000.00", "a1"),
        (2, "2026-01-31", "grant", "150000.00", "a2"),
        (3, "2026-02-01", "grant", "200000.00", "a3"),
        (4, "2026-02-01", "matching", "120000.00", "a1"),
        (5, "2026-02-10", "matching", "400000.00", "a3"),
        (6, "2026-02-15", "matching", "100000.00", "a2"),
        (7, "2026-05-01", "matching", "80000.00", "a1"),
        (8, "2026-06-01", "grant", "125000.00", "a3"),
        (9, "2026-06-20", "matching", "250000.00", "a3"),
        (10, "2026-08-31", "grant", "50000.00", "a4"),
    ]
    terms = [] if deadline_months is None else [_terms(deadline_months)]
    return frames_from_rows(
        as_of,
        {
            "funds": [
                {"fund_id": "gp", "name": "Grants", "kind": "programme", "currency": currency}
            ],
            "investors": [{"investor_id": "gov", "name": "Government", "kind": "government"}],
            "companies": companies,
            "commitments": [commit(1, "2026-01-01", "gp", "gov", "1000000.00")],
            "transactions": [txn(n, d, "gp", k, a, holding=c) for n, d, k, a, c in grants],
            "terms": terms,
            "fx_rates": [] if currency == "HKD" else [fx("2026-01-01", currency, "7.80")],
        },
    )


def _terms(months: int) -> dict[str, Any]:
    return {"fund_id": "gp", "matching_deadline_months": months}


def _by_company(frames: Frames) -> dict[str, dict[str, Any]]:
    table = m.grant_table(frames, frames.as_of)
    return {r["company_id"]: r for r in table.to_dicts()}


@pytest.mark.parametrize(
    ("as_of", "expected"),
    [
        ("2026-03-31", {"a1": "pending", "a2": "pending", "a3": "ok"}),
        ("2026-07-31", {"a1": "ok", "a2": "pending", "a3": "over_cap"}),
        ("2026-08-01", {"a1": "ok", "a2": "short", "a3": "over_cap"}),
        ("2027-02-28", {"a1": "ok", "a2": "short", "a3": "over_cap", "a4": "pending"}),
        ("2027-03-01", {"a1": "ok", "a2": "short", "a3": "over_cap", "a4": "short"}),
    ],
)
def test_status_before_and_after_the_deadline(as_of: str, expected: dict[str, str]) -> None:
    rows = _by_company(grant_book(date.fromisoformat(as_of)))
    assert {c: r["status"] for c, r in rows.items()} == expected


def test_figures_of_each_company_by_hand() -> None:
    rows = _by_company(grant_book(date(2026, 12, 31)))
    a1, a2, a3, a4 = (rows[c] for c in ("a1", "a2", "a3", "a4"))
    assert (a1["grants"], a1["matching"], a1["matching_ratio"]) == (D("100000"), D("200000"), 2.0)
    assert a1["matching_deadline"] == date(2026, 7, 15) and a1["shortfall"] == 0
    assert a2["matching_ratio"] == pytest.approx(100_000 / 150_000)
    assert a2["shortfall"] == D("200000.00") and a2["matching_deadline"] == date(2026, 7, 31)
    # the second grant takes a3 to 325,000: over the cap, its deadline from the second grant
    assert (a3["grants"], a3["grants_hkd"], a3["over_cap"]) == (D("325000"), D("325000"), True)
    assert a3["compliant"] and a3["last_grant_date"] == date(2026, 6, 1)
    assert a3["matching_deadline"] == date(2026, 12, 1)
    # a month end: 2026-08-31 + 6 months is the last day of February
    assert a4["matching"] == 0 and a4["matching_deadline"] == date(2027, 2, 28)
    assert a4["required_ratio"] == 2.0 and a4["matching_ratio"] == 0.0


def test_without_a_deadline_a_shortfall_is_short_at_once() -> None:
    rows = _by_company(grant_book(date(2026, 3, 31), deadline_months=None))
    assert rows["a2"]["matching_deadline"] is None
    assert {c: r["status"] for c, r in rows.items()} == {"a1": "short", "a2": "short", "a3": "ok"}


def test_programme_counts_budget_and_budget_used() -> None:
    frames = grant_book(date(2026, 12, 31))
    p = m.programme_metrics(frames, frames.as_of).row(0, named=True)
    assert (p["grants"], p["matching"]) == (D("625000"), D("950000"))
    assert (p["budget"], p["budget_used"]) == (D("1000000"), 0.625)
    assert (p["grant_companies"], p["companies_short"], p["companies_pending"]) == (4, 1, 1)
    assert p["companies_over_cap"] == 1 and p["short_companies"] == "a2"
    early = grant_book(date(2026, 3, 31))
    p = m.programme_metrics(early, early.as_of).row(0, named=True)
    assert (p["companies_short"], p["companies_pending"], p["short_companies"]) == (0, 2, None)


def test_a_programme_in_another_currency_sums_its_grants_in_hkd() -> None:
    """A grant fund in USD: the programme's grants, matching and budget are in HKD (each
    company's converted at the as-of rate, then summed), never USD amounts labelled HKD."""
    frames = grant_book(date(2026, 12, 31), currency="USD")
    rows = m.grant_table(frames, frames.as_of)
    assert rows["grants_hkd"].sum() == D("625000") * D("7.80")
    assert rows["matching_hkd"].sum() == D("950000") * D("7.80")
    p = m.programme_metrics(frames, frames.as_of).row(0, named=True)
    assert p["currency"] == "HKD"
    assert (p["grants"], p["matching"]) == (D("4875000.00"), D("7410000.00"))
    assert (p["budget"], p["budget_used"]) == (D("7800000.00"), 0.625)
    assert p["matching_ratio"] == pytest.approx(950000 / 625000)


@pytest.mark.parametrize("currency", ["HKD", "USD"])
@pytest.mark.parametrize("as_of", ["2026-03-31", "2026-07-31", "2027-03-01"])
def test_every_grant_and_programme_figure_adds_up(as_of: str, currency: str) -> None:
    frames = grant_book(date.fromisoformat(as_of), currency=currency)
    stored = stored_at(frames, frames.as_of, ("grant", "programme"))
    keys = {lv: LEVEL_KEYS[lv] for lv in ("grant", "programme")}
    count, bad = failures(frames, stored, frames.as_of, keys)
    assert not bad, "\n".join(bad[:20])
    assert count >= 4 * 14


def _lines(frames: Frames, level: str, row: dict[str, Any], figure: str) -> pl.DataFrame:
    stored = stored_at(frames, frames.as_of, ("grant", "programme"))
    return m.explain(frames, stored, frames.as_of, level, row, figure)


def test_explain_names_the_ledger_rows_and_the_rule() -> None:
    frames = grant_book(date(2026, 7, 31))
    a3 = m.grant_table(frames, frames.as_of).filter(pl.col("company_id") == "a3").row(0, named=True)
    granted = _lines(frames, "grant", a3, "grants")
    terms = granted.filter(pl.col("role") == "term")
    assert terms["source"].to_list() == ["transactions.csv:4", "transactions.csv:9"]
    assert sum(terms["amount"].to_list(), D(0)) == D("325000")
    status = _lines(frames, "grant", a3, "status")
    derived = status.filter(pl.col("role") == "derived")
    assert derived["text"].to_list() == ["over_cap"]
    deadline = _lines(frames, "grant", a3, "matching_deadline")
    assert deadline.filter(pl.col("role") == "derived")["text"].to_list() == ["2026-12-01"]
    assert "6" in deadline["text"].to_list()  # the months, from the fund's terms


def test_explain_of_the_programme_budget_is_its_commitments() -> None:
    frames = grant_book(date(2026, 12, 31))
    row = m.programme_metrics(frames, frames.as_of).row(0, named=True)
    budget = _lines(frames, "programme", row, "budget")
    terms = budget.filter(pl.col("role") == "term")
    assert terms["source"].to_list() == ["commitments.csv:2"]
    used = _lines(frames, "programme", row, "budget_used")
    assert set(used["role"].to_list()) >= {"numerator", "denominator"}
    assert "grant" in RECIPES and "programme" in RECIPES
