"""The `quantity` column through the book: booked, read back, and hashed so that books made
before it (without the column) hash and verify as they did."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from pathlib import Path

import pytest

from fundbook.close.audit import fresh_book
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


def test_rows_without_a_quantity_hash_as_without_the_column(tmp_path: Path) -> None:
    """A book made before the column: its rows' lines and header are those of today's rows
    with no quantity, so its recorded events still verify."""
    con = connect(tmp_path / "book.duckdb")
    import_book(con, _book(tmp_path, SMALL_BOOK["transactions"], quantity=False))
    with_column = _digest(con)
    con.execute("ALTER TABLE transactions DROP COLUMN quantity")
    assert _digest(con) == with_column


def test_a_set_quantity_changes_the_digest(tmp_path: Path) -> None:
    con = connect(tmp_path / "book.duckdb")
    import_book(con, _book(tmp_path, SMALL_BOOK["transactions"], quantity=False))
    before = _digest(con)
    con.execute("UPDATE transactions SET quantity = 1 WHERE txn_id = 't5'")
    one = _digest(con)
    con.execute("UPDATE transactions SET quantity = 2 WHERE txn_id = 't5'")
    assert len({before, one, _digest(con)}) == 3


def test_a_book_made_before_the_column_is_read_read_only(tmp_path: Path) -> None:
    """Opened read-only (metrics, explain, audit reproduce), a book made before the column has
    not gained it: its frames hold null quantities, and its rows rebuild a fresh book."""
    path = tmp_path / "book.duckdb"
    con = connect(path)
    import_book(con, _book(tmp_path, SMALL_BOOK["transactions"], quantity=False))
    con.execute("ALTER TABLE transactions DROP COLUMN quantity")  # as made before it
    con.close()
    old = connect(path, read_only=True)
    txns = load_frames(old, END).transactions
    assert txns.height == len(T) and txns["quantity"].null_count() == len(T)
    fresh = fresh_book(old, {"import_watermark": 1, "period_end": END})
    assert fresh.execute("SELECT count(*) FROM transactions").fetchall() == [(len(T),)]
