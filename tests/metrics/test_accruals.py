"""Fees and expenses over their service periods: prepaid, accrued, NAV at month ends, the
statement's lines, the categories, and the invariants on random service periods."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal
from typing import Any

import polars as pl
from hypothesis import given, settings
from hypothesis import strategies as st

from fundbook import metrics as m
from fundbook.metrics.accruals import expense_by_category, row_accruals
from fundbook.metrics.state import book_state
from fundbook.store.frames import Frames, frames_from_rows, restrict
from tests.metrics.book import commit, txn

D = Decimal
FUND = {"fund_id": "f", "name": "F", "kind": "sub_fund", "currency": "HKD"}


def served(
    n: int, day: str, kind: str, amount: str, start: str, end: str, category: str | None = None
) -> dict[str, Any]:
    row = txn(n, day, "f", kind, amount)
    row.update(
        service_start=date.fromisoformat(start),
        service_end=date.fromisoformat(end),
        category=category,
    )
    return row


def book(as_of: date, *extra: dict[str, Any]) -> Frames:
    """Fund f: investors a (30m) and b (70m) committed, 10m then 40m called on 2026-01-02."""
    return frames_from_rows(
        as_of,
        {
            "funds": [FUND],
            "investors": [
                {"investor_id": "a", "name": "A", "kind": "government"},
                {"investor_id": "b", "name": "B", "kind": "social_capital"},
            ],
            "commitments": [
                commit(1, "2026-01-01", "f", "a", "30000000.00"),
                commit(2, "2026-01-01", "f", "b", "70000000.00"),
            ],
            "transactions": [
                txn(1, "2026-01-02", "f", "contribution", "15000000.00", investor="a"),
                txn(2, "2026-01-02", "f", "contribution", "35000000.00", investor="b"),
                *extra,
            ],
        },
    )


QUARTER_FEE = served(3, "2026-07-01", "fee", "3000000.00", "2026-07-01", "2026-09-30")


def fund_row(frames: Frames, at: date) -> dict[str, Any]:
    row: dict[str, Any] = m.fund_metrics(frames, at).row(0, named=True)
    return row


def test_a_quarterly_fee_paid_in_advance_is_expensed_month_by_month() -> None:
    before = fund_row(book(date(2026, 6, 30), QUARTER_FEE), date(2026, 6, 30))
    july = fund_row(book(date(2026, 7, 31), QUARTER_FEE), date(2026, 7, 31))
    # 3,000,000 x 31 / 92 days
    assert july["fees"] == D("1010869.57")
    assert july["prepaid"] == D("1989130.43") and july["accrued"] == 0
    assert july["cash"] == before["cash"] - D("3000000.00")
    assert before["nav"] - july["nav"] == D("1010869.57")
    august = fund_row(book(date(2026, 8, 31), QUARTER_FEE), date(2026, 8, 31))
    assert august["fees"] == D("2021739.13")  # 3,000,000 x 62 / 92
    assert august["prepaid"] == D("978260.87")
    september = fund_row(book(date(2026, 9, 30), QUARTER_FEE), date(2026, 9, 30))
    assert (september["fees"], september["prepaid"]) == (D("3000000.00"), 0)
    assert september["nav"] == before["nav"] - D("3000000.00")


def test_the_statement_shows_the_fee_recognised_in_the_month() -> None:
    frames = book(date(2026, 7, 31), QUARTER_FEE)
    lines = m.capital_account_statement(frames, date(2026, 7, 1), date(2026, 7, 31))
    fund = lines.filter(pl.col("investor_id").is_null()).row(0, named=True)
    assert fund["management_fees"] == D("1010869.57")
    assert fund["beginning_nav"] - fund["ending_nav"] == D("1010869.57")
    investors = lines.filter(pl.col("investor_id").is_not_null())
    assert investors["management_fees"].sum() == D("1010869.57")
    # a: 30 % of it (largest remainder), b the rest
    assert investors.filter(investor_id="a")["management_fees"][0] == D("303260.87")
    assert investors["ending_nav"].sum() == fund["ending_nav"]


ACCRUAL = served(
    3, "2026-08-15", "expense", "31000.00", "2026-07-01", "2026-07-31", category="audit_tax"
)


def test_an_expense_paid_after_its_period_is_accrued_before_it_is_paid() -> None:
    frames = book(date(2026, 7, 31), ACCRUAL)
    assert frames.transactions.filter(txn_id="t3").height == 0  # not paid by then
    assert frames.accruing["txn_id"].to_list() == ["t3"]
    july = fund_row(frames, date(2026, 7, 31))
    assert (july["expenses"], july["accrued"], july["prepaid"]) == (D("31000.00"), D("31000.00"), 0)
    assert july["cash"] == D("50000000.00")  # the cash moves on its date only
    assert july["nav"] == D("49969000.00")
    investors = m.investor_metrics(frames, date(2026, 7, 31))
    assert investors["paid_in"].sum() == D("50000000.00")
    assert investors["nav"].sum() == july["nav"]
    june = fund_row(book(date(2026, 6, 30), ACCRUAL), date(2026, 6, 30))
    assert (june["expenses"], june["accrued"], june["nav"]) == (0, 0, D("50000000.00"))
    august = fund_row(book(date(2026, 8, 31), ACCRUAL), date(2026, 8, 31))
    assert (august["expenses"], august["accrued"], august["cash"]) == (
        D("31000.00"),
        0,
        D("49969000.00"),
    )


def test_a_restricted_book_sees_the_later_row_as_accruing() -> None:
    later = book(date(2026, 8, 31), ACCRUAL)
    july = restrict(later, date(2026, 7, 31))
    assert july.transactions.filter(txn_id="t3").height == 0
    assert july.accruing["txn_id"].to_list() == ["t3"]
    assert restrict(later, date(2026, 6, 30)).accruing.height == 0
    assert fund_row(july, date(2026, 7, 31))["nav"] == D("49969000.00")


def test_expenses_by_category_per_period() -> None:
    frames = book(
        date(2026, 8, 31),
        ACCRUAL,
        served(4, "2026-02-01", "expense", "1200.00", "2026-01-01", "2026-12-31", "insurance"),
        txn(5, "2026-06-30", "f", "expense", "500.00"),
    )
    got = expense_by_category(frames, date(2026, 8, 31))
    rows = {r["category"]: r for r in got.iter_rows(named=True)}
    assert set(rows) == {"audit_tax", "insurance", "other"}
    # the insurance of 2026 (365 days): 243 days to 31 August (798.90), 181 to 30 June
    # (595.07): the quarter's part is the difference of the two, each rounded once
    ins = rows["insurance"]
    assert (ins["expenses_itd"], ins["expenses_ytd"], ins["expenses_qtd"]) == (
        D("798.90"),
        D("798.90"),
        D("203.83"),
    )
    assert rows["audit_tax"]["expenses_qtd"] == D("31000.00")
    assert (rows["other"]["expenses_itd"], rows["other"]["expenses_qtd"]) == (D("500.00"), 0)
    total = got["expenses_itd"].sum()
    assert total == fund_row(frames, date(2026, 8, 31))["expenses"]


def test_a_book_without_service_periods_is_expensed_when_paid() -> None:
    frames = book(date(2026, 7, 31), txn(3, "2026-07-01", "f", "fee", "3000000.00"))
    july = fund_row(frames, date(2026, 7, 31))
    assert (july["fees"], july["prepaid"], july["accrued"]) == (D("3000000.00"), 0, 0)
    assert july["nav"] == july["cash"]


START = date(2026, 1, 1)
periods = st.tuples(st.integers(0, 700), st.integers(0, 400), st.integers(-120, 500))


@settings(max_examples=15, deadline=None)
@given(
    st.lists(st.tuples(st.integers(1, 10**10), periods), min_size=1, max_size=6),
)
def test_recognised_adds_up_over_month_ends(fees: list[tuple[int, tuple[int, int, int]]]) -> None:
    """Per row, at every month end: prepaid - accrued = paid - recognised; recognised never
    falls; and over consecutive month ends it adds up to the amount. Per fund: NAV = cash +
    prepaid - accrued = the sum of the capital accounts."""
    rows = []
    for n, (amount, (start, length, paid_after)) in enumerate(fees, start=3):
        first = START + timedelta(start)
        last = first + timedelta(length)
        paid = first + timedelta(paid_after)
        row = served(
            n, paid.isoformat(), "fee", f"{D(amount) / 100:.2f}", "2026-01-01", "2026-01-01"
        )
        row.update(service_start=first, service_end=last)
        rows.append(row)
    ends = _month_ends(START, max(max(r["service_end"], r["date"]) for r in rows))
    frames = book(ends[-1], *rows)
    amounts = {r["txn_id"]: int(r["amount_fund"] * 100) for r in rows}
    seen = {t: 0 for t in amounts}
    for end in ends:
        at = row_accruals(frames, end)
        for r in at.iter_rows(named=True):
            assert r["prepaid"] - r["accrued"] == r["paid"] - r["recognised"]
            assert r["recognised"] >= seen[r["txn_id"]]
            seen[r["txn_id"]] = r["recognised"]
        state = book_state(frames, end)
        fund = state.funds.row(0, named=True)  # NAV = cash + prepaid - accrued = the accounts
        assert fund["nav"] == fund["cash"] + fund["prepaid"] - fund["accrued"]
        assert fund["nav"] == state.accounts["nav"].sum()
        assert fund["fees"] == at["recognised"].sum()
    assert seen == amounts
    state = book_state(frames, ends[-1]).funds.row(0, named=True)
    assert state["fees"] == sum(amounts.values()) and state["prepaid"] == state["accrued"] == 0


def _month_ends(first: date, last: date) -> list[date]:
    ends, year, month = [], first.year, first.month
    while True:
        nxt = date(year + month // 12, month % 12 + 1, 1)
        ends.append(nxt - timedelta(days=1))
        if ends[-1] >= last:
            return ends
        year, month = nxt.year, nxt.month
