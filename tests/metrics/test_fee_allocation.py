"""A booked fee is allocated to partners by their computed fees, not by commitment share
(issue 12): hand-worked numbers in the capital accounts, the GL and the statement; a fund
without fee terms is unchanged. docs/methods.md, *Booked fees in the capital accounts*."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from decimal import Decimal
from pathlib import Path

import polars as pl
import pytest
from fee_kit import write_fee_book

from fundbook.metrics import general_ledger
from fundbook.metrics.fee_allocation import attributed_fees
from fundbook.metrics.money import from_cents
from fundbook.metrics.state import book_state
from fundbook.metrics.statement import ROLL_FORWARD, capital_account_statement
from fundbook.store.db import open_book
from fundbook.store.frames import Frames, load_frames
from fundbook.store.importer import import_book
from ledger_kit import write_book

D = Decimal
AS_OF = date(2025, 5, 31)
TXN_HEADER = (
    "txn_id,date,fund_id,type,investor_id,holding_id,amount,currency,memo,quantity,"
    "service_start,service_end,category"
)
# Fund G: A and B commit 100,000,000 each (50 : 50), B has a 25 % side letter: 2 % a year on
# commitment, in advance, so a full quarter computes A 500,000.00 and B 375,000.00 (100 : 75).
# 2025Q1's invoice (one fund-level row) is 900,000.00: over-billed by 25,000.00. 2025Q2's is
# 875,000.00 with the quarter as its service period, recognised day by day.
BOOK = {
    "funds": ["G,Fund G,sub_fund,HKD,2025,G GP Ltd,,2029-12-31"],
    "investors": ["A,Partner A,social_capital,", "B,Partner B,social_capital,"],
    "companies": ["c1,Alpha Robotics,ai_robotics,true,HK"],
    "commitments": ["G,A,2025-01-01,100000000.00,HKD", "G,B,2025-01-01,100000000.00,HKD"],
    "transactions": [
        "t1,2025-01-01,G,contribution,A,,10000000.00,HKD,,,,,",
        "t2,2025-01-01,G,contribution,B,,10000000.00,HKD,,,,,",
        "t3,2025-01-02,G,fee,,,900000.00,HKD,2025Q1 fee,,,,",
        "t4,2025-04-01,G,fee,,,875000.00,HKD,2025Q2 fee,,2025-04-01,2025-06-30,",
    ],
    "valuations": [],
    "fx_rates": [],
    "investor_terms": ["G,B,0.25,"],
}
TERMS = "fund_id,fee_rate_investment_period,fee_basis_investment_period,fee_timing\n"
TERMS_G = TERMS + "G,0.02,commitment,quarterly_advance\n"


def _frames(root: Path, terms: str | None, as_of: date = AS_OF) -> Frames:
    ledger = write_book(root / "ledger", BOOK)
    txns = ledger / "transactions.csv"
    txns.write_text(TXN_HEADER + "\n" + "\n".join(BOOK["transactions"]) + "\n", "utf-8")
    if terms is not None:
        (ledger / "terms.csv").write_text(terms, encoding="utf-8")
    with open_book(root / "book.duckdb") as con:
        import_book(con, ledger)
        return load_frames(con, as_of)


@pytest.fixture
def with_terms(tmp_path: Path) -> Frames:
    return _frames(tmp_path, TERMS_G)


def _fees(frames: Frames, at: date) -> dict[str, Decimal]:
    accounts = book_state(frames, at).accounts
    return dict(accounts.select("investor_id", from_cents(pl.col("alloc_fees"))).iter_rows())


def _navs(frames: Frames, at: date) -> dict[str, Decimal]:
    accounts = book_state(frames, at).accounts
    return dict(accounts.select("investor_id", from_cents(pl.col("nav"))).iter_rows())


def test_a_fund_level_fee_splits_by_computed_fees_not_commitments(with_terms: Frames) -> None:
    # 900,000.00 x 500,000 / 875,000 = 514,285.714..., x 375,000 / 875,000 = 385,714.285...:
    # the left-over cent to the larger remainder (B's .571 against A's .428)
    at = date(2025, 3, 31)
    assert _fees(with_terms, at) == {"A": D("514285.71"), "B": D("385714.29")}
    assert _navs(with_terms, at) == {"A": D("9485714.29"), "B": D("9614285.71")}
    shares = attributed_fees(with_terms, at)
    assert shares.select("investor_id", "quarter_start").rows() == [
        ("A", date(2025, 1, 1)),
        ("B", date(2025, 1, 1)),
    ]


def test_a_fee_over_its_service_period_splits_as_recognised(with_terms: Frames) -> None:
    # 2025Q2's 875,000.00 at 31 May: 61 of 91 days, 586,538.46 (half-even), split 500 : 375:
    # 335,164.834... and 251,373.626...: A 335,164.83, B 251,373.63; plus 2025Q1's shares
    assert _fees(with_terms, AS_OF) == {
        "A": D("514285.71") + D("335164.83"),
        "B": D("385714.29") + D("251373.63"),
    }
    funds = book_state(with_terms, AS_OF).funds
    assert funds.select(from_cents(pl.col("common_fees"))).item() == D("0.00")


def test_the_gl_ties_partner_by_partner(with_terms: Frames) -> None:
    gl = general_ledger(with_terms, AS_OF)
    capital = gl.filter(pl.col("section") == "capital").select(
        pl.col("account").str.strip_prefix("partners_capital:"), "closed_balance"
    )
    navs = _navs(with_terms, AS_OF)
    assert dict(capital.iter_rows()) == {k: -v for k, v in navs.items()}
    fees = gl.filter(pl.col("account") == "management_fees")["balance"].item()
    # May's fees: 875,000.00 x 61/91 to 31 May less x 30/91 to 30 April (half-even each)
    assert fees == D("586538.46") - D("288461.54")


def test_without_fee_terms_the_fee_splits_by_commitment_as_before(tmp_path: Path) -> None:
    frames = _frames(tmp_path, None)
    assert _fees(frames, date(2025, 3, 31)) == {"A": D("450000.00"), "B": D("450000.00")}
    assert attributed_fees(frames, AS_OF).height == 0


def test_nothing_to_attribute_by_keeps_the_commitment_share(tmp_path: Path) -> None:
    # both partners billed on their own for 2025Q1 in full: the fund's row is left to the
    # commitment shares (the quarter has nothing unbilled to split it by)
    own = [
        "o1,2025-01-02,G,fee,A,,500000.00,HKD,,,,,",
        "o2,2025-01-02,G,fee,B,,375000.00,HKD,,,,,",
    ]
    BOOK_OWN = {**BOOK, "transactions": [*BOOK["transactions"][:2], *own, BOOK["transactions"][2]]}
    ledger = write_book(tmp_path / "ledger", BOOK_OWN)
    rows = "\n".join(BOOK_OWN["transactions"])
    (ledger / "transactions.csv").write_text(f"{TXN_HEADER}\n{rows}\n", "utf-8")
    (ledger / "terms.csv").write_text(TERMS_G, encoding="utf-8")
    with open_book(tmp_path / "book.duckdb") as con:
        import_book(con, ledger)
        frames = load_frames(con, date(2025, 3, 31))
    assert _fees(frames, date(2025, 3, 31)) == {
        "A": D("500000.00") + D("450000.00"),
        "B": D("375000.00") + D("450000.00"),
    }


@pytest.fixture
def fee_kit_frames(tmp_path: Path) -> Iterator[Frames]:
    ledger = write_fee_book(tmp_path / "ledger")
    with open_book(tmp_path / "book.duckdb") as con:
        import_book(con, ledger)
        yield load_frames(con, date(2025, 12, 31))


def _by_investor(st: pl.DataFrame, column: str) -> dict[str | None, Decimal]:
    return dict(st.select("investor_id", column).iter_rows())


def test_statement_fees_gross_of_offsets_and_the_roll_forward(fee_kit_frames: Frames) -> None:
    # docs/methods.md's worked fee schedule: 2025Q3's offsets (due 1 July, in advance) are
    # A 184,615.38 and B 55,384.62 (240,000.00); the fund's invoice of 216,875.00 is 10,000.00
    # over the computed 206,875.00, so 10,000.00 of the offsets were not applied: applied A
    # 176,923.07 and B 53,076.93 (each partner's excess, 7,692.31 and 2,307.69, off its
    # offset); the invoice is allocated A 166,826.93 and B 50,048.07 (by computed fees).
    # Gross = allocated + offsets applied.
    st = capital_account_statement(fee_kit_frames, date(2025, 7, 1), date(2025, 9, 30))
    assert _by_investor(st, "fee_offsets") == {
        "A": D("176923.07"),
        "B": D("53076.93"),
        "GP": D("0.00"),
        None: D("230000.00"),
    }
    assert _by_investor(st, "management_fees") == {
        "A": D("166826.93") + D("176923.07"),
        "B": D("50048.07") + D("53076.93"),
        "GP": D("0.00"),
        None: D("216875.00") + D("230000.00"),
    }
    for row in st.iter_rows(named=True):
        moved = sum(((row[line] or D(0)) * sign for line, sign in ROLL_FORWARD), D(0))
        assert row["beginning_nav"] + moved == row["ending_nav"], row
    # 2025Q4: no invoice, the fees wholly offset (A 187,500.00, B 56,250.00)
    q4 = capital_account_statement(fee_kit_frames, date(2025, 10, 1), date(2025, 12, 31))
    assert _by_investor(q4, "management_fees") == _by_investor(q4, "fee_offsets")
    assert _by_investor(q4, "fee_offsets")["A"] == D("187500.00")


def test_no_fee_terms_leaves_fee_offsets_null(tmp_path: Path) -> None:
    frames = _frames(tmp_path, None)
    st = capital_account_statement(frames, date(2025, 1, 1), AS_OF)
    assert st["fee_offsets"].null_count() == st.height
    assert _by_investor(st, "management_fees") == {
        "A": D("450000.00") + D("293269.23"),
        "B": D("450000.00") + D("293269.23"),
        None: D("900000.00") + D("586538.46"),
    }
