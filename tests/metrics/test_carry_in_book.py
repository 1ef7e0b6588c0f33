"""Carried interest in the book state (metrics.carry_state): docs/methods.md's worked European
waterfall booked as a ledger — valued at 2x (accrued), then sold with `carry` rows (paid) —
through `metrics --by fund|investor`, the statement, explain and the general ledger."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from pathlib import Path

import polars as pl
import pytest

from fundbook.close.explain import stored_at
from fundbook.close.identities import gl_ties
from fundbook.ledger import read_book
from fundbook.metrics.gl_ledger import general_ledger
from fundbook.metrics.performance import fund_metrics, investor_metrics
from fundbook.metrics.statement import ROLL_FORWARD, capital_account_statement
from fundbook.store.frames import Frames, frames_from_tables
from ledger_kit import write_book
from tests.metrics.explain_check import failures
from tests.metrics.test_explain import KEYS, METRIC_LEVELS

D = Decimal
TERMS = "fund_id,carry_pct,hurdle_rate,catch_up_pct,waterfall,gp_investor_id"
START, MARK, SALE = "2021-01-04", "2023-12-29", "2024-01-04"
FUND = "F,Fund F,sub_fund,HKD,2021,F GP,,2026-01-04"
BOOK = {
    "funds": [FUND],
    "investors": [f"{i},{i},social_capital," for i in ("LP1", "LP2", "GP")],
    "companies": ["d,Deal d,ai_robotics,true,HK"],
    "commitments": [
        f"F,{i},{START},{a}0000000.00,HKD" for i, a in (("LP1", 6), ("LP2", 3), ("GP", 1))
    ],
    "transactions": [
        f"c1,{START},F,contribution,LP1,,60000000.00,HKD,",
        f"c2,{START},F,contribution,LP2,,30000000.00,HKD,",
        f"c3,{START},F,contribution,GP,,10000000.00,HKD,",
        f"i1,{START},F,investment,,d,100000000.00,HKD,",
    ],
    "valuations": [f"{MARK},F,d,200000000.00,HKD"],
    "fx_rates": [],
}  # fmt: skip
SOLD = [
    f"p1,{SALE},F,proceeds,,d,200000000.00,HKD,sold at 2x",
    f"x1,{SALE},F,distribution,LP1,,108000000.00,HKD,after carry",
    f"k1,{SALE},F,carry,LP1,,12000000.00,HKD,carried interest out of LP1's 120m",
    f"x2,{SALE},F,distribution,LP2,,54000000.00,HKD,after carry",
    f"k2,{SALE},F,carry,LP2,,6000000.00,HKD,carried interest out of LP2's 60m",
    f"x3,{SALE},F,distribution,GP,,20000000.00,HKD,no carry",
]


def frames(tmp_path: Path, as_of: str, sold: bool, terms: str | None) -> Frames:
    files = {**BOOK, "transactions": [*BOOK["transactions"], *(SOLD if sold else [])]}
    if sold:
        files["valuations"] = [*BOOK["valuations"], f"{SALE},F,d,0.00,HKD"]
    root = write_book(tmp_path / "ledger", files)
    if terms is not None:
        (root / "terms.csv").write_text(f"{TERMS}\n{terms}\n", encoding="utf-8")
    book, errors = read_book(root)
    assert [str(e) for e in errors] == []
    return frames_from_tables(date.fromisoformat(as_of), book.rows)


EUROPEAN = "F,0.2,0.08,1,european,GP"


def by_investor(f: Frames, columns: tuple[str, ...]) -> dict[str, tuple[object, ...]]:
    rows = investor_metrics(f, f.as_of).select("investor_id", *columns)
    return {r[0]: r[1:] for r in rows.iter_rows()}


def test_valued_at_2x_three_years_on_the_lps_own_what_is_net_of_accrued_carry(
    tmp_path: Path,
) -> None:
    # 2024-01-04 (1,095 days): the worked example's liquidation, 18m to the GP
    f = frames(tmp_path, SALE, False, EUROPEAN)
    cols = ("nav", "nav_before_carry", "accrued_carry", "carry_paid", "tvpi", "rvpi")
    assert by_investor(f, cols) == {
        "GP": (D("20000000.00"), D("20000000.00"), D("0.00"), D("0.00"), 2.0, 2.0),
        "LP1": (D("108000000.00"), D("120000000.00"), D("12000000.00"), D("0.00"), 1.8, 1.8),
        "LP2": (D("54000000.00"), D("60000000.00"), D("6000000.00"), D("0.00"), 1.8, 1.8),
    }
    fund = fund_metrics(f, f.as_of).row(0, named=True)
    assert (fund["nav"], fund["nav_before_carry"], fund["accrued_carry"]) == (
        D("182000000.00"),
        D("200000000.00"),
        D("18000000.00"),
    )
    assert fund["tvpi"] == pytest.approx(1.82) and fund["gross_moic"] == 2.0


def test_sold_with_carry_rows_nothing_is_left_accrued(tmp_path: Path) -> None:
    f = frames(tmp_path, SALE, True, EUROPEAN)
    cols = ("distributed", "carry_paid", "accrued_carry", "nav", "tvpi", "dpi")
    assert by_investor(f, cols) == {
        "GP": (D("20000000.00"), D("0.00"), D("0.00"), D("0.00"), 2.0, 2.0),
        "LP1": (D("108000000.00"), D("12000000.00"), D("0.00"), D("0.00"), 1.8, 1.8),
        "LP2": (D("54000000.00"), D("6000000.00"), D("0.00"), D("0.00"), 1.8, 1.8),
    }
    fund = fund_metrics(f, f.as_of).row(0, named=True)
    assert (fund["cash"], fund["carry_paid"], fund["nav"]) == (D("0.00"), D("18000000.00"), 0)


def test_the_statement_rolls_forward_through_carry_paid_and_accrued(tmp_path: Path) -> None:
    f = frames(tmp_path, SALE, True, EUROPEAN)
    # December 2023: the deal marked at 2x on the 29th, carry accrues; January 2024: the sale
    # pays 12m of LP1's carry and releases what had accrued
    dec = capital_account_statement(f, date(2023, 12, 1), date(2023, 12, 31))
    jan = capital_account_statement(f, date(2024, 1, 1), f.as_of)
    for st in (dec, jan):
        for row in st.iter_rows(named=True):
            moved = sum(((row[line] or D(0)) * sign for line, sign in ROLL_FORWARD), D(0))
            assert row["beginning_nav"] + moved == row["ending_nav"], row
    d1 = dec.filter(pl.col("investor_id") == "LP1").row(0, named=True)
    j1 = jan.filter(pl.col("investor_id") == "LP1").row(0, named=True)
    assert d1["beginning_nav"] == D("60000000.00") and d1["carry_paid"] == 0
    assert d1["carry_accrued_change"] == d1["carry_accrued_balance"] > D("11000000")
    assert d1["ending_nav"] == D("120000000.00") - d1["carry_accrued_balance"]
    assert (j1["beginning_nav"], j1["carry_paid"]) == (d1["ending_nav"], D("12000000.00"))
    assert j1["carry_accrued_change"] == -d1["carry_accrued_balance"]
    assert (j1["carry_accrued_balance"], j1["ending_nav"]) == (D("0.00"), D("0.00"))
    total = jan.filter(pl.col("investor_id").is_null()).row(0, named=True)
    assert (total["carry_paid"], total["carry_accrued_balance"]) == (D("18000000.00"), D(0))


@pytest.mark.parametrize("sold", [False, True], ids=["accrued", "paid"])
def test_partners_net_nav_plus_accrued_carry_is_the_nav_before_carry(
    tmp_path: Path, sold: bool
) -> None:
    f = frames(tmp_path, SALE, sold, EUROPEAN)
    inv = investor_metrics(f, f.as_of)
    assert (inv["nav"] + inv["accrued_carry"] == inv["nav_before_carry"]).all()
    fund = fund_metrics(f, f.as_of)
    assert fund["nav_before_carry"][0] == inv["nav_before_carry"].sum()
    assert fund["accrued_carry"][0] == inv["accrued_carry"].sum()


def test_without_carry_terms_the_carry_figures_are_null_and_nav_unchanged(
    tmp_path: Path,
) -> None:
    f = frames(tmp_path, SALE, False, None)
    inv = investor_metrics(f, f.as_of)
    assert inv["nav"].to_list() == [D("20000000.00"), D("120000000.00"), D("60000000.00")]
    for col in ("nav_before_carry", "accrued_carry", "carry_paid", "clawback_exposure"):
        assert inv[col].null_count() == inv.height, col
    st = capital_account_statement(f, date(2023, 12, 1), f.as_of)
    assert st["carry_accrued_balance"].null_count() == st.height


@pytest.mark.parametrize("sold", [False, True], ids=["accrued", "paid"])
def test_every_figure_is_explained_and_the_ledger_ties(tmp_path: Path, sold: bool) -> None:
    f = frames(tmp_path, SALE, sold, EUROPEAN)
    stored = stored_at(f, f.as_of, METRIC_LEVELS)
    count, bad = failures(f, stored, f.as_of, KEYS)
    assert not bad, "\n".join(bad[:20])
    assert count > 100
    ledger = general_ledger(f, f.as_of)
    accrued = ledger.filter(pl.col("account") == "accrued_carried_interest")
    # sold: nothing accrued after January's closing entry (the balance before it, December's
    # accrual, still shows)
    assert accrued["closed_balance"].to_list() == [D("0.00") if sold else D("-18000000.00")]
    assert gl_ties(ledger, stored.levels["fund"], stored.statements) == []


def test_a_book_with_carry_rows_closes_and_explains_its_carry(tmp_path: Path) -> None:
    """The sold book, `carry` rows and all, closes month by month (the close's ties: the
    booked rows' NAV and capital accounts, the general ledger); `explain` gives the fund's
    accrued carry, its carry paid and a partner's, from the closed snapshot."""
    from click.testing import CliRunner

    from fundbook.cli import cli

    def run(*args: str) -> str:
        result = CliRunner().invoke(cli, list(args), catch_exceptions=False)
        assert result.exit_code == 0, result.output
        return result.output

    files = {**BOOK, "transactions": [*BOOK["transactions"], *SOLD]}
    files["valuations"] = [*BOOK["valuations"], f"{SALE},F,d,0.00,HKD"]
    root = write_book(tmp_path / "ledger", files)
    (root / "terms.csv").write_text(f"{TERMS}\n{EUROPEAN}\n", encoding="utf-8")
    db = str(tmp_path / "book.duckdb")
    run("import", str(root), "--db", db, "--quiet")
    for period in ("2023-12", "2024-01"):
        run("close", period, "--db", db, "--ledger", str(root), "--carry-forward-valuations")
    dec = run("explain", "accrued_carry", "--fund", "F", "--as-of", "2023-12-31", "--db", db)
    assert "accrued_carry of investor LP1" in dec and "accrued_carry of investor LP2" in dec
    paid = run("explain", "carry_paid", "--fund", "F", "--as-of", "2024-01-31", "--db", db)
    assert "18,000,000.00" in paid or "18000000.00" in paid
    mine = run(
        "explain", "carry_paid", "--fund", "F", "--investor", "LP1", "--as-of", "2024-01-31",
        "--db", db,
    )  # fmt: skip
    assert "12,000,000.00" in mine or "12000000.00" in mine
