"""The waterfall's inputs from the book (`metrics.carry`): which rows are flows, the capital
accounts split by deal for an American waterfall, side letters."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from pathlib import Path

import polars as pl
import pytest

from fundbook.core.errors import NotFound
from fundbook.ledger import read_book
from fundbook.metrics.carry import book_waterfall
from fundbook.metrics.carry_state import partner_flows, partner_navs
from fundbook.metrics.performance import investor_metrics
from fundbook.metrics.state import book_state
from fundbook.store.frames import Frames, frames_from_tables
from ledger_kit import write_book

D = Decimal
START, SALE = "2021-01-04", "2024-01-04"
AS_OF = date(2024, 1, 4)
TERMS = "fund_id,carry_pct,hurdle_rate,catch_up_pct,waterfall,gp_investor_id"
# L (80 %) and the GP (20 %) call for deals A and B; A is sold for 125m, of which only 60m is
# distributed (to L): the fund keeps 65m of cash beside B, valued at 12.5m
BOOK = {
    "funds": ["F,Fund F,sub_fund,HKD,2021,F GP,,2026-01-04"],
    "investors": ["L,Partner L,social_capital,", "GP,F GP,social_capital,"],
    "companies": ["A,Deal A,ai_robotics,true,HK", "B,Deal B,life_health,true,HK"],
    "commitments": [f"F,L,{START},100000000.00,HKD", f"F,GP,{START},25000000.00,HKD"],
    "transactions": [
        f"c1,{START},F,contribution,L,A,50000000.00,HKD,",
        f"c2,{START},F,contribution,L,B,50000000.00,HKD,",
        f"c3,{START},F,contribution,GP,,25000000.00,HKD,both deals",
        f"i1,{START},F,investment,,A,62500000.00,HKD,",
        f"i2,{START},F,investment,,B,62500000.00,HKD,",
        "p1,2022-01-04,F,proceeds,,A,125000000.00,HKD,",
        "x1,2022-01-04,F,distribution,L,A,60000000.00,HKD,",
    ],
    "valuations": ["2022-01-04,F,A,0.00,HKD", f"{SALE},F,B,12500000.00,HKD"],
    "fx_rates": [],
}
SIDE = "fund_id,investor_id,fee_discount_pct,carry_exempt"


def frames(tmp_path: Path, terms: str, side: str | None = None) -> Frames:
    root = write_book(tmp_path / "ledger", BOOK)
    (root / "terms.csv").write_text(f"{TERMS}\n{terms}\n", encoding="utf-8")
    if side is not None:
        (root / "investor_terms.csv").write_text(f"{SIDE}\n{side}\n", encoding="utf-8")
    book, errors = read_book(root)
    assert [str(e) for e in errors] == []
    return frames_from_tables(AS_OF, book.rows)


def test_american_navs_split_by_deal_add_up_to_the_capital_accounts(tmp_path: Path) -> None:
    f = frames(tmp_path, "F,0.2,0.08,1,american,GP")
    state = book_state(f, AS_OF)
    before = state.accounts.with_columns(pl.col("nav_before_carry").alias("nav"))
    funds = state.funds.with_columns(pl.col("nav_before_carry").alias("nav"))
    navs = partner_navs(before, state.holdings, funds, ["F"])
    # L: 100m − 60m + 80 % of the 12.5m P&L = 50m, over NAV 77.5m = cash 65m + B 12.5m:
    # B 50m × 12.5 / 77.5 = 8,064,516.129… (the leftover cent to it), no deal the rest; the GP:
    # 25m + 20 % of 12.5m = 27.5m, B 27.5m × 12.5 / 77.5 = 4,435,483.870…, the cent to no deal
    assert {(r["investor_id"], r["deal_id"]): r["nav"] for r in navs.iter_rows(named=True)} == {
        ("L", "A"): D("0.00"),
        ("L", "B"): D("8064516.13"),
        ("L", None): D("41935483.87"),
        ("GP", "A"): D("0.00"),
        ("GP", "B"): D("4435483.87"),
        ("GP", None): D("23064516.13"),
    }
    accounts = investor_metrics(f, AS_OF).select("investor_id", "nav_before_carry")
    summed = navs.group_by("investor_id").agg(pl.col("nav").sum())
    assert dict(summed.sort("investor_id").rows()) == dict(accounts.sort("investor_id").rows())


def test_flows_are_the_partners_calls_and_distributions_with_their_deal(tmp_path: Path) -> None:
    flows = partner_flows(frames(tmp_path, "F,0.2,0.08,1,american,GP"), AS_OF, ["F"])
    assert sorted(flows.select("investor_id", "deal_id", "kind", "amount").rows(), key=str) == [
        ("GP", None, "contribution", D("25000000.00")),
        ("L", "A", "contribution", D("50000000.00")),
        ("L", "A", "distribution", D("60000000.00")),
        ("L", "B", "contribution", D("50000000.00")),
    ]
    assert (
        partner_flows(frames(tmp_path, "F,0.2,0.08,1,american,GP"), date(2021, 1, 3), ["F"])[
            "amount"
        ].to_list()
        == []
    )


def test_a_carry_exempt_side_letter_bears_no_carry(tmp_path: Path) -> None:
    f = frames(tmp_path, "F,0.2,0.08,1,european,GP", "F,L,,true")
    carry = book_waterfall(f, "F", AS_OF).carry
    assert carry.select("investor_id", "bears_carry", "accrued_carry", "carry_paid").rows() == [
        ("GP", False, D("0.00"), D("0.00")),
        ("L", False, D("0.00"), D("0.00")),
    ]


def test_unknown_fund_and_no_carry_terms(tmp_path: Path) -> None:
    f = frames(tmp_path, "F,,,,,")
    with pytest.raises(NotFound, match="unknown fund 'Z'"):
        book_waterfall(f, "Z", AS_OF)
    with pytest.raises(NotFound, match="no carry terms for fund F"):
        book_waterfall(f, "F", AS_OF)


def test_equalisation_catch_ups_count_as_contributions(demo_frames: Frames) -> None:
    # shatin-endowment, admitted to sf-digital at its later closing: its catch-up is capital
    # (docs/methods.md: 25,145,833.33 contributed); equalisation interest is not a flow
    flows = partner_flows(demo_frames, date(2026, 9, 30), ["sf-digital"])
    mine = flows.filter(pl.col("investor_id") == "shatin-endowment")
    assert mine.group_by("kind").agg(pl.col("amount").sum()).rows() == [
        ("contribution", D("25145833.33"))
    ]
