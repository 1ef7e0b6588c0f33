"""Invariants of the metrics on generated books (hypothesis)."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

import polars as pl
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from fundbook import metrics as m
from fundbook.metrics.statement import NULL_WITHOUT_TERMS, STATEMENT_LINES
from fundbook.store.frames import Frames, frames_from_rows
from tests.metrics.book import commit, fx, mark, txn

START = date(2020, 1, 1)
AS_OF = date(2023, 12, 31)
COMPANIES = ("c1", "c2", "c3")
TYPES = (
    "contribution",
    "contribution",
    "investment",
    "investment",
    "proceeds",
    "income",
    "fee",
    "expense",
    "distribution",
    "grant",
)
cents = st.integers(1, 50_000_000).map(lambda c: f"{Decimal(c) / 100:.2f}")
days = st.integers(0, (AS_OF - START).days).map(lambda d: (START + timedelta(d)).isoformat())


@st.composite
def books(draw: st.DrawFn) -> Frames:
    """Two funds; `f0` (HKD) may hold `f1` (HKD or USD) through LP `lp0`."""
    ccy1 = draw(st.sampled_from(["HKD", "USD"]))
    investors = [
        {
            "investor_id": f"i{k}",
            "name": f"I{k}",
            "kind": draw(st.sampled_from(["government", "social_capital"])),
        }
        for k in range(3)
    ]
    investors.append(
        {"investor_id": "lp0", "name": "f0 as LP", "kind": "government", "fund_id": "f0"}
    )
    commitments, txns, n = [], [], 0
    for fund in ("f0", "f1"):
        lps = ["i0", "i1", "i2"] + (["lp0"] if fund == "f1" else [])
        # the first commitment opens the fund; later ones change the partnership percentages
        for k, inv in enumerate(draw(st.lists(st.sampled_from(lps), min_size=1, max_size=5))):
            n += 1
            when = START.isoformat() if k == 0 else draw(days)
            commitments.append(commit(n, when, fund, inv, draw(cents)))
        names = sorted({c["investor_id"] for c in commitments if c["fund_id"] == fund})
        for kind in draw(st.lists(st.sampled_from(TYPES), min_size=1, max_size=14)):
            n += 1
            investor = (
                draw(st.sampled_from(names)) if kind in ("contribution", "distribution") else None
            )
            holding = (
                draw(st.sampled_from(COMPANIES))
                if kind in ("investment", "proceeds", "income", "grant")
                else None
            )
            txns.append(txn(n, draw(days), fund, kind, draw(cents), investor, holding))
    if draw(st.booleans()):
        n += 1
        txns.append(txn(n, draw(days), "f0", "investment", draw(cents), holding="f1"))
    marks = [
        mark(k, draw(days), fund, h, draw(cents))
        for k, (fund, h) in enumerate(
            draw(
                st.lists(
                    st.tuples(st.sampled_from(["f0", "f1"]), st.sampled_from(COMPANIES)),
                    max_size=5,
                    unique=True,
                )
            )
        )
    ]
    return frames_from_rows(
        AS_OF,
        {
            "funds": [
                {"fund_id": "f0", "name": "F0", "kind": "guidance_fund", "currency": "HKD"},
                {
                    "fund_id": "f1",
                    "name": "F1",
                    "kind": "sub_fund",
                    "currency": ccy1,
                    "programme_id": "f0",
                },
            ],
            "investors": investors,
            "companies": [
                {
                    "company_id": c,
                    "name": c,
                    "theme": "ai_robotics",
                    "hk_nexus": True,
                    "country": "HK",
                }
                for c in COMPANIES
            ],
            "commitments": commitments,
            "transactions": txns,
            "valuations": marks,
            "fx_rates": [fx("2019-12-31", "USD", "7.80"), fx("2022-06-30", "USD", "7.8312")],
        },
    )


SETTINGS = settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@SETTINGS
@given(books())
def test_fund_identities(book: Frames) -> None:
    for f in m.fund_metrics(book, AS_OF).iter_rows(named=True):
        assert f["government_committed"] + f["social_committed"] == f["committed"]
        if f["amplification"] is not None:
            assert f["amplification"] == pytest.approx(1 + f["social_leverage"])
        if f["tvpi"] is not None:
            assert f["tvpi"] == pytest.approx(f["dpi"] + f["rvpi"])
        expected_nav = (
            f["paid_in"]
            - f["distributed"]
            + f["income"]
            - f["fees"]
            - f["expenses"]
            - f["grants"]
            + f["realised_gain"]
            + f["fx_translation"]
            + f["unrealised_gain"]
        )
        assert f["nav"] == expected_nav


@SETTINGS
@given(books())
def test_investor_navs_sum_to_fund_nav(book: Frames) -> None:
    funds = m.fund_metrics(book, AS_OF).select("fund_id", "nav", "committed")
    sums = (
        m.investor_metrics(book, AS_OF).group_by("fund_id").agg(pl.col("nav").sum().alias("lp_nav"))
    )
    joined = funds.join(sums, on="fund_id")
    for row in joined.iter_rows(named=True):
        assert row["lp_nav"] == row["nav"], row


@SETTINGS
@given(books())
def test_capital_accounts_within_a_cent_of_the_exact_share(book: Frames) -> None:
    funds = {f["fund_id"]: f for f in m.fund_metrics(book, AS_OF).iter_rows(named=True)}
    inv = m.investor_metrics(book, AS_OF)
    for fund_id, rows in inv.group_by("fund_id"):
        f = funds[str(fund_id[0])]
        pnl = f["nav"] - f["paid_in"] + f["distributed"]
        col = "committed" if rows["committed"].sum() != 0 else "paid_in"
        total = rows[col].sum()
        for r in rows.iter_rows(named=True):
            share = pnl * r[col] / total if total else Decimal(0)
            assert abs(r["nav"] - (r["paid_in"] - r["distributed"] + share)) < Decimal("0.01"), r


@SETTINGS
@given(
    books(),
    st.sampled_from(
        [
            (date(2021, 1, 1), date(2021, 12, 31)),
            (date(2022, 7, 1), date(2022, 9, 30)),
            (date(2019, 1, 1), AS_OF),
        ]
    ),
)
def test_statement_identity_and_totals(book: Frames, period: tuple[date, date]) -> None:
    st_ = m.capital_account_statement(book, *period)
    assert st_.columns[5:] == list(STATEMENT_LINES)
    for r in st_.iter_rows(named=True):
        assert (
            r["beginning_nav"]
            + r["contributions"]
            - r["distributions"]
            - r["management_fees"]
            + (r["fee_offsets"] or 0)  # null: no fee terms, not modelled
            - r["partnership_expenses"]
            + r["income"]
            + r["other_income_expense"]
            + r["realised_gain"]
            + r["unrealised_gain_change"]
            + r["fx_translation"]
            - (r["carry_paid"] or 0)  # null: no carry terms, not modelled
            - (r["carry_accrued_change"] or 0)
        ) == r["ending_nav"]
        assert r["ending_unfunded"] == (
            r["beginning_unfunded"] - r["unfunded_contributions"] + r["recallable_distributions"]
        )
    # No closing and no grants in the period: nothing is re-shared, no rounding cents appear.
    start, end = period
    quiet = {
        f
        for f in ("f0", "f1")
        if not book.commitments.filter(
            (pl.col("fund_id") == f) & pl.col("date").is_between(start, end)
        ).height
        and not book.transactions.filter(
            (pl.col("fund_id") == f)
            & (pl.col("type") == "grant")
            & pl.col("date").is_between(start, end)
        ).height
    }
    for r in st_.filter(pl.col("fund_id").is_in(sorted(quiet))).iter_rows(named=True):
        assert r["other_income_expense"] == 0, r
    money = [c for c in STATEMENT_LINES]
    investors = (
        st_.filter(pl.col("investor_id").is_not_null()).group_by("fund_id").agg(pl.col(money).sum())
    )
    funds = st_.filter(pl.col("investor_id").is_null()).select("fund_id", *money)
    with_lps = funds.join(investors, on="fund_id", suffix="_lp")
    for r in with_lps.iter_rows(named=True):
        for line in money:
            if line in NULL_WITHOUT_TERMS:  # no terms: null on the fund row, not modelled
                assert r[line] is None, r["fund_id"]
                continue
            assert r[line] == r[f"{line}_lp"], (r["fund_id"], line)


@SETTINGS
@given(books())
def test_programme_leverage(book: Frames) -> None:
    for p in m.programme_metrics(book, AS_OF).iter_rows(named=True):
        assert p["government_committed"] + p["social_committed"] == p["committed"]
        if p["amplification"] is not None:
            assert p["amplification"] == pytest.approx(1 + p["social_leverage"])
