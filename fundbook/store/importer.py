"""Importing a ledger directory: validate against what is booked, then append atomically."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import duckdb
import polars as pl

from fundbook.core.errors import LedgerErrors
from fundbook.core.login import login_name
from fundbook.ledger import FILES, read_book
from fundbook.ledger.book import Book
from fundbook.ledger.commentary import COMMENTARY_DIR
from fundbook.ledger.csvfile import LINE
from fundbook.ledger.spec import typed_schema
from fundbook.store.chain import record_event
from fundbook.store.commentary import book_commentary, new_commentary
from fundbook.store.db import frame as db_frame
from fundbook.store.db import rollback, scalar, sql

Progress = Callable[[str], None]


@dataclass
class ImportResult:
    """What an import booked: new rows per file (zero everywhere when nothing was new)."""

    ledger_dir: str
    import_id: int | None
    new_rows: dict[str, int] = field(default_factory=dict)
    postings: int = 0  # lines the cash journal (`postings`) gained
    chain_hash: str | None = None  # the import's event in the hash chain (None: nothing new)

    @property
    def total_new(self) -> int:
        return sum(self.new_rows.values())


class BookedInDuckDB:
    """The rows already booked, answered by DuckDB (file rows are compared there, not pulled)."""

    def __init__(self, con: duckdb.DuckDBPyConnection):
        self.con = con
        self.counts = table_counts(con)

    def classify(self, name: str, rows: pl.DataFrame) -> pl.DataFrame:
        if self.counts.get(name, 0) == 0:
            return rows.select(
                LINE,
                pl.lit(True).alias("is_new"),
                pl.lit(False).alias("is_conflict"),
                pl.lit(None, dtype=pl.String).alias("booked_at"),
            )
        self.con.register("file_rows", rows)
        try:
            flags = db_frame(self.con, sql(f"split/{name}"))
        finally:
            self.con.unregister("file_rows")
        return flags.with_columns(pl.col(LINE).cast(pl.Int32))

    def missing(self, name: str, rows: pl.DataFrame) -> pl.DataFrame:
        if self.counts.get(name, 0) == 0:
            return pl.DataFrame(schema={LINE: pl.Int32, "import_id": pl.Int32})
        self.con.register("file_rows", rows)
        try:
            return db_frame(self.con, sql(f"missing/{name}"))
        finally:
            self.con.unregister("file_rows")

    def rows(self, name: str) -> pl.DataFrame | None:
        if self.counts.get(name, 0) == 0:
            return None
        frame = db_frame(self.con, sql(f"booked/{name}"))
        return frame.cast(typed_schema(FILES[name]))  # type: ignore[arg-type]


def locked_through(con: duckdb.DuckDBPyConnection) -> dt.date | None:
    """The last day of the latest closed period, or None when nothing is closed."""
    value = scalar(con, sql("locked_through"))
    return value if isinstance(value, dt.date) else None


def ledger_hash(ledger_dir: Path) -> str:
    """SHA-256 over the ledger files (name and bytes, in name order)."""
    digest = hashlib.sha256()
    for spec in sorted(FILES.values(), key=lambda s: s.filename):
        path = ledger_dir / spec.filename
        if path.is_file():
            digest.update(spec.filename.encode())
            digest.update(path.read_bytes())
    notes = ledger_dir / COMMENTARY_DIR
    for path in sorted(notes.glob("*.md")) if notes.is_dir() else []:
        digest.update(f"{COMMENTARY_DIR}/{path.name}".encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()


def validate(
    con: duckdb.DuckDBPyConnection, ledger_dir: str | Path, progress: Progress | None = None
) -> Book:
    """Read and validate the book against the database; raise LedgerErrors with every problem."""
    locked = locked_through(con)
    book, errors = read_book(ledger_dir, BookedInDuckDB(con), locked, progress)
    book.commentary, more = new_commentary(con, Path(ledger_dir), locked)
    if errors or more:
        raise LedgerErrors([*errors, *more])
    return book


def import_book(
    con: duckdb.DuckDBPyConnection,
    ledger_dir: str | Path,
    progress: Progress | None = None,
    in_transaction: bool = False,
) -> ImportResult:
    """Validate `ledger_dir` and append its new rows in one transaction (the cash journal,
    `postings`, is a view over them).

    Idempotent: a book already imported books nothing. With `in_transaction` the caller owns
    BEGIN/COMMIT (the close imports and closes atomically).
    """
    ledger_dir = Path(ledger_dir)
    if not in_transaction:
        con.begin()
    try:
        result = _import(con, ledger_dir, progress)
        if not in_transaction:
            con.commit()
    except BaseException:
        if not in_transaction:
            rollback(con)
        raise
    return result


def _import(
    con: duckdb.DuckDBPyConnection, ledger_dir: Path, progress: Progress | None
) -> ImportResult:
    book = validate(con, ledger_dir, progress)
    counts = book.new_counts()
    if book.commentary.height:
        counts["commentary"] = book.commentary.height
    con.execute(sql("set_meta"), {"key": "ledger_dir", "value": str(ledger_dir)})
    if sum(counts.values()) == 0:
        return ImportResult(str(ledger_dir), None, counts)
    import_id = int(scalar(con, sql("next_import_id")))
    for name, frame in book.new.items():
        if frame.height == 0:
            continue
        if progress:
            progress(f"booking {frame.height:,} new rows of {FILES[name].filename}")
        rows = frame.with_columns(pl.lit(FILES[name].filename).alias("source_file"))
        con.register("new_rows", rows)
        con.execute(sql(f"insert/{name}"), {"import_id": import_id})
        con.unregister("new_rows")
    if book.commentary.height:
        book_commentary(con, book.commentary, import_id)
    # the lines of this import in the cash journal (`postings`, a view over transactions)
    posted = int(scalar(con, sql("import_journal_lines"), {"import_id": import_id}))
    con.execute(
        sql("record_import"),
        {
            "import_id": import_id,
            "ledger_dir": str(ledger_dir),
            "new_rows": sum(counts.values()),
            "counts_json": json.dumps(counts, sort_keys=True),
            "content_hash": ledger_hash(ledger_dir),
            "imported_by": login_name(),
        },
    )
    head = record_event(con, "import", None, None, import_id)
    return ImportResult(str(ledger_dir), import_id, counts, posted, head)


def table_counts(con: duckdb.DuckDBPyConnection) -> dict[str, int]:
    """Row counts of the book's tables."""
    return {name: int(n) for name, n in con.execute(sql("table_counts")).fetchall()}
