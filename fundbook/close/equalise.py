"""Later closings: `fundbook equalise` (their rows, from the ledger) and the close's check."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import duckdb
import polars as pl

from fundbook.core.errors import FundbookError, LedgerErrors
from fundbook.core.types import TRANSACTION_COLUMNS
from fundbook.ledger import read_book
from fundbook.metrics.equalisation import equalisation_rows
from fundbook.store.db import frame, sql
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


def write_rows(rows: pl.DataFrame, out: Path | None, ledger_dir: str | Path | None = None) -> str:
    """The rows as CSV lines without a header, ready to append to transactions.csv, in the
    columns of that file's header (`out`'s, else the ledger's; optional columns it has and
    the rows do not are left empty); with `out`, appended to that file (created with the
    header when it does not exist)."""
    header = _header(out) or _header(Path(ledger_dir) / "transactions.csv" if ledger_dir else None)
    columns = header or list(TRANSACTION_COLUMNS)
    shaped = rows.select(
        pl.col(c).cast(pl.String) if c in rows.columns else pl.lit(None, pl.String).alias(c)
        for c in columns
    )
    text = shaped.write_csv(include_header=False, line_terminator="\n")
    if out is None:
        return text
    if not out.exists():
        out.write_text(",".join(columns) + "\n" + text, encoding="utf-8")
        return text
    existing = out.read_bytes()
    joiner = "" if not existing or existing.endswith(b"\n") else "\n"
    with out.open("a", encoding="utf-8") as f:
        f.write(joiner + text)
    return text


def _header(path: Path | None) -> list[str] | None:
    """The column names of a CSV file's first line (None when there is no such file)."""
    if path is None or not path.is_file():
        return None
    with path.open(encoding="utf-8-sig") as f:
        first = f.readline().strip()
    return [c.strip() for c in first.split(",")] if first else None


def equalisation_due(
    con: duckdb.DuckDBPyConnection, start: dt.date, end: dt.date, ledger: str | None
) -> tuple[list[str], list[str]]:
    """The later closings dated from `start` to `end` (`close_equalisation_due`), as problems
    and warnings. A partner admitted after capital was called, in a fund whose terms give an
    equalisation rate, needs its equalisation_contribution rows, dated from the closing to
    `end`: else a problem naming the command that writes them. A fund whose terms give no
    rate (or that has no terms row) is re-balanced without interest: a warning."""
    rows = frame(con, sql("close_equalisation_due"), {"start": start, "end": end})
    problems, warnings = [], []
    where = f"{ledger}/transactions.csv" if ledger else "<ledger>/transactions.csv"
    for r in rows.filter(pl.col("called_before")).iter_rows(named=True):
        fund, lp, day = r["fund_id"], r["investor_id"], r["closing"]
        if not r["has_rate"]:
            warnings.append(
                f"fund {fund}: the later closing of {day} (investor {lp}) was re-balanced "
                "without equalisation interest (terms.csv gives the fund no equalisation_rate)"
            )
        elif not r["equalised"]:
            problems.append(
                f"fund {fund}: investor {lp} was admitted at the later closing of {day} but "
                f"its equalisation is not booked (no equalisation_contribution dated {day} .. "
                f"{end}); run `fundbook equalise --fund {fund} --closing {day} --out {where}`, "
                "then close again"
            )
    return problems, list(dict.fromkeys(warnings))
