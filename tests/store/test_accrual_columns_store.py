"""The accrual columns through DuckDB: booked as read, part of a row's content, and loaded
(rows dated later but already in service come as `accruing`)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import duckdb
import pytest

from fundbook.core.errors import LedgerErrors
from fundbook.store.db import connect
from fundbook.store.frames import load_frames
from fundbook.store.importer import import_book
from ledger_kit import HEADERS, SMALL_BOOK, write_book

HEADER = HEADERS["transactions"] + ",service_start,service_end,category"
ROWS = [f"{row},,," for row in SMALL_BOOK["transactions"]]
AUDIT = "t10,2026-04-10,sf1,expense,,,3.10,HKD,,2026-03-01,2026-03-31,audit_tax"


def ledger(root: Path, *extra: str) -> Path:
    write_book(root)
    text = "\n".join([HEADER, *ROWS, *extra]) + "\n"
    (root / "transactions.csv").write_text(text, encoding="utf-8")
    return root


@pytest.fixture
def con(tmp_path: Path) -> duckdb.DuckDBPyConnection:
    return connect(tmp_path / "book.duckdb")


def test_booked_and_loaded(tmp_path: Path, con: duckdb.DuckDBPyConnection) -> None:
    import_book(con, ledger(tmp_path / "b", AUDIT))
    booked = con.execute(
        "SELECT service_start, service_end, category FROM transactions WHERE txn_id = 't10'"
    ).fetchall()
    assert booked == [(dt.date(2026, 3, 1), dt.date(2026, 3, 31), "audit_tax")]
    march = load_frames(con, dt.date(2026, 3, 31))
    assert march.accruing["txn_id"].to_list() == ["t10"]
    assert "t10" not in march.transactions["txn_id"].to_list()
    assert load_frames(con, dt.date(2026, 2, 28)).accruing.height == 0
    april = load_frames(con, dt.date(2026, 4, 30))
    assert april.accruing.height == 0 and "t10" in april.transactions["txn_id"].to_list()


def test_a_changed_category_is_a_conflict(tmp_path: Path, con: duckdb.DuckDBPyConnection) -> None:
    root = ledger(tmp_path / "b", AUDIT)
    import_book(con, root)
    ledger(root, AUDIT.replace("audit_tax", "legal"))
    with pytest.raises(LedgerErrors) as caught:
        import_book(con, root)
    assert str(caught.value) == (
        f"{root}/transactions.csv:11: txn_id 't10' is already booked with different content "
        "(booked from transactions.csv:11); booked rows never change: add a reversing or "
        "adjusting row instead"
    )
