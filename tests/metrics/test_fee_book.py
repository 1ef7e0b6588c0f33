"""The fee schedule fed from the book (docs/methods.md's worked example as a ledger) and the
booked fees checked against it, per partner and per fund."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from decimal import ROUND_HALF_EVEN, Decimal
from pathlib import Path

import polars as pl
import pytest
from fee_kit import FEE_BOOK, TERMS, write_fee_book

from fundbook.metrics.fee_book import book_fee_schedule, fee_basis, fee_check
from fundbook.metrics.state import book_state
from fundbook.store.db import open_book
from fundbook.store.frames import Frames, load_frames
from fundbook.store.importer import import_book
from tests.metrics.test_fees import WORKED

D = Decimal
THROUGH = date(2025, 12, 31)


@pytest.fixture
def frames(tmp_path: Path) -> Iterator[Frames]:
    ledger = write_fee_book(tmp_path / "ledger")
    with open_book(tmp_path / "book.duckdb") as con:
        import_book(con, ledger)
        yield load_frames(con, THROUGH)


def test_the_basis_is_the_book_state_at_each_quarter_opening(frames: Frames) -> None:
    # 71,000,000 invested on 2025-05-15, attributed 100 : 40 : 2 (A, B, GP)
    nic = fee_basis(frames, THROUGH).sort("quarter_start", "investor_id")
    assert nic.select("investor_id", "quarter_start", "net_invested_capital").rows() == [
        (who, date(2025, m, 1), D(x))
        for m in (7, 10)
        for who, x in (("A", "50000000.00"), ("B", "20000000.00"), ("GP", "1000000.00"))
    ]


def test_the_book_gives_the_worked_schedule_to_the_cent(frames: Frames) -> None:
    fees = book_fee_schedule(frames, THROUGH).fees.filter(pl.col("pays_fee"))
    columns = ("fee_catch_up", "fee_gross", "fee_discount", "fee_offset", "fee_net")
    got = fees.select("investor_id", "quarter", "due_date", *columns).rows()
    expected = [
        (who, quarter, date.fromisoformat(due), *(D(x) for x in money))
        for who, quarter, due, *money in (line.split() for line in WORKED.strip().splitlines())
    ]
    assert got == expected


def test_booked_fees_per_partner_and_the_over_billing(frames: Frames) -> None:
    partners, totals = fee_check(frames, THROUGH)
    q3 = partners.filter(pl.col("quarter") == "2025Q3", pl.col("pays_fee"))
    # the fund's 216,875.00 split by the computed net fees 159,134.62 : 47,740.38
    assert q3.select("investor_id", "booked", "difference").rows() == [
        ("A", D("166826.93"), D("7692.31")),
        ("B", D("50048.07"), D("2307.69")),
    ]
    # Q2: B's own row is its fee; the fund's invoice is attributed to what is left (A's)
    q2 = partners.filter(pl.col("quarter") == "2025Q2", pl.col("pays_fee"))
    assert q2.select("investor_id", "booked_own", "booked_fund_share", "difference").rows() == [
        ("A", D("0.00"), D("500000.00"), D("0.00")),
        ("B", D("225000.00"), D("0.00"), D("0.00")),
    ]
    assert totals.select(
        "quarter", "fee_net", "booked", "difference", "within_tolerance"
    ).rows() == [
        ("2025Q1", D("250000.00"), D("250000.00"), D("0.00"), True),
        ("2025Q2", D("725000.00"), D("725000.00"), D("0.00"), True),
        ("2025Q3", D("206875.00"), D("216875.00"), D("10000.00"), False),
        ("2025Q4", D("0.00"), D("0.00"), D("0.00"), True),
    ]


def test_only_ended_quarters_are_checked(frames: Frames) -> None:
    _, totals = fee_check(frames, date(2025, 11, 30))
    assert totals["quarter"].to_list() == ["2025Q1", "2025Q2", "2025Q3"]


def test_a_book_without_fee_terms_has_no_check(tmp_path: Path) -> None:
    ledger = write_fee_book(tmp_path / "ledger", terms="F,,,,,,,,")
    with open_book(tmp_path / "book.duckdb") as con:
        import_book(con, ledger)
        partners, totals = fee_check(load_frames(con, THROUGH), THROUGH)
    assert partners.height == totals.height == 0


# C is admitted on 2025-11-01, after the investment period (2025-08-15): no capital account at
# 2025Q4's opening, so its basis is taken at the close of its admission day.
LATE = {
    "investors": [*FEE_BOOK["investors"], "C,Partner C,social_capital,"],
    "commitments": [*FEE_BOOK["commitments"], "F,C,2025-11-01,20000000.00,HKD"],
}


def _late_frames(root: Path, basis: str) -> Frames:
    terms = TERMS.replace("net_invested_capital", basis)
    ledger = write_fee_book(root / "ledger", terms=terms, **LATE)
    with open_book(root / "book.duckdb") as con:
        import_book(con, ledger)
        return load_frames(con, THROUGH)


def test_a_partner_admitted_after_the_period_pays_from_its_admission(tmp_path: Path) -> None:
    frames = _late_frames(tmp_path, "net_invested_capital")
    basis = fee_basis(frames, THROUGH).filter(pl.col("investor_id") == "C")
    # the 71,000,000 of cost on 2025-11-01 by 100 : 2 : 40 : 20, largest remainder: C 20 / 162
    assert basis.select("quarter_start", "net_invested_capital").rows() == [
        (date(2025, 10, 1), D("8765432.10"))
    ]
    fees = book_fee_schedule(frames, THROUGH).fees.filter(
        (pl.col("investor_id") == "C") & (pl.col("quarter") == "2025Q4")
    )
    # its own 61 days of 92 (1 November to 31 December) at 1.5 % / 4 on 8,765,432.10 =
    # 21,794.48, and the catch-up of the investment period on its commitment: 2 % / 4 x
    # 20,000,000 x (45/90 + 91/91 + 46/92) = 200,000.00
    assert fees.select("due_date", "fee_catch_up", "fee_gross").rows() == [
        (date(2025, 11, 1), D("200000.00"), D("221794.48"))
    ]
    # the partners already in keep their basis at the quarter's opening
    others = fee_basis(frames, THROUGH).filter(pl.col("quarter_start") == date(2025, 10, 1))
    assert others.filter(pl.col("investor_id") == "A")["net_invested_capital"].to_list() == [
        D("50000000.00")
    ]


def test_on_a_nav_basis_too(tmp_path: Path) -> None:
    frames = _late_frames(tmp_path, "nav")
    accounts = book_state(frames, date(2025, 11, 1)).accounts
    nav = D(int(accounts.filter(pl.col("investor_id") == "C")["nav"][0])).scaleb(-2)
    basis = fee_basis(frames, THROUGH).filter(pl.col("investor_id") == "C")
    assert basis.select("quarter_start", "nav").rows() == [(date(2025, 10, 1), nav)]
    fees = book_fee_schedule(frames, THROUGH).fees.filter(
        (pl.col("investor_id") == "C") & (pl.col("quarter") == "2025Q4")
    )
    own = (nav * D("0.015") / 4 * 61 / 92).quantize(D("0.01"), ROUND_HALF_EVEN)
    assert fees["fee_gross"].to_list() == [D("200000.00") + own]
