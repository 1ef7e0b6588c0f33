"""Issue 11's two-LP book: A at the first closing, B at a later one; the jump before
equalisation, `fundbook equalise` to the cent, and equal NAV per dollar committed after."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from pathlib import Path

import polars as pl
import pytest
from click.testing import CliRunner
from hypothesis import given, settings
from hypothesis import strategies as st

from fundbook.cli import cli
from fundbook.core.errors import FundbookError
from fundbook.ledger import read_book
from fundbook.metrics.equalisation import equalisation_rows
from fundbook.metrics.performance import investor_metrics
from fundbook.metrics.statement import capital_account_statement
from fundbook.store.frames import Frames, frames_from_rows, frames_from_tables
from ledger_kit import write_book

D = Decimal
END = date(2025, 12, 31)
CLOSING = date(2025, 7, 1)
TWO_LPS = {
    "funds": ["lc,Later Closing Fund,sub_fund,HKD,2025,GP,,"],
    "investors": ["lpa,LP A,social_capital,", "lpb,LP B,social_capital,"],
    "companies": ["z,Zed,ai_robotics,true,HK", "w,Wye,ai_robotics,true,HK"],
    "commitments": ["lc,lpa,2025-01-01,100.00,HKD", "lc,lpb,2025-07-01,100.00,HKD"],
    "transactions": [
        "c1,2025-01-02,lc,contribution,lpa,,50.00,HKD,first call",
        "i1,2025-01-02,lc,investment,,z,50.00,HKD,",
        "c2,2025-07-01,lc,contribution,lpa,,25.00,HKD,second call",
        "c3,2025-07-01,lc,contribution,lpb,,25.00,HKD,second call",
        "i2,2025-07-01,lc,investment,,w,50.00,HKD,",
    ],
    "valuations": [
        "2025-06-30,lc,z,70.00,HKD",
        "2025-12-31,lc,z,70.00,HKD",
        "2025-12-31,lc,w,60.00,HKD",
    ],
    "fx_rates": ["2025-01-01,USD,7.80"],
    "terms": ["lc,0.08"],
}
# By hand: the call of 2025-01-02 (50, all paid by A) is due 25 / 25 at the new ratios (100 /
# 100): B catches up 25, A gets 25 back (recallable); interest 25 x 0.08 x 180 / 365 =
# 0.98630... -> 0.99, from B to A.
MEMO = "equalisation of the 2025-07-01 closing: "
EXPECTED_ROWS = [
    ("lc-eq-2025-07-01-1", "equalisation_contribution", "lpb", "25.00"),
    ("lc-eq-2025-07-01-2", "equalisation_distribution", "lpa", "25.00"),
    ("lc-eq-2025-07-01-3", "equalisation_interest_received", "lpb", "0.99"),
    ("lc-eq-2025-07-01-4", "equalisation_interest_paid", "lpa", "0.99"),
]


def _ledger(root: Path, **overrides: list[str]) -> Path:
    return write_book(root, {**TWO_LPS, **overrides})


def _frames(ledger: Path, as_of: date) -> Frames:
    book, errors = read_book(ledger)
    assert [str(e) for e in errors] == []
    return frames_from_tables(as_of, book.rows)


def _navs(frames: Frames, as_of: date) -> dict[str, Decimal]:
    acc = investor_metrics(frames, as_of)
    return dict(zip(acc["investor_id"], acc["nav"], strict=True))


def _equalised(tmp_path: Path) -> Path:
    rows = equalisation_rows(_frames(_ledger(tmp_path / "plain"), CLOSING), "lc", CLOSING)
    lines = rows.write_csv(include_header=False).splitlines()
    return _ledger(tmp_path / "eq", transactions=[*TWO_LPS["transactions"], *lines])


def test_without_equalisation_the_later_closing_moves_capital(tmp_path: Path) -> None:
    """The re-balancing at the closing: A's 20 of gain earned alone is shared 10 / 10."""
    frames = _frames(_ledger(tmp_path / "b"), END)
    assert _navs(frames, date(2025, 6, 30)) == {"lpa": D("70.00")}  # B not yet a partner
    assert _navs(frames, CLOSING) == {"lpa": D("85.00"), "lpb": D("35.00")}
    assert _navs(frames, END) == {"lpa": D("90.00"), "lpb": D("40.00")}


def test_equalisation_rows_to_the_cent(tmp_path: Path) -> None:
    rows = equalisation_rows(_frames(_ledger(tmp_path / "b"), CLOSING), "lc", CLOSING)
    got = rows.select("txn_id", "type", "investor_id", "amount").rows()
    assert got == EXPECTED_ROWS
    assert set(rows["date"]) == {"2025-07-01"} and set(rows["currency"]) == {"HKD"}
    assert rows["holding_id"].null_count() == rows.height
    assert all(m.startswith(MEMO) for m in rows["memo"])
    assert (
        "0.08 a year"
        in rows.filter(pl.col("type").str.contains("interest_received"))["memo"].item()
    )


