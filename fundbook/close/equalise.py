"""`fundbook equalise`: the equalisation rows of a later closing, from the ledger directory."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import polars as pl

from fundbook.core.errors import FundbookError, LedgerErrors
from fundbook.ledger import read_book
from fundbook.metrics.equalisation import TRANSACTION_COLUMNS, equalisation_rows
from fundbook.store.frames import frames_from_tables


def equalise(ledger_dir: str | Path, fund_id: str, closing: dt.date) -> pl.DataFrame:
    """The rows equalising `fund_id`'s closing of `closing` (transactions.csv columns), from
    the ledger files as they are (validated first; the book is not read or written)."""
    ledger = Path(ledger_dir)
    if not ledger.is_dir():
        raise FundbookError(f"ledger directory {ledger} not found (use --ledger DIR)")
    book, errors = read_book(ledger)
    if errors:
        raise LedgerErrors(errors)
    if book.rows["funds"].filter(pl.col("fund_id") == fund_id).height == 0:
        raise FundbookError(f"unknown fund {fund_id!r} (not in {ledger / 'funds.csv'})")
    return equalisation_rows(frames_from_tables(closing, book.rows), fund_id, closing)


def write_rows(rows: pl.DataFrame, out: Path | None) -> str:
    """The rows as CSV lines without a header, ready to append to transactions.csv; with
    `out`, appended to that file (created with the header when it does not exist)."""
    text = rows.select(TRANSACTION_COLUMNS).write_csv(include_header=False, line_terminator="\n")
    if out is None:
        return text
    if not out.exists():
        out.write_text(",".join(TRANSACTION_COLUMNS) + "\n" + text, encoding="utf-8")
        return text
    existing = out.read_bytes()
    joiner = "" if not existing or existing.endswith(b"\n") else "\n"
    with out.open("a", encoding="utf-8") as f:
        f.write(joiner + text)
    return text
