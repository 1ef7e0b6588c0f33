"""Largest-remainder capital accounts, exact sub-fund and look-through shares, realised exits,
and theme counts of holdings still held (docs/methods.md)."""

from __future__ import annotations

from datetime import date
from decimal import ROUND_HALF_EVEN, Decimal
from fractions import Fraction
from typing import Any

import polars as pl
from hypothesis import given, settings
from hypothesis import strategies as st

from fundbook import metrics as m
from fundbook.metrics.money import CENTS, allocate, allocate_lines
from fundbook.metrics.statement import STATEMENT_LINES
from fundbook.store.frames import Frames, frames_from_rows
from tests.metrics.book import commit, fx, mark, txn

D = Decimal
DAY = date(2026, 6, 30)


def _company(cid: str, theme: str = "ai_robotics") -> dict[str, Any]:
    return {"company_id": cid, "name": cid, "theme": theme, "hk_nexus": True, "country": "HK"}


def _frames(
    funds: list[dict[str, Any]],
    investors: list[dict[str, Any]],
    companies: list[dict[str, Any]],
    commitments: list[dict[str, Any]],
    transactions: list[dict[str, Any]],
    valuations: list[dict[str, Any]] = (),  # type: ignore[assignment]
    fx_rates: list[dict[str, Any]] = (),  # type: ignore[assignment]
) -> Frames:
    return frames_from_rows(
        DAY,
        {
            "funds": funds,
            "investors": investors,
            "companies": companies,
            "commitments": commitments,
            "transactions": transactions,
            "valuations": list(valuations),
            "fx_rates": list(fx_rates),
        },
    )


def _lp(iid: str, fund: str | None = None) -> dict[str, Any]:
    row = {"investor_id": iid, "name": iid, "kind": "social_capital"}
    return row | ({"fund_id": fund, "kind": "government"} if fund else {})


def _fund(fid: str, kind: str = "sub_fund", ccy: str = "HKD") -> dict[str, Any]:
    return {"fund_id": fid, "name": fid, "kind": kind, "currency": ccy}


# --- 1. largest remainder ------------------------------------------------------------------


def _split(amount: int, weights: list[int], keys: list[str] | None = None) -> list[int]:
    keys = keys or [f"k{i}" for i in range(len(weights))]
    df = pl.DataFrame(
        {"g": ["g"] * len(weights), "k": keys, "a": [amount] * len(weights), "w": weights},
        schema={"g": pl.String, "k": pl.String, "a": CENTS, "w": CENTS},
    )
    out = allocate(df, "a", "w", "g", "k", "o")
    return [dict(zip(out["k"], out["o"], strict=True))[k] for k in keys]


def test_two_cents_over_three_equal_weights_go_to_the_smallest_keys() -> None:
    assert _split(2, [1, 1, 1], ["c", "a", "b"]) == [0, 1, 1]
    assert _split(-2, [1, 1, 1], ["c", "a", "b"]) == [-1, 0, -1]


def test_largest_remainder_not_largest_weight() -> None:
    # exact 0.6 / 0.3 / 0.1 of 7 cents = 4.2, 2.1, 0.7: the third is the nearest to its ceiling
    assert _split(7, [6, 3, 1]) == [4, 2, 1]


@settings(max_examples=200, deadline=None)
@given(
    st.integers(-(10**14), 10**14),
    st.lists(st.integers(0, 10**13), min_size=1, max_size=7).filter(lambda w: sum(w) > 0),
)
def test_allocation_within_a_cent_and_exact_in_total(amount: int, weights: list[int]) -> None:
    parts = _split(amount, weights)
    assert sum(parts) == amount
    for part, w in zip(parts, weights, strict=True):
        assert abs(part - Fraction(amount * w, sum(weights))) < 1


@settings(max_examples=100, deadline=None)
@given(
    st.lists(st.integers(-(10**12), 10**12), min_size=1, max_size=6),
    st.lists(st.integers(0, 10**12), min_size=1, max_size=5).filter(lambda w: sum(w) > 0),
)
def test_lines_add_up_both_ways(lines: list[int], weights: list[int]) -> None:
    signs = {f"l{i}": (1 if i % 2 else -1) for i in range(len(lines))}
    rows = {f"l{i}": [v] * len(weights) for i, v in enumerate(lines)}
    df = pl.DataFrame(
        {"g": ["g"] * len(weights), "k": [f"k{i}" for i in range(len(weights))], "w": weights}
        | rows,
        schema_overrides={"w": CENTS} | {c: CENTS for c in rows},
    )
    out = allocate_lines(df, signs, "w", "g", "k", "a_")
    total = sum(s * v for s, v in zip(signs.values(), lines, strict=True))
    assert out.select(pl.col(f"a_{c}").sum() for c in signs).row(0) == tuple(lines)
    shares = _split(total, weights, [f"k{i}" for i in range(len(weights))])
    for r, share, w in zip(out.iter_rows(named=True), shares, weights, strict=True):
        assert sum(s * r[f"a_{c}"] for c, s in signs.items()) == share
        for n, (c, v) in enumerate(zip(signs, lines, strict=True)):
            bound = 1 if n < len(lines) - 1 else len(lines)  # the last line balances
            assert abs(r[f"a_{c}"] - Fraction(v * w, sum(weights))) < bound