def test_after_equalisation_equal_nav_per_dollar_committed(tmp_path: Path) -> None:
    frames = _frames(_equalised(tmp_path), END)
    acc = investor_metrics(frames, END).sort("investor_id")
    # A: 75 paid - 25 back + 15; B: 25 + 25 + 15; fund 130 = cash 0 + z 70 + w 60
    assert acc["nav"].to_list() == [D("65.00"), D("65.00")]
    assert (acc["nav"] / acc["committed"]).to_list() == [D("0.65"), D("0.65")]
    # A's unfunded grows back by the recallable 25: 100 - 75 + 25
    assert acc["unfunded"].to_list() == [D("50.00"), D("50.00")]
    assert acc["paid_in"].to_list() == [D("75.00"), D("50.00")]
    assert acc["distributed"].to_list() == [D("25.00"), D("0.00")]


def test_net_irr_of_the_later_partner_counts_its_interest(tmp_path: Path) -> None:
    """B pays 25 + 25 + 0.99 on 2025-07-01 and holds 65 on 2025-12-31."""
    from pyxirr import xirr

    frames = _frames(_equalised(tmp_path), END)
    acc = investor_metrics(frames, END).sort("investor_id")
    expected_b = xirr([CLOSING, CLOSING, CLOSING, END], [-25, -25, -0.99, 65])
    expected_a = xirr([date(2025, 1, 2), CLOSING, CLOSING, CLOSING, END], [-50, -25, 25, 0.99, 65])
    assert acc["net_irr"].to_list() == pytest.approx([expected_a, expected_b], rel=1e-9)
    assert 0.5 < acc["net_irr"][1] < 0.7  # about 62 % a year over half a year, not 19,646 %


def test_statement_shows_the_recallable_distribution(tmp_path: Path) -> None:
    frames = _frames(_equalised(tmp_path), END)
    st = capital_account_statement(frames, CLOSING, END)
    rows = {r["investor_id"]: r for r in st.iter_rows(named=True)}
    a, b, fund = rows["lpa"], rows["lpb"], rows[None]
    assert (a["contributions"], a["distributions"]) == (D("25.00"), D("25.00"))
    assert a["recallable_distributions"] == D("25.00") and b["recallable_distributions"] == 0
    assert fund["recallable_distributions"] == D("25.00")
    assert (a["beginning_unfunded"], a["ending_unfunded"]) == (D("50.00"), D("50.00"))
    assert (b["beginning_unfunded"], b["ending_unfunded"]) == (D("100.00"), D("50.00"))
    # the re-balancing at the closing: A's share of the 20 earned before, at 50 / 50
    assert (a["other_income_expense"], b["other_income_expense"]) == (D("-10.00"), D("10.00"))
    assert (a["ending_nav"], b["ending_nav"], fund["ending_nav"]) == (
        D("65.00"),
        D("65.00"),
        D("130.00"),
    )


def test_interest_received_and_not_yet_paid_is_owed_not_capital(tmp_path: Path) -> None:
    lines = [
        *TWO_LPS["transactions"],
        "e1,2025-07-01,lc,equalisation_contribution,lpb,,25.00,HKD,",
        "e2,2025-07-01,lc,equalisation_distribution,lpa,,25.00,HKD,",
        "e3,2025-07-01,lc,equalisation_interest_received,lpb,,0.99,HKD,",
    ]
    frames = _frames(_ledger(tmp_path / "b", transactions=lines), END)
    assert _navs(frames, END) == {"lpa": D("65.00"), "lpb": D("65.00")}
    st = capital_account_statement(frames, CLOSING, END)
    assert st.filter(pl.col("investor_id").is_null())["ending_nav"].item() == D("130.00")


def test_equalise_refuses_a_date_that_is_no_later_closing(tmp_path: Path) -> None:
    frames = _frames(_ledger(tmp_path / "b"), END)
    with pytest.raises(FundbookError, match="fund lc has no later closing on 2025-01-01"):
        equalisation_rows(frames, "lc", date(2025, 1, 1))
    equalised = _frames(_equalised(tmp_path), END)
    with pytest.raises(FundbookError, match="already has equalisation rows"):
        equalisation_rows(equalised, "lc", CLOSING)


def test_without_a_rate_no_interest_rows(tmp_path: Path) -> None:
    frames = _frames(_ledger(tmp_path / "b", terms=["lc,"]), CLOSING)
    rows = equalisation_rows(frames, "lc", CLOSING)
    assert rows.select("type", "investor_id", "amount").rows() == [
        ("equalisation_contribution", "lpb", "25.00"),
        ("equalisation_distribution", "lpa", "25.00"),
    ]


