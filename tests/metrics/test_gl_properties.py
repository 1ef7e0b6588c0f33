"""Invariants of the general ledger on generated books (hypothesis): it ties to the metrics'
NAV and capital accounts at every month end, and balances with issue 11's new events."""

from __future__ import annotations

import dataclasses
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

import polars as pl
from hypothesis import given
from hypothesis import strategies as st

from fundbook import metrics as m
from fundbook.metrics.gl_ledger import general_ledger
from fundbook.store.frames import Frames, frames_from_rows, restrict
from tests.metrics.book import commit, mark
from tests.metrics.test_gl import TXN_SCHEMA, gl_differences
from tests.metrics.test_properties import AS_OF, SETTINGS, books

START = date(2024, 1, 1)
END = date(2024, 12, 31)
day_in_year = st.integers(0, (END - START).days).map(lambda d: START + timedelta(d))


@SETTINGS
@given(book=books(), cut=st.integers(0, 47))
def test_the_gl_ties_to_the_metrics_on_generated_books(book: Frames, cut: int) -> None:
    """Two funds (one may hold the other through its LP), commitments at several closings,
    calls, investments, proceeds, income, marks, fees, expenses, distributions and grants:
    at a month end, GL net assets = NAV and each partner's GL capital = its account."""
    day = (date(2020, 1, 1) + timedelta(days=31 * cut)).replace(day=1) - timedelta(days=1)
    at = max(day, date(2020, 1, 31))
    assert gl_differences(restrict(book, at), at) == []
    assert gl_differences(book, AS_OF) == []


def _txn(n: int, day: date, kind: str, amount: int, **extra: Any) -> dict[str, Any]:
    row = dict.fromkeys(TXN_SCHEMA)
    return row | {
        "txn_id": f"t{n}",
        "date": day,
        "fund_id": "f",
        "type": kind,
        "amount_fund": Decimal(amount) / 100,
        "source_file": "transactions.csv",
        "source_line": n + 1,
        **extra,
    }


@st.composite
def accrual_books(draw: st.DrawFn) -> Frames:
    """One fund, partners admitted at two closings, holdings bought and sold in quantities
    (partly, wholly or written off), fees paid in advance or after their service period."""
    late = draw(day_in_year)
    commitments = [
        commit(1, START.isoformat(), "f", "a", "1000.00"),
        commit(2, late.isoformat(), "f", "b", f"{draw(st.integers(1, 2000))}.00"),
    ]
    rows = [_txn(1, START, "contribution", 60_000_00, investor_id="a")]
    for n, hold in enumerate(("h1", "h2", "h3"), start=2):
        bought = draw(day_in_year)
        qty = draw(st.integers(1, 1000))
        rows.append(
            _txn(
                10 * n,
                bought,
                "investment",
                draw(st.integers(1, 10**6)),
                holding_id=hold,
                quantity=Decimal(qty),
            )
        )
        for k in range(draw(st.integers(0, 2))):
            sold = draw(st.integers(1, qty))
            qty -= sold
            when = bought + timedelta(days=draw(st.integers(1, 200)))
            rows.append(
                _txn(
                    10 * n + 1 + k,
                    when,
                    "proceeds",
                    draw(st.integers(0, 2 * 10**6)),
                    holding_id=hold,
                    quantity=Decimal(sold),
                )
            )
            if qty == 0:
                break
        if qty and draw(st.booleans()):
            rows.append(_txn(10 * n + 5, END, "write_off", 0, holding_id=hold))
    for k in range(draw(st.integers(0, 4))):
        begin = draw(day_in_year)
        stop = begin + timedelta(days=draw(st.integers(0, 120)))
        paid = begin + timedelta(days=draw(st.integers(-60, 150)))
        kind = draw(st.sampled_from(["fee", "expense"]))
        rows.append(
            _txn(
                100 + k,
                paid,
                kind,
                draw(st.integers(1, 10**6)),
                service_start=begin,
                service_end=stop,
                investor_id=draw(st.sampled_from([None, "a", "b"])),
            )
        )
    if late > START:
        rows.append(_txn(200, late, "equalisation_contribution", 1234, investor_id="b"))
        rows.append(_txn(201, late, "equalisation_distribution", 1234, investor_id="a"))
        rows.append(_txn(202, late, "equalisation_interest_received", 56, investor_id="b"))
    frames = frames_from_rows(
        END,
        {
            "funds": [{"fund_id": "f", "name": "F", "kind": "sub_fund", "currency": "HKD"}],
            "investors": [{"investor_id": i, "name": i, "kind": "social_capital"} for i in "ab"],
            "commitments": commitments,
            "valuations": [mark(1, draw(day_in_year).isoformat(), "f", "h1", "5000.00")],
        },
    )
    txns = pl.DataFrame(rows, schema=TXN_SCHEMA, orient="row")
    return dataclasses.replace(frames, transactions=txns)


