"""Helpers for close tests: a small closed book, the CLI, and row counts."""

from __future__ import annotations

from pathlib import Path

import duckdb
from click.testing import CliRunner, Result

from fundbook.cli import cli
from ledger_kit import SMALL_BOOK, write_book

TABLES = (
    "transactions",
    "valuations",
    "postings",
    "imports",
    "closes",
    "snapshot_fund",
    "snapshot_investor",
    "close_statements",
    "period_locks",
    "close_reopenings",
)


def book(tmp_path: Path, **overrides: list[str]) -> tuple[Path, Path]:
    """A fresh database path and the small ledger (with `overrides`) written next to it."""
    ledger = write_book(tmp_path / "ledger", SMALL_BOOK, **overrides)
    return tmp_path / "book.duckdb", ledger


def run(*args: str) -> Result:
    """Run the fundbook CLI in-process."""
    return CliRunner().invoke(cli, list(args), catch_exceptions=False)


def counts(db: Path) -> dict[str, int]:
    """Row counts of the tables a close touches (read with plain DuckDB)."""
    con = duckdb.connect(str(db), read_only=True)
    try:
        out = {}
        for table in TABLES:
            rows = con.execute(f"SELECT count(*) FROM {table}").fetchall()  # test-only SQL
            out[table] = int(rows[0][0])
        return out
    finally:
        con.close()


def plain_sql(db: Path, statement: str) -> None:
    """Change the book behind fundbook's back, as a tamperer with DuckDB would."""
    con = duckdb.connect(str(db))
    try:
        con.execute(statement)
    finally:
        con.close()