def test_three_partners_cents_matched_by_largest_remainder(tmp_path: Path) -> None:
    """Calls of 100.00 (A 2/3, C 1/3 of 150 committed) before D commits 50: each call is due
    at 100 / 200, 50 / 200, 50 / 200. A paid 66.67, C 33.33; due 50, 25, 25: D catches up
    25.00; back 16.67 to A and 8.33 to C, summing to 25.00 exactly."""
    rows = {
        **TWO_LPS,
        "investors": [*TWO_LPS["investors"], "lpc,LP C,social_capital,"],
        "commitments": [
            "lc,lpa,2025-01-01,100.00,HKD",
            "lc,lpc,2025-01-01,50.00,HKD",
            "lc,lpb,2025-07-01,50.00,HKD",
        ],
        "transactions": [
            "c1,2025-01-02,lc,contribution,lpa,,66.67,HKD,",
            "c2,2025-01-02,lc,contribution,lpc,,33.33,HKD,",
            "i1,2025-01-02,lc,investment,,z,100.00,HKD,",
        ],
        "valuations": ["2025-06-30,lc,z,100.00,HKD", "2025-12-31,lc,z,130.00,HKD"],
        "terms": ["lc,0.07"],
    }
    ledger = write_book(tmp_path / "b", rows)
    out = equalisation_rows(_frames(ledger, CLOSING), "lc", CLOSING)
    got = out.select("type", "investor_id", "amount").rows()
    # interest: 25.00 x 0.07 x 180 / 365 = 0.863013... -> 0.86; split 16.67 : 8.33 -> 0.57 / 0.29
    assert got == [
        ("equalisation_contribution", "lpb", "25.00"),
        ("equalisation_distribution", "lpa", "16.67"),
        ("equalisation_distribution", "lpc", "8.33"),
        ("equalisation_interest_received", "lpb", "0.86"),
        ("equalisation_interest_paid", "lpa", "0.57"),
        ("equalisation_interest_paid", "lpc", "0.29"),
    ]
    booked = write_book(
        tmp_path / "eq",
        {
            **rows,
            "transactions": [
                *rows["transactions"],
                *out.write_csv(include_header=False).splitlines(),
            ],
        },
    )
    # booked: net paid 50 / 25 / 25 and 30 of gain split 100 : 50 : 50, so 0.65 per dollar each
    acc = investor_metrics(_frames(booked, END), END).sort("investor_id")
    per_dollar = (acc["nav"] / acc["committed"]).to_list()
    assert acc["nav"].to_list() == [D("65.00"), D("32.50"), D("32.50")]
    assert per_dollar == [D("0.65")] * 3


def test_equalise_through_the_cli_appends_rows_that_import(tmp_path: Path) -> None:
    ledger = _ledger(tmp_path / "b")
    runner = CliRunner()
    printed = runner.invoke(
        cli, ["equalise", "--fund", "lc", "--closing", "2025-07-01", "--ledger", str(ledger)]
    )
    assert printed.exit_code == 0, printed.output
    assert [line.split(",")[0] for line in printed.stdout.splitlines()] == [
        r[0] for r in EXPECTED_ROWS
    ]
    target = ledger / "transactions.csv"
    appended = runner.invoke(
        cli,
        [
            "equalise",
            *("--fund", "lc", "--closing", "2025-07-01"),
            *("--ledger", str(ledger), "--out", str(target)),
        ],
    )
    assert appended.exit_code == 0, appended.output
    assert "4 equalisation row(s) appended" in appended.stderr
    db = tmp_path / "book.duckdb"
    imported = runner.invoke(cli, ["import", str(ledger), "--db", str(db)])
    assert imported.exit_code == 0, imported.output
    again = runner.invoke(
        cli, ["equalise", "--fund", "lc", "--closing", "2025-07-01", "--db", str(db)]
    )
    assert again.exit_code == 1
    assert "already has equalisation rows" in again.stderr


def test_equalise_of_an_unknown_fund_is_a_clean_error(tmp_path: Path) -> None:
    ledger = _ledger(tmp_path / "b")
    result = CliRunner().invoke(
        cli, ["equalise", "--fund", "nope", "--closing", "2025-07-01", "--ledger", str(ledger)]
    )
    assert result.exit_code == 1
    assert "unknown fund 'nope'" in result.stderr


def _as_txns(rows: pl.DataFrame, start: int) -> list[dict[str, object]]:
    """Rows of `equalisation_rows` as frame rows (after the book's `start` rows)."""
    return [
        {
            "txn_id": r["txn_id"],
            "date": date.fromisoformat(r["date"]),
            "fund_id": r["fund_id"],
            "type": r["type"],
            "investor_id": r["investor_id"],
            "holding_id": None,
            "amount_fund": D(r["amount"]),
            "source_file": "transactions.csv",
            "source_line": start + i,
        }
        for i, r in enumerate(rows.iter_rows(named=True))
    ]


