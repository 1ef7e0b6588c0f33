"""Reading a whole book: every file parsed, checked and typed; new rows told from booked ones."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Protocol

import polars as pl

from fundbook.core.errors import LedgerError
from fundbook.ledger import calls, checks, index_levels, mirror, quantities
from fundbook.ledger.csvfile import LINE, parse_csv, read_csv_bytes
from fundbook.ledger.fields import check_file
from fundbook.ledger.spec import DERIVED, FILES, OPTIONAL_FILES, FileSpec, typed_schema

Progress = Callable[[str], None]


@dataclass
class Book:
    """A validated book: `rows` holds every row of the files, `new` those not yet booked."""

    ledger_dir: Path
    rows: dict[str, pl.DataFrame] = field(default_factory=dict)
    new: dict[str, pl.DataFrame] = field(default_factory=dict)
    # the commentary files whose text is new to the book (ledger.commentary; set by the import)
    commentary: pl.DataFrame = field(default_factory=pl.DataFrame)

    def new_counts(self) -> dict[str, int]:
        return {name: frame.height for name, frame in self.new.items()}


def empty_frame(spec: FileSpec) -> pl.DataFrame:
    """A typed frame with no rows, for a file absent from the database."""
    return pl.DataFrame(schema=typed_schema(spec))


def _display(ledger_dir: Path, spec: FileSpec) -> str:
    return str(ledger_dir / spec.filename)


def read_files(
    ledger_dir: Path, progress: Progress | None = None
) -> tuple[dict[str, pl.DataFrame], list[LedgerError]]:
    """Parse and check each file on its own; a missing file is one error (an optional one,
    spec.OPTIONAL_FILES, is read as empty).

    A file that cannot be read at all (missing, not UTF-8, bad header) is left out of the
    returned frames, so that checks across files do not report its absence row by row.
    """
    frames: dict[str, pl.DataFrame] = {}
    errors: list[LedgerError] = []
    try:
        if not ledger_dir.is_dir():
            return {}, [LedgerError(str(ledger_dir), 0, "ledger directory does not exist")]
    except OSError as exc:
        return {}, [LedgerError(str(ledger_dir), 0, f"cannot read: {exc.strerror}")]
    for spec in FILES.values():
        display = _display(ledger_dir, spec)
        path = ledger_dir / spec.filename
        if progress:
            progress(f"reading {display}")
        try:
            if not path.is_file():
                if spec.name in OPTIONAL_FILES:
                    frames[spec.name] = empty_frame(spec).with_columns(
                        pl.lit(display).alias("source_file")
                    )
                else:
                    errors.append(LedgerError(display, 0, "missing file"))
                continue
            text, errs = read_csv_bytes(path, display)
        except OSError as exc:
            errors.append(LedgerError(display, 0, f"cannot read: {exc.strerror}"))
            continue
        errors += errs
        raw = None
        if text is not None:
            raw, errs = parse_csv(text, display, spec.required, spec.optional)
            errors += errs
        if raw is None:
            continue
        typed, errs = check_file(raw, spec, display)
        errors += errs
        frames[spec.name] = typed.with_columns(pl.lit(display).alias("source_file"))
    return frames, errors


class Booked(Protocol):
    """What the database already holds, as the store layer answers it."""

    def classify(self, name: str, rows: pl.DataFrame) -> pl.DataFrame:
        """Per file row (`source_line`): `is_new`, `is_conflict`, `booked_at`."""
        ...

    def rows(self, name: str) -> pl.DataFrame | None:
        """Every booked row of a ledger table, typed like a read file (None when empty)."""
        ...

    def missing(self, name: str, rows: pl.DataFrame) -> pl.DataFrame:
        """Booked rows whose key is not among `rows`: the key, `source_line`, `import_id`."""
        ...


def _missing_errors(
    name: str, rows: pl.DataFrame, booked: Booked, display: str
) -> list[LedgerError]:
    """An error for each booked row no longer in the file, at the line it was booked from."""
    key = list(FILES[name].key)
    label = ", ".join(key)
    return [
        LedgerError(
            display,
            r[LINE],
            f"booked row {label} '{', '.join(str(r[k]) for k in key)}' (import "
            f"{r['import_id']}) is missing from the file; booked rows never change and the "
            "ledger directory is their source: put the row back",
        )
        for r in booked.missing(name, rows).iter_rows(named=True)
    ]


def _split_new(
    name: str, rows: pl.DataFrame, booked: Booked | None, display: str
) -> tuple[pl.DataFrame, list[LedgerError]]:
    """Rows not yet booked, and an error for each key booked with different content or
    booked but missing from the file."""
    if booked is None:
        return rows, []
    missing = _missing_errors(name, rows, booked, display)
    if rows.height == 0:
        return rows, missing
    spec = FILES[name]
    flags = booked.classify(name, rows)
    if flags.height == rows.height and flags["is_new"].all():  # nothing booked yet: no join
        return rows, missing
    joined = rows.join(flags, on=LINE, how="left", maintain_order="left")
    key = list(spec.key)
    label = ", ".join(key)
    conflicts = joined.filter(pl.col("is_conflict"))
    errors = [
        LedgerError(
            r["source_file"],
            r[LINE],
            f"{label} '{', '.join(str(r[k]) for k in key)}' is already booked with "
            f"different content (booked from {r['booked_at']}); booked rows never "
            "change: add a reversing or adjusting row instead",
        )
        for r in conflicts.iter_rows(named=True)
    ]
    new = joined.filter(pl.col("is_new")).select(rows.columns)
    return new, errors + missing


def _lock_errors(new: dict[str, pl.DataFrame], locked_through: dt.date | None) -> list[LedgerError]:
    if locked_through is None:
        return []
    errors = []
    for name in ("commitments", "transactions", "valuations", "fx_rates", "index_levels"):
        if name not in new:  # a file that could not be read: reported already
            continue
        hits = new[name].filter(pl.col("date") <= locked_through)
        errors += [
            LedgerError(
                f,
                line,
                f"row dated {d} falls in a closed period (the book is closed "
                f"through {locked_through}); closed periods never change: book a "
                f"reversing or adjusting row dated after {locked_through} instead",
            )
            for f, line, d in hits.select("source_file", LINE, "date").iter_rows()
        ]
    if "transactions" in new:
        errors += _service_lock_errors(new["transactions"], locked_through)
    if "calls" in new:
        errors += _call_lock_errors(new["calls"], locked_through)
    return errors


def _call_lock_errors(new: pl.DataFrame, locked_through: dt.date) -> list[LedgerError]:
    """A call is known from its notice: one noticed in a closed period would change what the
    closed periods' reports showed (their flows name their calls)."""
    hits = new.filter(pl.col("notice_date") <= locked_through)
    return [
        LedgerError(
            f,
            line,
            f"call noticed {d} falls in a closed period (the book is closed through "
            f"{locked_through}); closed periods never change: notice the call after "
            f"{locked_through}",
        )
        for f, line, d in hits.select("source_file", LINE, "notice_date").iter_rows()
    ]