@SETTINGS
@given(book=accrual_books(), month=st.integers(1, 12))
def test_the_gl_balances_with_quantities_write_offs_and_accruals(book: Frames, month: int) -> None:
    """At any month end: the trial balance and the balance sheet balance, net assets equal
    the partners' capital, cost never goes negative, nothing is left unallocated."""
    at = (date(2024, month, 1) + timedelta(days=32)).replace(day=1) - timedelta(days=1)
    gl = general_ledger(book, at)
    assert gl["balance"].sum() == 0 and gl["closed_balance"].sum() == 0
    closed = {r["account"]: r["closed_balance"] for r in gl.iter_rows(named=True)}
    net = sum(v for a, v in closed.items() if a in _ASSETS_AND_LIABILITIES)
    capital = sum(v for a, v in closed.items() if a.startswith("partners_capital:"))
    assert net == -capital
    assert closed.get("investments_at_cost", 0) >= 0
    assert "unallocated_pnl" not in closed
    # and, computed the other way (the metrics' state), the same NAV and capital accounts
    assert gl_differences(restrict(book, at), at) == []


_ASSETS_AND_LIABILITIES = {
    "cash",
    "investments_at_cost",
    "unrealised_appreciation",
    "prepaid_expenses",
    "accrued_expenses",
    "equalisation_interest_payable",
}


@st.composite
def fx_books(draw: st.DrawFn) -> Frames:
    """HKD fund `g` holds USD fund `s` through its LP `g-lp` beside `soc`, with the USD rate
    moving on random days: g pays each call of s (an investment at the rate of the day) and
    books each distribution of s (proceeds at the rate of the day); s invests and is marked."""
    moves = {
        draw(day_in_year): Decimal(draw(st.integers(7_700_000, 7_900_000))) / 10**6
        for _ in range(draw(st.integers(1, 6)))
    }
    rates = sorted(({START: Decimal("7.80")} | moves).items())

    def rate_on(day: date) -> Decimal:
        return [r for d, r in rates if d <= day][-1]

    rows: list[dict[str, Any]] = [
        _txn(1, START, "contribution", 10**9, fund_id="g", investor_id="gov")
    ]
    for k in range(draw(st.integers(1, 8))):
        day = draw(day_in_year)
        usd = draw(st.integers(1, 10**6))
        hkd = (Decimal(usd) * rate_on(day)).quantize(Decimal(1))
        flows = [("contribution", "investment"), ("distribution", "proceeds")]
        sub, held = flows[0] if k == 0 else draw(st.sampled_from(flows))
        rows.append(_txn(10 + 2 * k, day, sub, usd, fund_id="s", investor_id="g-lp"))
        rows.append(_txn(11 + 2 * k, day, held, int(hkd), fund_id="g", holding_id="s"))
    rows.append(_txn(5, START, "contribution", 3 * 10**6, fund_id="s", investor_id="soc"))
    rows.append(_txn(6, draw(day_in_year), "investment", 10**6, fund_id="s", holding_id="c1"))
    frames = frames_from_rows(
        END,
        {
            "funds": [
                {"fund_id": "g", "name": "G", "kind": "guidance_fund", "currency": "HKD"},
                {"fund_id": "s", "name": "S", "kind": "sub_fund", "currency": "USD"},
            ],
            "investors": [
                {"investor_id": "gov", "name": "gov", "kind": "government"},
                {"investor_id": "g-lp", "name": "g as LP", "kind": "government", "fund_id": "g"},
                {"investor_id": "soc", "name": "soc", "kind": "social_capital"},
            ],
            "commitments": [
                commit(1, START.isoformat(), "g", "gov", "100000000.00"),
                commit(2, START.isoformat(), "s", "g-lp", f"{draw(st.integers(1, 900))}.00"),
                commit(3, START.isoformat(), "s", "soc", "300.00"),
            ],
            "valuations": [mark(1, draw(day_in_year).isoformat(), "s", "c1", "15000.00")],
            "fx_rates": [{"date": d, "currency": "USD", "hkd_per_unit": r} for d, r in rates],
        },
    )
    txns = pl.DataFrame(rows, schema=TXN_SCHEMA, orient="row")
    return dataclasses.replace(frames, transactions=txns)


@SETTINGS
@given(book=fx_books(), month=st.integers(1, 12))
def test_a_fund_held_in_another_currency_ties_with_moving_rates(book: Frames, month: int) -> None:
    """At any month end: the GL ties to NAV and every capital account, and its cumulative FX
    translation (gl_fx) equals the metrics' fund and holding `fx_translation` (translation);
    the holding's gain is the FX part plus the market part."""
    at = (date(2024, month, 1) + timedelta(days=32)).replace(day=1) - timedelta(days=1)
    cut = restrict(book, at)
    assert gl_differences(cut, at) == []
    gl = general_ledger(cut, at).filter(pl.col("fund_id") == "g")
    closed = dict(gl.select("account", "closed_balance").iter_rows())
    fund = m.fund_metrics(cut, at).filter(pl.col("fund_id") == "g").row(0, named=True)
    assert closed.get("fx_translation_adjustment", Decimal(0)) == fund["fx_translation"]
    held = m.holding_metrics(cut, at).filter(pl.col("holding_id") == "s")
    for h in held.iter_rows(named=True):
        gain = h["fair_value"] - h["remaining_cost"]
        assert h["fx_translation"] + h["unrealised_gain"] == gain
        assert h["fx_translation"] == fund["fx_translation"]