@settings(max_examples=25, deadline=None)
@given(
    earlier=st.lists(st.integers(10**4, 10**9), min_size=1, max_size=3),
    later=st.integers(10**4, 10**9),
    calls=st.lists(st.integers(1, 60), min_size=1, max_size=3),
    gain=st.integers(-(10**6), 10**7),
    rate=st.sampled_from([None, D("0.08"), D("0.0725")]),
)
def test_equalised_partners_hold_the_same_nav_per_dollar_committed(
    earlier: list[int], later: int, calls: list[int], gain: int, rate: Decimal | None
) -> None:
    """Random first-closing commitments (cents), calls (percent of them, split in cents by
    largest remainder), a later partner and a mark: once equalised, every partner's NAV per
    dollar committed is the same within the cents of rounding, the totals match exactly, and
    no unfunded commitment is negative."""
    from fundbook.metrics.money import CENTS, allocate

    lps = [f"p{i}" for i in range(len(earlier))] + ["late"]
    committed = dict(zip(lps, [*earlier, later], strict=True))
    commitments = [
        {"fund_id": "f", "investor_id": lp, "date": date(2025, 1, 1), "amount_fund": D(c) / 100}
        for lp, c in zip(lps[:-1], earlier, strict=True)
    ] + [{"fund_id": "f", "investor_id": "late", "date": CLOSING, "amount_fund": D(later) / 100}]
    txns, total = [], sum(earlier)
    for n, pct in enumerate(calls):
        call = total * pct // 100 // len(calls)
        split = allocate(
            pl.DataFrame({"lp": lps[:-1], "w": earlier, "g": 1, "a": call}).cast(
                {"w": CENTS, "a": CENTS}
            ),
            "a",
            "w",
            "g",
            "lp",
            "paid",
        )
        for lp, paid in split.select("lp", "paid").iter_rows():
            day = date(2025, 2 + n, 1)
            txns.append(_row(len(txns), day, "contribution", D(paid) / 100, investor=lp))
    paid_in = sum(t["amount_fund"] for t in txns)
    txns.append(_row(len(txns), date(2025, 5, 1), "investment", paid_in, holding="z"))
    marks = [
        {
            "date": END,
            "fund_id": "f",
            "holding_id": "z",
            "fair_value_fund": max(paid_in + D(gain) / 100, D(0)),
        }
    ]
    base = {
        "funds": [{"fund_id": "f", "name": "F", "kind": "sub_fund", "currency": "HKD"}],
        "investors": [{"investor_id": lp, "name": lp, "kind": "social_capital"} for lp in lps],
        "companies": [
            {"company_id": "z", "name": "z", "theme": "other", "hk_nexus": True, "country": "HK"}
        ],
        "commitments": commitments,
        "valuations": marks,
        "terms": [{"fund_id": "f", "equalisation_rate": rate}],
    }
    rows = equalisation_rows(
        frames_from_rows(CLOSING, {**base, "transactions": txns}), "f", CLOSING
    )
    amounts = {
        t: D(0)
        for t in (
            "equalisation_contribution",
            "equalisation_distribution",
            "equalisation_interest_received",
            "equalisation_interest_paid",
        )
    }
    for kind, amount in rows.select("type", "amount").iter_rows():
        amounts[kind] += D(amount)
    assert amounts["equalisation_contribution"] == amounts["equalisation_distribution"]
    assert amounts["equalisation_interest_received"] == amounts["equalisation_interest_paid"]
    frames = frames_from_rows(END, {**base, "transactions": [*txns, *_as_txns(rows, len(txns))]})
    acc = investor_metrics(frames, END)
    assert all(u >= 0 for u in acc["unfunded"])
    per_dollar = [
        nav / (D(committed[lp]) / 100)
        for lp, nav in zip(acc["investor_id"], acc["nav"], strict=True)
    ]
    # each account is within a few cents of exact (the call splits, the catch-up, the P&L split)
    slack = max(D(4) / 100 / (D(c) / 100) for c in committed.values())
    assert max(per_dollar) - min(per_dollar) <= 2 * slack


def _row(
    n: int,
    day: date,
    kind: str,
    amount: Decimal,
    investor: str | None = None,
    holding: str | None = None,
) -> dict[str, object]:
    return {
        "txn_id": f"t{n}",
        "date": day,
        "fund_id": "f",
        "type": kind,
        "investor_id": investor,
        "holding_id": holding,
        "amount_fund": amount,
        "source_file": "transactions.csv",
        "source_line": n + 2,
    }