def _gp_lock_errors(
    new: dict[str, pl.DataFrame], every: dict[str, pl.DataFrame], locked_through: dt.date | None
) -> list[LedgerError]:
    """A GP statement (or a line of its schedule of investments) received on or before the lock
    would change what the closed periods valued: it is known from its received_date."""
    if locked_through is None:
        return []
    key = ["statement_date", "fund_id", "holding_id"]
    received = every["gp_statements"].select(*key, "received_date")
    holdings = new["gp_holdings"].join(received, on=key, how="inner", maintain_order="left")
    errors = []
    for frame in (new["gp_statements"], holdings):
        hits = frame.filter(pl.col("received_date") <= locked_through)
        errors += [
            LedgerError(
                f,
                line,
                f"GP statement received {d} falls in a closed period (the book is closed "
                f"through {locked_through}); closed periods never change: a statement received "
                f"later carries a received_date after {locked_through}",
            )
            for f, line, d in hits.select("source_file", LINE, "received_date").iter_rows()
        ]
    return errors


def _service_lock_errors(new: pl.DataFrame, locked_through: dt.date) -> list[LedgerError]:
    """A fee or expense dated after the lock whose service period starts in a closed period
    would change what the closed periods expensed."""
    hits = new.filter(
        (pl.col("date") > locked_through) & (pl.col("service_start") <= locked_through)
    )
    return [
        LedgerError(
            f,
            line,
            f"service_start {start} falls in a closed period (the book is closed through "
            f"{locked_through}); closed periods never change: start the service period after "
            f"{locked_through}",
        )
        for f, line, start in hits.select("source_file", LINE, "service_start").iter_rows()
    ]


def read_book(
    ledger_dir: str | Path,
    booked: Booked | None = None,
    locked_through: dt.date | None = None,
    progress: Progress | None = None,
) -> tuple[Book, list[LedgerError]]:
    """Read and validate the book at `ledger_dir` against the rows already `booked`.

    Returns the book and every problem found; an empty list means it may be written.
    """
    ledger_dir = Path(ledger_dir)
    frames, errors = read_files(ledger_dir, progress)
    book = Book(ledger_dir)
    for name, frame in frames.items():  # every readable file against its booked rows
        new, errs = _split_new(name, frame, booked, _display(ledger_dir, FILES[name]))
        errors += errs
        book.new[name] = new
    errors += _lock_errors(book.new, locked_through)
    if len(frames) < len(FILES):  # the checks across files need every file
        return book, errors
    if sum(f.height for f in book.new.values()) == 0:
        book.rows = frames
        return book, errors
    if progress:
        progress("checking references, FX, commitments and cash")
    every = {n: _union(book.new[n], booked.rows(n) if booked else None) for n in FILES}
    errors += checks.reference_errors(every)
    for name, out in DERIVED.items():
        amount = "fair_value" if name == "valuations" else "amount"
        converted, errs = checks.convert_to_fund_currency(every[name], amount, out, every)
        errors += errs
        every[name] = converted
    errors += checks.commitment_errors(every)
    errors += checks.terms_errors(every)
    errors += checks.carry_errors(every)
    errors += checks.cash_errors(every)
    errors += checks.valuation_errors(every)
    errors += checks.portfolio_fee_errors(every)
    errors += mirror.mirror_errors(every)
    errors += checks.gp_errors(every)
    errors += calls.call_errors(every)
    errors += index_levels.index_errors(every)
    errors += _gp_lock_errors(book.new, every, locked_through)
    errors += quantities.holding_errors(every)
    for name in DERIVED:
        book.new[name] = _with_derived(book.new[name], every[name], name)
    book.rows = {n: f.drop("_new") for n, f in every.items()}
    return book, errors


def _union(new: pl.DataFrame, booked: pl.DataFrame | None) -> pl.DataFrame:
    """Booked rows then new rows, with `_new` telling them apart (order kept)."""
    marked = new.with_columns(pl.lit(True).alias("_new"))
    if booked is None or booked.height == 0:
        return marked
    old = booked.select(new.columns).with_columns(pl.lit(False).alias("_new"))
    return pl.concat([old, marked], how="vertical_relaxed")


def _with_derived(new: pl.DataFrame, every: pl.DataFrame, name: str) -> pl.DataFrame:
    out = DERIVED[name]
    return new.with_columns(every.select(pl.col(out).filter(pl.col("_new"))).to_series())
