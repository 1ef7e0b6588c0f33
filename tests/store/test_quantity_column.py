"""The `quantity` column through the book: booked, read back, and hashed (a set, changed or
removed quantity changes its row's line)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from pathlib import Path

import pytest

from fundbook.core.errors import LedgerErrors
from fundbook.store import chain
from fundbook.store.db import connect
from fundbook.store.frames import load_frames
from fundbook.store.importer import import_book
from ledger_kit import HEADERS, SMALL_BOOK, write_book

T = [row + "," for row in SMALL_BOOK["transactions"]]
T[4] = "t5,2026-02-01,sf1,investment,,c1,120.00,HKD,,100.5"
END = dt.date(2026, 12, 31)


def _book(tmp_path: Path, rows: list[str], quantity: bool = True) -> Path:
    root = write_book(tmp_path / "ledger")
    header = HEADERS["transactions"] + (",quantity" if quantity else "")
    text = "\n".join([header, *rows]) + "\n"
    (root / "transactions.csv").write_text(text, encoding="utf-8")
    return root


def _digest(con, table: str = "transactions") -> chain.Digest:
    found = next(t for t in chain.tables(con) if t.name == table)
    rows = chain.table_rows(con, found, seq=1, locators=False)
    return chain.digest(found, rows.column("line"))


def test_quantities_are_booked_and_read_back(tmp_path: Path) -> None:
    con = connect(tmp_path / "book.duckdb")
    import_book(con, _book(tmp_path, T))
    txns = load_frames(con, END).transactions
    got = dict(txns.select("txn_id", "quantity").iter_rows())
    assert got["t5"] == Decimal("100.5") and got["t4"] is None


def test_a_changed_quantity_is_a_conflict(tmp_path: Path) -> None:
    con = connect(tmp_path / "book.duckdb")
    import_book(con, _book(tmp_path, T))
    changed = [*T[:4], T[4].replace(",100.5", ",100.6"), *T[5:]]
    with pytest.raises(LedgerErrors, match="already booked with different content"):
        import_book(con, _book(tmp_path, changed))


def test_a_set_quantity_changes_the_digest(tmp_path: Path) -> None:
    con = connect(tmp_path / "book.duckdb")
    import_book(con, _book(tmp_path, SMALL_BOOK["transactions"], quantity=False))
    before = _digest(con)
    con.execute("UPDATE transactions SET quantity = 1 WHERE txn_id = 't5'")
    one = _digest(con)
    con.execute("UPDATE transactions SET quantity = 2 WHERE txn_id = 't5'")
    assert len({before, one, _digest(con)}) == 3
