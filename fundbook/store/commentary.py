"""The commentary in the book: new versions of the ledger's files, and the texts of a quarter."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import duckdb
import polars as pl

from fundbook.core.errors import LedgerError
from fundbook.ledger.commentary import SCHEMA, quarter_end, read_commentary
from fundbook.store.db import frame, sql


def booked_commentary(con: duckdb.DuckDBPyConnection) -> pl.DataFrame:
    """The latest booked version of every commentary file."""
    return frame(con, sql("commentary_latest")).cast(SCHEMA)  # type: ignore[arg-type]


def new_commentary(
    con: duckdb.DuckDBPyConnection, ledger_dir: Path, locked_through: dt.date | None
) -> tuple[pl.DataFrame, list[LedgerError]]:
    """The commentary files whose bytes differ from their latest booked version, and the
    problems: those of each file (`read_commentary`), and a change to a closed quarter's."""
    files, errors = read_commentary(ledger_dir)
    booked = booked_commentary(con).select("quarter", "lang", pl.col("sha256").alias("booked"))
    changed = files.join(booked, on=["quarter", "lang"], how="left").filter(
        pl.col("booked").is_null() | (pl.col("booked") != pl.col("sha256"))
    )
    for row in changed.iter_rows(named=True):
        end = quarter_end(row["quarter"])
        if locked_through is not None and end <= locked_through:
            errors.append(
                LedgerError(
                    str(ledger_dir / row["source_file"]),
                    0,
                    f"{row['quarter']} is closed (locked through {locked_through}): its "
                    "commentary is booked and cannot change",
                )
            )
    return changed.drop("booked"), errors


def book_commentary(con: duckdb.DuckDBPyConnection, rows: pl.DataFrame, import_id: int) -> None:
    """Append `rows` (new versions) to the book under `import_id`."""
    con.register("new_commentary", rows)
    try:
        con.execute(sql("commentary_insert"), {"import_id": import_id})
    finally:
        con.unregister("new_commentary")


def quarter_commentary(con: duckdb.DuckDBPyConnection, quarter: str) -> dict[str, str]:
    """The texts of `quarter` (e.g. 2026Q3) by language, as last booked."""
    latest = booked_commentary(con).filter(pl.col("quarter") == quarter)
    return dict(latest.select("lang", "text").iter_rows())
