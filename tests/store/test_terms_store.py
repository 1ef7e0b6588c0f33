"""terms.csv and investor_terms.csv in the book: booked once, never changed, in the frames
and the hash chain."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from pathlib import Path

import duckdb
import pytest

from fundbook.close.ledger import ledger_rows, trial_balance
from fundbook.close.verify import verify_chain
from fundbook.core.errors import LedgerErrors
from fundbook.store.db import connect
from fundbook.store.frames import load_frames
from fundbook.store.importer import import_book, table_counts
from ledger_kit import SMALL_BOOK, write_book

T = SMALL_BOOK["transactions"]


@pytest.fixture
def con(tmp_path: Path) -> duckdb.DuckDBPyConnection:
    return connect(tmp_path / "book.duckdb")


def test_terms_are_booked_and_read_into_frames(tmp_path: Path, con) -> None:
    result = import_book(con, write_book(tmp_path / "b", terms=["sf1,0.08", "sf2,"]))
    assert result.new_rows["terms"] == 2 and table_counts(con)["terms"] == 2
    terms = load_frames(con, dt.date(2026, 3, 31)).terms
    assert terms.select("fund_id", "equalisation_rate").rows() == [
        ("sf1", Decimal("0.08000000")),
        ("sf2", None),
    ]
    assert all(check.ok for check in verify_chain(con))


def test_a_book_without_terms_imports_as_before(tmp_path: Path, con) -> None:
    import_book(con, write_book(tmp_path / "b"))
    assert table_counts(con)["terms"] == 0
    assert load_frames(con, dt.date(2026, 3, 31)).terms.height == 0


def test_booked_terms_never_change(tmp_path: Path, con) -> None:
    import_book(con, write_book(tmp_path / "b", terms=["sf1,0.08"]))
    root = write_book(tmp_path / "c", terms=["sf1,0.07"])
    with pytest.raises(LedgerErrors) as info:
        import_book(con, root)
    assert [str(e) for e in info.value.errors] == [
        f"{root}/terms.csv:2: fund_id 'sf1' is already booked with different content (booked "
        "from terms.csv:2); booked rows never change: add a reversing or adjusting row instead"
    ]


def test_equalisation_rows_post_and_the_trial_balance_balances(tmp_path: Path, con) -> None:
    rows = [
        *T,
        "t10,2026-03-10,sf1,equalisation_contribution,gf-lp,,10.00,HKD,catch-up",
        "t11,2026-03-10,sf1,equalisation_distribution,pen,,10.00,HKD,recallable",
        "t12,2026-03-10,sf1,equalisation_interest_received,gf-lp,,0.40,HKD,interest in",
        "t13,2026-03-10,sf1,equalisation_interest_paid,pen,,0.30,HKD,interest out",
        "t14,2026-03-10,gf,investment,,sf1,10.00,HKD,mirror of t10",
        "t15,2026-03-10,gf,investment,,sf1,0.40,HKD,mirror of t12",
    ]
    import_book(con, write_book(tmp_path / "b", transactions=rows))
    tb = trial_balance(ledger_rows(con, dt.date(2026, 3, 31)))
    payable = [r for r in tb.accounts.records() if r["account"] == "equalisation_interest_payable"]
    # received 0.40, passed on 0.30: 0.10 still owed to the earlier partners (a liability)
    assert [(r["fund_id"], r["debit"], r["credit"]) for r in payable] == [
        ("sf1", Decimal("0.00"), Decimal("0.10"))
    ]
    assert tb.unbalanced == 0


TERMS_HEADER = (
    "fund_id,equalisation_rate,fee_rate_investment_period,fee_basis_investment_period,"
    "fee_rate_after,fee_basis_after,fee_timing,fee_offset_pct,carry_pct,hurdle_rate,"
    "catch_up_pct,waterfall,gp_investor_id,fee_tolerance"
)


def _lpa_book(root: Path, side: list[str]) -> Path:
    write_book(root, investor_terms=side)
    row = "sf1,,0.02,commitment,0.015,nav,quarterly_arrears,1,0.2,0.08,1,american,pen,"
    (root / "terms.csv").write_text(f"{TERMS_HEADER}\n{row}\n", encoding="utf-8")
    return root


def test_fee_and_carry_terms_and_side_letters_are_booked_hashed_and_framed(
    tmp_path: Path, con
) -> None:
    result = import_book(con, _lpa_book(tmp_path / "b", ["sf1,gf-lp,0.25,true"]))
    assert result.new_rows["investor_terms"] == 1 and table_counts(con)["investor_terms"] == 1
    frames = load_frames(con, dt.date(2026, 3, 31))
    terms = frames.terms.row(0, named=True)
    assert (terms["fee_basis_after"], terms["waterfall"], terms["fee_tolerance"]) == (
        "nav",
        "american",
        None,
    )
    assert frames.investor_terms.rows() == [("sf1", "gf-lp", Decimal("0.25000000"), True)]
    assert all(check.ok for check in verify_chain(con))
    assert import_book(con, _lpa_book(tmp_path / "b", ["sf1,gf-lp,0.25,true"])).total_new == 0


def test_a_booked_side_letter_never_changes_nor_goes(tmp_path: Path, con) -> None:
    import_book(con, _lpa_book(tmp_path / "b", ["sf1,gf-lp,0.25,true"]))
    changed = _lpa_book(tmp_path / "c", ["sf1,gf-lp,0.30,true"])
    with pytest.raises(LedgerErrors) as info:
        import_book(con, changed)
    assert [str(e) for e in info.value.errors] == [
        f"{changed}/investor_terms.csv:2: fund_id, investor_id 'sf1, gf-lp' is already booked "
        "with different content (booked from investor_terms.csv:2); booked rows never change: "
        "add a reversing or adjusting row instead"
    ]
    gone = _lpa_book(tmp_path / "d", [])
    with pytest.raises(LedgerErrors) as info:
        import_book(con, gone)
    assert [str(e) for e in info.value.errors] == [
        f"{gone}/investor_terms.csv:2: booked row fund_id, investor_id 'sf1, gf-lp' (import 1) "
        "is missing from the file; booked rows never change and the ledger directory is their "
        "source: put the row back"
    ]
