"""Allocation (R5): partner-specific items go to their partner alone; a fund shared by
paid-in (no commitments) allocates month by month by the paid-in ratios at each month end."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

import polars as pl
import pytest

from fundbook.metrics.performance import investor_metrics
from fundbook.metrics.statement import ROLL_FORWARD, capital_account_statement
from fundbook.store.frames import Frames, frames_from_rows
from tests.metrics.book import commit, mark, txn

D = Decimal
FUND = [{"fund_id": "f", "name": "F", "kind": "sub_fund", "currency": "HKD"}]
LPS = [{"investor_id": i, "name": i, "kind": "social_capital"} for i in ("a", "b")]
COMPANIES = [
    {"company_id": c, "name": c, "theme": "ai_robotics", "hk_nexus": True, "country": "HK"}
    for c in ("z", "w")
]


def _frames(as_of: date, **rows: list[dict[str, Any]]) -> Frames:
    base = {"funds": FUND, "investors": LPS, "companies": COMPANIES}
    return frames_from_rows(as_of, {**base, **rows})


def _navs(frames: Frames, at: date) -> dict[str, Decimal]:
    acc = investor_metrics(frames, at)
    return dict(zip(acc["investor_id"], acc["nav"], strict=True))


def _adds_up(st: pl.DataFrame) -> None:
    """Beginning + lines = ending for every row; the investors sum to the fund row."""
    for row in st.iter_rows(named=True):
        assert row["fee_offsets"] is None, row  # no fee terms: not modelled
        moved = sum(
            (row[line] * sign for line, sign in ROLL_FORWARD if row[line] is not None), D(0)
        )
        assert row["beginning_nav"] + moved == row["ending_nav"], row
    lines = ["beginning_nav", *(line for line, _ in ROLL_FORWARD), "ending_nav"]
    fund = st.filter(pl.col("investor_id").is_null()).select(lines).row(0)
    investors = (
        st.filter(pl.col("investor_id").is_not_null())
        .select(pl.col(c).sum() if c != "fee_offsets" else pl.col(c).first() for c in lines)
        .row(0)
    )
    assert investors == fund


# a pays 100 in January (z bought, marked +20 at its end: a's alone); b pays 100 in February
# (w bought; z +10 by its end: 100 / 100, so 5 / 5); a pays 100 more in March (+30 in March
# at 200 / 100 at its end: 20 / 10).
PAID_IN = {
    "transactions": [
        txn(1, "2026-01-05", "f", "contribution", "100", investor="a"),
        txn(2, "2026-01-05", "f", "investment", "100", holding="z"),
        txn(3, "2026-02-10", "f", "contribution", "100", investor="b"),
        txn(4, "2026-02-10", "f", "investment", "100", holding="w"),
        txn(5, "2026-03-15", "f", "contribution", "100", investor="a"),
    ],
    "valuations": [
        mark(1, "2026-01-31", "f", "z", "120"),
        mark(2, "2026-02-28", "f", "z", "130"),
        mark(3, "2026-02-28", "f", "w", "100"),
        mark(4, "2026-03-31", "f", "z", "130"),
        mark(5, "2026-03-31", "f", "w", "130"),
    ],
}


def test_a_fund_without_commitments_allocates_month_by_month() -> None:
    frames = _frames(date(2026, 3, 31), **PAID_IN)
    assert _navs(frames, date(2026, 1, 31)) == {"a": D("120.00")}
    assert _navs(frames, date(2026, 2, 28)) == {"a": D("125.00"), "b": D("105.00")}
    # between month ends the ratios of the day: nothing earned since 2026-03-01
    assert _navs(frames, date(2026, 3, 20)) == {"a": D("225.00"), "b": D("105.00")}
    # whole to date at today's 200 / 100 would give 240 / 120
    assert _navs(frames, date(2026, 3, 31)) == {"a": D("245.00"), "b": D("115.00")}


def test_month_by_month_statements_add_up() -> None:
    frames = _frames(date(2026, 3, 31), **PAID_IN)
    for start, end in (
        (date(2026, 3, 1), date(2026, 3, 31)),
        (date(2026, 1, 1), date(2026, 3, 31)),
    ):
        st = capital_account_statement(frames, start, end)
        _adds_up(st)
    march = capital_account_statement(frames, date(2026, 3, 1), date(2026, 3, 31))
    b = march.filter(pl.col("investor_id") == "b").row(0, named=True)
    assert (b["beginning_nav"], b["ending_nav"]) == (D("105.00"), D("115.00"))


COMMITTED = {
    "commitments": [
        commit(1, "2026-01-01", "f", "a", "100"),
        commit(2, "2026-01-01", "f", "b", "100"),
    ],
    "transactions": [
        txn(1, "2026-01-05", "f", "contribution", "50", investor="a"),
        txn(2, "2026-01-05", "f", "contribution", "50", investor="b"),
        txn(3, "2026-01-06", "f", "investment", "50", holding="z"),
        txn(4, "2026-02-01", "f", "fee", "10", investor="a"),  # a's own fee (a side letter)
        txn(5, "2026-02-01", "f", "fee", "4"),
        txn(6, "2026-02-15", "f", "income", "6", investor="b", holding="z"),  # b's alone
    ],
    "valuations": [mark(1, "2026-02-28", "f", "z", "50")],
}


def test_partner_specific_items_go_to_their_partner_alone() -> None:
    frames = _frames(date(2026, 2, 28), **COMMITTED)
    # a: 50 - 10 - 4 / 2; b: 50 - 4 / 2 + 6; the fund: 100 - 50 + 50 - 14 + 6 = 92
    assert _navs(frames, date(2026, 2, 28)) == {"a": D("38.00"), "b": D("54.00")}
    st = capital_account_statement(frames, date(2026, 2, 1), date(2026, 2, 28))
    _adds_up(st)
    rows = {r["investor_id"]: r for r in st.iter_rows(named=True)}
    assert rows["a"]["management_fees"] == D("12.00") and rows["b"]["management_fees"] == 2
    assert rows["a"]["income"] == 0 and rows["b"]["income"] == D("6.00")
    assert (rows[None]["management_fees"], rows[None]["income"]) == (D("14.00"), D("6.00"))
    assert rows["a"]["other_income_expense"] == 0 and rows["b"]["other_income_expense"] == 0


def test_own_items_before_the_period_stay_out_of_its_lines() -> None:
    frames = _frames(date(2026, 3, 31), **COMMITTED)
    st = capital_account_statement(frames, date(2026, 3, 1), date(2026, 3, 31))
    _adds_up(st)
    a = st.filter(pl.col("investor_id") == "a").row(0, named=True)
    assert (a["beginning_nav"], a["management_fees"], a["ending_nav"]) == (
        D("38.00"),
        0,
        D("38.00"),
    )


@pytest.mark.parametrize("at", [date(2026, 1, 31), date(2026, 2, 28)])
def test_funds_with_commitments_and_no_own_items_keep_todays_rule(at: date) -> None:
    rows = {**COMMITTED, "transactions": COMMITTED["transactions"][:3]}
    frames = _frames(date(2026, 2, 28), **rows)
    assert _navs(frames, at) == {"a": D("50.00"), "b": D("50.00")}
