"""A booked row missing from the ledger directory is an error naming the file and the key."""

from __future__ import annotations

from pathlib import Path

import pytest

from fundbook.core.errors import LedgerErrors
from fundbook.store.db import connect
from fundbook.store.importer import import_book, table_counts
from ledger_kit import SMALL_BOOK, write_book

T = SMALL_BOOK["transactions"]
NOTE = "booked rows never change and the ledger directory is their source: put the row back"


def booked(tmp_path: Path) -> tuple[Path, Path]:
    db = tmp_path / "book.duckdb"
    root = write_book(tmp_path / "ledger")
    con = connect(db)
    try:
        import_book(con, root)
    finally:
        con.close()
    return db, root


def import_errors(db: Path, root: Path) -> list[str]:
    con = connect(db)
    try:
        before = table_counts(con)
        with pytest.raises(LedgerErrors) as caught:
            import_book(con, root)
        assert table_counts(con) == before
    finally:
        con.close()
    return [str(e).replace(f"{root}/", "") for e in caught.value.errors]


def test_deleted_rows_are_errors(tmp_path: Path) -> None:
    db, root = booked(tmp_path)
    rates = SMALL_BOOK["fx_rates"]
    write_book(root, transactions=[r for r in T if not r.startswith("t3,")], fx_rates=rates[1:])
    assert import_errors(db, root) == [
        f"fx_rates.csv:2: booked row date, currency '2025-12-31, USD' (import 1) is missing "
        f"from the file; {NOTE}",
        f"transactions.csv:4: booked row txn_id 't3' (import 1) is missing from the file; {NOTE}",
    ]


def test_deleted_rows_are_reported_with_new_rows_too(tmp_path: Path) -> None:
    db, root = booked(tmp_path)
    kept = [r for r in T if not r.startswith("t9,")]
    write_book(root, transactions=[*kept, "t10,2026-03-06,sf1,fee,,,1.00,HKD,"])
    assert import_errors(db, root) == [
        f"transactions.csv:10: booked row txn_id 't9' (import 1) is missing from the file; {NOTE}"
    ]


def test_emptied_file_reports_every_booked_row(tmp_path: Path) -> None:
    db, root = booked(tmp_path)
    write_book(root, valuations=[])
    assert import_errors(db, root) == [
        f"valuations.csv:2: booked row date, fund_id, holding_id '2026-03-31, sf1, c1' "
        f"(import 1) is missing from the file; {NOTE}",
        f"valuations.csv:3: booked row date, fund_id, holding_id '2026-03-31, sf2, c2' "
        f"(import 1) is missing from the file; {NOTE}",
    ]


def test_unchanged_directory_still_books_nothing(tmp_path: Path) -> None:
    db, root = booked(tmp_path)
    con = connect(db)
    try:
        assert import_book(con, root).total_new == 0
    finally:
        con.close()


def test_a_file_that_cannot_be_read_does_not_hide_a_missing_row_elsewhere(tmp_path: Path) -> None:
    db, root = booked(tmp_path)
    rates = SMALL_BOOK["fx_rates"]
    write_book(root, fx_rates=rates[1:])
    header = (root / "companies.csv").read_text().splitlines()
    header[0] += ",colour"
    (root / "companies.csv").write_text("\n".join(line + "," for line in header[:1]) + "\n")
    errors = import_errors(db, root)
    assert any(e.startswith("companies.csv:1: unknown column 'colour'") for e in errors), errors
    assert any(e.startswith("fx_rates.csv:2: booked row date, currency") for e in errors), errors
