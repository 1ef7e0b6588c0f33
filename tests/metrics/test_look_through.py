"""The guidance fund's look-through (metrics.look_through), worked by hand on a small book.

Guidance fund G (HKD) is the LP G-LP of sub-fund S (25 % of 100m) beside L2 (65m) and the GP
(10m, no carry); S's terms: 20 % carry, no hurdle, full catch-up. S invests 60m in c1 (AI
and robotics) and 30m in c2 (outside the five themes), pays a 2m management fee and a 0.4m
expense, and marks c1 at 100m, c2 at 30m. G also holds c1 directly: 10m, marked at 12m.

S: cash 100 - 90 - 2 - 0.4 = 7.6m; NAV before carry 137.6m; profit 37.6m, G-LP's 25 % =
9.4m; carry 20 % of it = 1.88m, so G-LP's capital account = 25 + 9.4 - 1.88 = 32.52m.
G: cash 40 - 25 - 10 = 5m; NAV 5 + 12 + 32.52 = 49.52m.
Look-through: c1 12m direct + 25 % x 100m = 25m through = 37m; c2 25 % x 30m = 7.5m;
companies 44.5m; S's other net assets to G = 32.52 - 32.5 = 0.02m (its 25 % of S's 7.6m
cash = 1.9m, less the 1.88m accrued carry); G's own 5m; 44.5 + 0.02 + 5 = 49.52m = NAV.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from decimal import Decimal
from pathlib import Path

import polars as pl

from fundbook.close.explain import stored_at
from fundbook.close.snapshot import LEVEL_KEYS
from fundbook.ledger import read_book
from fundbook.metrics.explain import Stored, explain
from fundbook.metrics.exposure import theme_exposure
from fundbook.metrics.look_through import look_through_company, look_through_nav
from fundbook.metrics.statement import capital_account_statement
from fundbook.store.frames import Frames, frames_from_tables
from ledger_kit import write_book
from tests.metrics.explain_check import matches, tampered

D = Decimal
START, MARK = "2026-01-05", "2026-06-30"
TERMS = (
    "fund_id,carry_pct,hurdle_rate,catch_up_pct,waterfall,gp_investor_id\nS,0.2,0,1,european,GP\n"
)
BOOK = {
    "funds": [
        "G,Guidance Fund G,guidance_fund,HKD,2026,ITC,,2031-03-31",
        "S,Sub-fund S,sub_fund,HKD,2026,S GP Ltd,G,2031-03-31",
    ],
    "investors": [
        "gov,Government,government,",
        "G-LP,Guidance Fund G (as LP),government,G",
        "L2,Pension L2,social_capital,",
        "GP,S GP,social_capital,",
    ],
    "companies": [
        "c1,Alpha Robotics,ai_robotics,true,HK",
        "c2,Beta Logistics,other,true,HK",
    ],
    "commitments": [
        f"G,gov,{START},100000000.00,HKD",
        f"S,G-LP,{START},25000000.00,HKD",
        f"S,L2,{START},65000000.00,HKD",
        f"S,GP,{START},10000000.00,HKD",
    ],
    "transactions": [
        f"g1,{START},G,contribution,gov,,40000000.00,HKD,",
        f"g2,{START},G,investment,,S,25000000.00,HKD,G's call from S",
        f"g3,{START},G,investment,,c1,10000000.00,HKD,direct",
        f"s1,{START},S,contribution,G-LP,,25000000.00,HKD,",
        f"s2,{START},S,contribution,L2,,65000000.00,HKD,",
        f"s3,{START},S,contribution,GP,,10000000.00,HKD,",
        f"s4,{START},S,investment,,c1,60000000.00,HKD,",
        f"s5,{START},S,investment,,c2,30000000.00,HKD,",
        f"s6,{START},S,fee,,,2000000.00,HKD,management fee",
        f"s7,{START},S,expense,,,400000.00,HKD,audit",
    ],
    "valuations": [
        f"{MARK},G,c1,12000000.00,HKD",
        f"{MARK},S,c1,100000000.00,HKD",
        f"{MARK},S,c2,30000000.00,HKD",
    ],
    "fx_rates": [],
}  # fmt: skip


def write_look_through_book(root: Path) -> Path:
    """The ledger directory of the book above (terms.csv with S's carry terms)."""
    write_book(root, BOOK)
    (root / "terms.csv").write_text(TERMS, encoding="utf-8")
    return root


def book(tmp_path: Path) -> Frames:
    book, errors = read_book(write_look_through_book(tmp_path / "ledger"))
    assert [str(e) for e in errors] == []
    return frames_from_tables(date.fromisoformat(MARK), book.rows)


def test_a_company_held_directly_and_through_the_sub_fund_shows_both_routes(tmp_path: Path):
    f = book(tmp_path)
    rows = look_through_company(f, f.as_of)
    got = {
        r["company_id"]: (
            r["theme"],
            r["direct_fair_value"],
            r["through_fair_value"],
            r["fair_value"],
        )
        for r in rows.iter_rows(named=True)
    }
    assert got == {
        "c1": ("ai_robotics", D("12000000.00"), D("25000000.00"), D("37000000.00")),
        "c2": ("other", D("0.00"), D("7500000.00"), D("7500000.00")),
    }
    assert set(rows["fund_id"]) == {"G"}
    share = dict(rows.select("company_id", "share_of_nav").iter_rows())
    assert abs(share["c1"] - 37 / 49.52) < 1e-12


def test_the_look_through_adds_up_to_the_nav(tmp_path: Path):
    f = book(tmp_path)
    row = look_through_nav(f, f.as_of).row(0, named=True)
    assert row == {
        "fund_id": "G",
        "currency": "HKD",
        "holdings_fair_value": D("44500000.00"),
        "sub_fund_net_assets": D("20000.00"),
        "own_net_assets": D("5000000.00"),
        "nav": D("49520000.00"),
    }
    themes = theme_exposure(f, f.as_of, look_through=True)
    by_theme = dict(themes.select("theme", "fair_value").iter_rows())
    assert by_theme == {"ai_robotics": D("37000000.00"), "other": D("7500000.00")}
    assert sum(by_theme.values()) == row["holdings_fair_value"]


def test_the_fees_expenses_and_carry_it_bears_are_its_statement_in_the_sub_fund(tmp_path: Path):
    f = book(tmp_path)
    itd = capital_account_statement(f, date.fromisoformat(START), f.as_of)
    mine = itd.filter((pl.col("fund_id") == "S") & (pl.col("investor_id") == "G-LP")).row(
        0, named=True
    )
    assert mine["management_fees"] == D("500000.00")
    assert mine["partnership_expenses"] == D("100000.00")
    assert mine["carry_accrued_balance"] == D("1880000.00")
    assert mine["ending_nav"] == D("32520000.00")


MINE = ("look_through_company", "look_through_nav")


def unexplained(f: Frames, stored: Stored) -> tuple[int, list[str]]:
    """How many figures of the look-through levels were explained, and the ones whose lines
    do not give them (the other levels are the lines' sources)."""
    count, bad = 0, []
    for level in MINE:
        for row in stored.levels[level].iter_rows(named=True):
            for figure in (c for c in row if c not in LEVEL_KEYS[level]):
                lines = explain(f, stored, f.as_of, level, row, figure)
                ok, got = matches(lines, row[figure], level, stored.levels[level].schema[figure])
                count += 1
                if not ok:
                    bad.append(f"{level} {figure}: stored {row[figure]!r}, lines give {got!r}")
    return count, bad


def test_every_look_through_figure_is_explained_and_a_wrong_one_is_not(tmp_path: Path):
    f = book(tmp_path)
    stored = stored_at(f, f.as_of, ("fund", "investor", "holding", *MINE))
    count, bad = unexplained(f, stored)
    assert bad == []
    assert count == 2 * 6 + 5  # two companies' six figures, the NAV's five
    # a cent more on the sub-funds' other net assets: its lines no longer give it
    nav = stored.levels["look_through_nav"]
    column = "sub_fund_net_assets"
    wrong = nav.with_columns(pl.lit(tampered(nav[column][0]), nav.schema[column]).alias(column))
    broken = replace(stored, levels={**stored.levels, "look_through_nav": wrong})
    _, bad = unexplained(f, broken)
    assert bad == [
        f"look_through_nav {column}: stored Decimal('20000.01'), lines give Decimal('20000.00')"
    ]


# A second guidance fund H (USD), of its own programme, holding c2 directly: 0.5m USD
# invested, marked at 0.6m USD. Each guidance fund's look-through is its own, in its currency.
TWO_GUIDANCE_FUNDS = {
    **BOOK,
    "funds": [*BOOK["funds"], "H,Guidance Fund H,guidance_fund,USD,2026,ITC,,2031-03-31"],
    "commitments": [*BOOK["commitments"], f"H,gov,{START},1000000.00,USD"],
    "transactions": [
        *BOOK["transactions"],
        f"h1,{START},H,contribution,gov,,1000000.00,USD,",
        f"h2,{START},H,investment,,c2,500000.00,USD,direct",
    ],
    "valuations": [*BOOK["valuations"], f"{MARK},H,c2,600000.00,USD"],
    "fx_rates": [f"{START},USD,7.8000", f"{MARK},USD,7.8000"],
}


def write_two_guidance_funds_book(root: Path) -> Path:
    """The ledger directory of the book above with H beside G."""
    write_book(root, TWO_GUIDANCE_FUNDS)
    (root / "terms.csv").write_text(TERMS, encoding="utf-8")
    return root


def two_guidance_funds(tmp_path: Path) -> Frames:
    book, errors = read_book(write_two_guidance_funds_book(tmp_path / "ledger"))
    assert [str(e) for e in errors] == []
    return frames_from_tables(date.fromisoformat(MARK), book.rows)


def test_each_guidance_fund_has_its_own_themes_in_its_currency(tmp_path: Path):
    # The themes were the guidance funds pooled in HKD under a null fund_id, so that each
    # fund's report found no theme of its own and showed 0.00 beside its companies.
    f = two_guidance_funds(tmp_path)
    themes = theme_exposure(f, f.as_of, look_through=True)
    got = [
        (r["fund_id"], r["theme"], r["currency"], r["holdings"], r["fair_value"])
        for r in themes.iter_rows(named=True)
    ]
    assert got == [
        ("G", "ai_robotics", "HKD", 1, D("37000000.00")),
        ("G", "other", "HKD", 1, D("7500000.00")),
        ("H", "other", "USD", 1, D("600000.00")),
    ]
    companies = look_through_company(f, f.as_of)
    nav = dict(look_through_nav(f, f.as_of).select("fund_id", "holdings_fair_value").iter_rows())
    for fund_id, total in nav.items():  # a fund's themes add up to its companies
        mine = themes.filter(pl.col("fund_id") == fund_id)
        assert mine["fair_value"].sum() == total
        assert mine["share_of_fair_value"].sum() == 1.0
        assert dict(mine.select("theme", "fair_value").iter_rows()) == dict(
            companies.filter(pl.col("fund_id") == fund_id)
            .group_by("theme")
            .agg(pl.col("fair_value").sum())
            .iter_rows()
        )
    # one fund asked for: its rows alone, as before
    g = theme_exposure(f, f.as_of, look_through=True, fund_id="G")
    assert g.equals(themes.filter(pl.col("fund_id") == "G"))


def test_each_guidance_funds_themes_are_explained(tmp_path: Path):
    f = two_guidance_funds(tmp_path)
    level = "theme_look_through"
    stored = stored_at(f, f.as_of, ("fund", "investor", "holding", level))
    bad = []
    for row in stored.levels[level].iter_rows(named=True):
        for figure in ("holdings", "invested", "fair_value", "share_of_fair_value"):
            lines = explain(f, stored, f.as_of, level, row, figure)
            ok, got = matches(lines, row[figure], level, stored.levels[level].schema[figure])
            if not ok:
                bad.append(f"{row['fund_id']} {row['theme']} {figure}: {row[figure]!r} vs {got!r}")
    assert stored.levels[level].height == 3 and bad == []