def _equal_three(pnl: str) -> Frames:
    """Three equal commitments; the fund earns `pnl` of income and does nothing else."""
    return _frames(
        [_fund("f")],
        [_lp("b"), _lp("a"), _lp("c")],
        [_company("c1")],
        [commit(i, "2026-01-01", "f", inv, "100.00") for i, inv in enumerate("bac")],
        [
            *(
                txn(i, "2026-01-02", "f", "contribution", "10.00", investor=inv)
                for i, inv in enumerate("bac")
            ),
            txn(9, "2026-05-01", "f", "income" if pnl[0] != "-" else "fee", pnl.lstrip("-")),
        ],
    )


def test_three_equal_commitments_share_two_cents() -> None:
    inv = m.investor_metrics(_equal_three("0.02"), DAY).sort("investor_id")
    assert inv["nav"].to_list() == [D("10.01"), D("10.01"), D("10.00")]
    fund = m.fund_metrics(_equal_three("0.02"), DAY)
    assert fund["nav"][0] == sum(inv["nav"].to_list(), D(0)) == D("30.02")


def test_three_equal_commitments_share_a_loss_of_two_cents() -> None:
    inv = m.investor_metrics(_equal_three("-0.02"), DAY).sort("investor_id")
    assert inv["nav"].to_list() == [D("10.00"), D("9.99"), D("9.99")]


def test_statement_of_shared_cents_adds_up() -> None:
    st_ = m.capital_account_statement(_equal_three("0.02"), date(2026, 4, 1), DAY)
    rows = st_.filter(pl.col("investor_id").is_not_null()).sort("investor_id")
    assert rows["income"].to_list() == [D("0.01"), D("0.01"), D("0.00")]
    assert rows["other_income_expense"].to_list() == [D(0)] * 3
    fund = st_.filter(pl.col("investor_id").is_null())
    for line in STATEMENT_LINES:
        if line == "fee_offsets":  # no fee terms: null on every row, not modelled
            assert rows[line].null_count() == 3 and fund[line][0] is None
            continue
        assert rows[line].sum() == fund[line][0], line


def test_a_quarter_without_fees_allocates_no_fee_cents() -> None:
    book = _equal_three("0.02")
    fee = txn(20, "2026-02-01", "f", "fee", "0.01")
    book = frames_from_rows(
        DAY,
        {
            name: getattr(book, name).to_dicts() + ([fee] if name == "transactions" else [])
            for name in (
                "funds",
                "investors",
                "companies",
                "commitments",
                "transactions",
                "valuations",
                "fx_rates",
            )
        },
    )
    st_ = m.capital_account_statement(book, date(2026, 4, 1), DAY)
    rows = st_.filter(pl.col("investor_id").is_not_null())
    assert rows["management_fees"].to_list() == [D(0)] * 3
    assert rows["other_income_expense"].to_list() == [D(0)] * 3
    assert rows["income"].to_list() == [D("0.01"), D("0.01"), D("0.00")]


# --- 2. and 3. exact shares of a sub-fund ---------------------------------------------------


def _thirds_in_usd() -> Frames:
    """USD sub-funds s1, s2, each a third held by the guidance fund's LP `gf-lp` (the smallest
    investor_id, so the one that gets a shared cent); s1 earns 100.00 of income."""
    commitments, txns = [], []
    for n, s in enumerate(("s1", "s2")):
        for k, i in enumerate(("gf-lp", "x", "y")):
            commitments.append(commit(3 * n + k, "2026-01-01", s, i, "1.00"))
            txns.append(txn(10 * n + k, "2026-01-02", s, "contribution", "0.02", investor=i))
        txns.append(txn(10 * n + 5, "2026-01-03", s, "investment", "0.04", holding="c1"))
        txns.append(txn(10 * n + 6, "2026-01-02", "gf", "investment", "0.16", holding=s))
    txns.append(txn(30, "2026-01-04", "s1", "income", "100.00", holding="c1"))
    return _frames(
        [_fund("gf", "guidance_fund"), _fund("s1", ccy="USD"), _fund("s2", ccy="USD")],
        [_lp("gf-lp", "gf"), _lp("x"), _lp("y")],
        [_company("c1")],
        commitments,
        txns,
        [mark(1, "2026-06-30", "s1", "c1", "0.04"), mark(2, "2026-06-30", "s2", "c1", "0.04")],
        [fx("2026-01-01", "USD", "7.83")],
    )


