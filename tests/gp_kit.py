"""A small book with a sub-fund held without its ledger (sf3) and GP statements, for tests."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from fundbook.ledger import read_book
from fundbook.store.frames import Frames, frames_from_tables
from ledger_kit import SMALL_BOOK, write_book

# gf holds sf1 (ledger in the book, through gf-lp) and sf3 (no ledger: only gf's own rows).
GP_BOOK = {
    **SMALL_BOOK,
    "funds": [*SMALL_BOOK["funds"], "sf3,Sub-fund Three,sub_fund,HKD,2026,Gamma GP,gf,2031-03-31"],
    "transactions": [
        *SMALL_BOOK["transactions"],
        "t10,2026-01-20,gf,investment,,sf3,40.00,HKD,call 1",
        "t11,2026-06-10,gf,investment,,sf3,5.00,HKD,call 2",
        "t12,2026-06-20,gf,proceeds,,sf3,3.00,HKD,distribution 1",
    ],
    # sf3's Q1 statement (NAV 38.00) received 50 days late; its Q2 one arrives after June.
    # sf1's Q1 statement disagrees with the book (its NAV 60.00; gf-lp's account is 56.25).
    "gp_statements": [
        "2026-03-31,gf,sf3,38.00,HKD,2026-05-20,40.00,0.00,1.50,",
        "2026-06-30,gf,sf3,44.00,HKD,2026-08-14,45.00,3.00,3.00,",
        "2026-03-31,gf,sf1,60.00,HKD,2026-05-10,50.00,0.00,1.25,0.00",
    ],
    "gp_holdings": [
        "2026-03-31,gf,sf3,c1,100.00,120.00,HKD",
        "2026-03-31,gf,sf3,c2,50.00,40.00,HKD",
    ],
}


def gp_book(root: Path, **overrides: list[str]) -> Path:
    return write_book(root, GP_BOOK, **overrides)


def gp_frames(root: Path, as_of: date, **overrides: list[str]) -> Frames:
    book, errors = read_book(gp_book(root, **overrides))
    assert errors == [], errors
    return frames_from_tables(as_of, book.rows)