def _half_even(x: Fraction) -> Decimal:
    return (D(x.numerator) / D(x.denominator)).quantize(D("0.01"), rounding=ROUND_HALF_EVEN)


def test_guidance_fund_values_a_sub_fund_at_its_capital_account_as_stated() -> None:
    """Issue 11, R6: the holder values its interest at its capital account as the held
    fund's statement gives it (33.36 USD, rounded cents) x the rate, rounded once: the GL's
    partner capital, which the close ties to the statement (no longer the exact share)."""
    book = _thirds_in_usd()
    s1 = m.fund_metrics(book, DAY).filter(pl.col("fund_id") == "s1")
    assert s1["nav"][0] == D("100.06")  # cash 0.06 - 0.04 + 100.00, c1 marked 0.04
    account = m.investor_metrics(book, DAY).filter(
        (pl.col("fund_id") == "s1") & (pl.col("investor_id") == "gf-lp")
    )
    assert account["nav"][0] == D("33.36")  # 0.02 + 33.34 (33.33 and the shared cent)
    held = m.holding_metrics(book, DAY).filter(pl.col("holding_id") == "s1")
    assert held["valued_by"][0] == "capital_account"
    stated = Fraction("33.36") * Fraction("7.83")  # 261.2088; the exact share gave 261.16
    assert held["fair_value"][0] == _half_even(stated) == D("261.21")


def test_look_through_rounds_the_exact_shares_once() -> None:
    book = _thirds_in_usd()
    out = m.theme_exposure(book, DAY, look_through=True)
    row = out.filter(pl.col("theme") == "ai_robotics").row(0, named=True)
    # two shares of 0.04 / 3 USD: 0.1044 HKD each, 0.2088 together (not 0.10 + 0.10)
    exact = 2 * Fraction("0.04") / 3 * Fraction("7.83")
    assert row["invested"] == row["fair_value"] == _half_even(exact) == D("0.21")
    assert row["holdings"] == 1


# --- 4. exits realise the remaining cost; 5. themes count positions --------------------------


def _exit_book(proceeds: bool) -> Frames:
    txns = [
        txn(1, "2026-01-02", "f", "contribution", "100.00", investor="a"),
        txn(2, "2026-01-03", "f", "investment", "100.00", holding="c1"),
    ]
    if proceeds:
        txns.append(txn(4, "2026-05-10", "f", "proceeds", "40.00", holding="c1"))
    return _frames(
        [_fund("f")],
        [_lp("a")],
        [_company("c1")],
        [commit(1, "2026-01-01", "f", "a", "100.00")],
        txns,
        [mark(1, "2026-03-31", "f", "c1", "90.00"), mark(2, "2026-05-10", "f", "c1", "0.00")],
    )


def test_a_sale_at_a_loss_is_a_realised_loss() -> None:
    book = _exit_book(proceeds=True)
    h = m.holding_metrics(book, DAY).row(0, named=True)
    assert (h["remaining_cost"], h["realised_gain"], h["unrealised_gain"]) == (
        D(0),
        D("-60.00"),
        D(0),
    )
    f = m.fund_metrics(book, DAY).row(0, named=True)
    assert (f["nav"], f["realised_gain"], f["unrealised_gain"]) == (D("40.00"), D("-60.00"), D(0))
    st_ = m.capital_account_statement(book, date(2026, 4, 1), DAY)
    for r in st_.iter_rows(named=True):  # the quarter realises the loss and reverses the mark
        assert (r["realised_gain"], r["unrealised_gain_change"]) == (D("-60.00"), D("10.00"))
    before = m.holding_metrics(book, date(2026, 5, 9)).row(0, named=True)
    assert (before["realised_gain"], before["unrealised_gain"]) == (D(0), D("-10.00"))


def test_a_zero_mark_without_proceeds_stays_unrealised() -> None:
    book = _exit_book(proceeds=False)
    h = m.holding_metrics(book, DAY).row(0, named=True)
    assert (h["remaining_cost"], h["realised_gain"], h["unrealised_gain"]) == (
        D("100.00"),
        D(0),
        D("-100.00"),
    )


def test_themes_count_only_holdings_still_held() -> None:
    book = _exit_book(proceeds=True)
    for themes in (m.theme_exposure(book, DAY), m.theme_exposure(book, DAY, fund_id="f")):
        row = themes.filter(pl.col("theme") == "ai_robotics").row(0, named=True)
        assert (row["holdings"], row["invested"], row["fair_value"]) == (0, D("100.00"), D(0))
    written_down = m.theme_exposure(_exit_book(proceeds=False), DAY)
    assert written_down.filter(pl.col("theme") == "ai_robotics")["holdings"][0] == 1
