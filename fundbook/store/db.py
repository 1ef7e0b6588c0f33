"""Opening the DuckDB book: path resolution, schema, the SQL files, and the book-in-use lock."""

from __future__ import annotations

import fcntl
import os
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

import duckdb

from fundbook.core.errors import (
    BookInUse,
    FundbookError,
    NotABook,
    SchemaVersionMismatch,
    StorageError,
)
from fundbook.core.resources import resource_dir
from fundbook.core.table import MONEY, NUMBER, OTHER, Rows

if TYPE_CHECKING:
    import polars as pl  # only `frame` returns one: commands that print rows never import it

DEFAULT_DB = "fundbook.duckdb"
# 5: service periods, quantity, terms, equalisation (issue 11); 6: quantity in the table
# and hashed like every column; 7: FX translation (issue 11); 8: fee and carry terms,
# investor_terms (issue 12); 9: the portfolio_fee posting rule (issue 12); 10: the fund's
# terms in the snapshot's fund_info; 11: the fee check in the snapshot (snapshot_fee_check);
# 12: the statement lines a fund without terms does not model (fee offsets, carry) nullable;
# 13: carried interest in the fund and investor levels (accrued_carry, nav_before_carry, ...);
# 14: grant matching deadline and status (terms.matching_deadline_months, issue 13)
# 15: the guidance fund's look-through by company and its NAV (snapshot_look_through_company,
# snapshot_look_through_nav)
# 16: GP statements and holdings, terms' valuation_source and gp_tolerance, the holding
# level's lag_days, the reconcile level (issue 13)
# 17: investors.strategic; the programme level per scope, the programme_fund level (issue 13)
# 18: the holding level's gp_fees_itd and gp_carry_accrued (the costs a GP statement reports
# inside a sub-fund valued from it); the reconcile level's source_file and source_line
# 19: the theme level per programme (snapshot_theme.programme); the grant level's
# matching_hkd (a programme's grants and matching summed in HKD)
# 20: the programme and programme_fund levels' government_unfunded; the cash_flow level's
# invested and received (issue 14, the board's page 1)
# 21: calls (calls.csv) and the transactions' call_id; the flow level's call_id and
# call_notice_date (issue 14)
# 22: the IRR policy (issue 14): terms.irr_nm_months; the fund and investor levels'
# irr_since, irr_nm_months, net_irr_nm (and the fund's gross_irr_nm); fund_info's irr_nm_months;
# the commentary table (commentary/<quarter>[.<lang>].md of the ledger)
# 23: the fund level's interest_payable (the LP report's reconciliation of holdings to NAV);
# the programme level's government_not_committed (the budget's headroom, issue 14); the
# fee_check level's fee_net_hkd, booked_hkd, difference_hkd (at the as-of rate)
# 24: the commitment pacing forecast (issue 15): levels forecast, forecast_parameters and
# forecast_programme; terms.ta_rc_1, ta_rc_2, ta_rc_3, ta_bow, ta_growth, ta_growth_sd, ta_life
# (and fund_info's)
# 25: index_levels (index_levels.csv) and terms.pme_index; the public market equivalents'
# levels pme_fund, pme_investor, pme_programme; fund_info's pme_index (issue 15)
# 26: access_tokens, the web dashboard's tokens (stored hashed; outside the hash chain)
SCHEMA_VERSION = "26"


def resolve_db_path(cli_value: str | os.PathLike[str] | None) -> Path:
    """`--db PATH`, else `$FUNDBOOK_DB`, else `fundbook.duckdb` in the current directory."""
    if cli_value:
        return Path(cli_value)
    env = os.environ.get("FUNDBOOK_DB")
    return Path(env) if env else Path(DEFAULT_DB)


def sql_dir() -> Path:
    """The folder of .sql files: the copy inside an installed wheel, or the repository's `sql/`."""
    return resource_dir("sql", "schema.sql")


@cache
def sql(name: str) -> str:
    """The text of `sql/<name>.sql`."""
    return (sql_dir() / f"{name}.sql").read_text(encoding="utf-8")


def apply_schema(con: duckdb.DuckDBPyConnection) -> None:
    """Create every table and view if missing, and seed the chart of accounts."""
    if scalar(con, sql("migrate_postings_table")):
        con.execute(sql("drop_postings_table"))
    con.execute(sql("schema"))
    con.execute(sql("posting_rules"))
    for extra in sorted(sql_dir().glob("schema_*.sql")):
        con.execute(extra.read_text(encoding="utf-8"))
    con.execute(sql("set_meta"), {"key": "schema_version", "value": SCHEMA_VERSION})


# Every connection: DuckDB never installs or loads an extension on its own (opening a file of
# another format would otherwise fetch a reader for it over the network).
DUCKDB_CONFIG = {"autoinstall_known_extensions": False, "autoload_known_extensions": False}
_DUCKDB_MAGIC = b"DUCK"  # bytes 8 to 12 of every DuckDB database file
# Causes from the operating system worth showing as they are (DuckDB puts them in its messages).
_OS_CAUSES = (
    "No space left on device",
    "Disk quota exceeded",
    "Read-only file system",
    "Permission denied",
    "File name too long",
)


def open_duckdb(
    database: str | os.PathLike[str] = ":memory:", *, read_only: bool = False
) -> duckdb.DuckDBPyConnection:
    """A DuckDB connection with fundbook's settings (extension autoinstall and autoload off).

    Every connection fundbook opens goes through here, `:memory:` ones included."""
    con = duckdb.connect(str(database), read_only=read_only, config=dict(DUCKDB_CONFIG))
    con.execute(sql("connection_settings"))
    return con


def connect(path: str | os.PathLike[str], *, read_only: bool = False) -> duckdb.DuckDBPyConnection:
    """Open (creating if needed) the book at `path`, check its schema version, apply the schema."""
    path = Path(path)
    with storage_errors(path):
        if read_only and not path.exists():
            raise FundbookError(
                f"no book at {path}: run `fundbook init` and `fundbook import` first"
            )
        _refuse_non_duckdb(path)
        if path.parent and not path.parent.exists():
            path.parent.mkdir(parents=True, exist_ok=True)
        try:
            con = open_duckdb(path, read_only=read_only)
        except duckdb.IOException as exc:
            if "lock" in str(exc).lower():
                raise BookInUse(f"the book {path} is in use by another fundbook process") from exc
            if os_cause(exc) is not None:
                raise  # a StorageError naming the cause, just below
            raise FundbookError(f"cannot open {path}: {exc}") from exc
    try:
        check_book(con, path)
        if not read_only:
            apply_schema(con)
    except BaseException:
        con.close()
        raise
    return con


def _refuse_non_duckdb(path: Path) -> None:
    """A file that exists but is not a DuckDB database is never handed to DuckDB."""
    if not path.exists():
        return
    with path.open("rb") as handle:
        head = handle.read(12)
    if head[8:12] != _DUCKDB_MAGIC:
        raise NotABook(
            f"{path} is not a fundbook book (not a DuckDB database file): check --db or "
            "$FUNDBOOK_DB"
        )


def check_book(con: duckdb.DuckDBPyConnection, path: Path) -> None:
    """Refuse a DuckDB file of other tables, or a book of another schema version, before
    anything is written to it."""
    tables = {row[0] for row in con.execute(sql("book_tables")).fetchall()}
    if not tables:
        return  # a new, empty database: the schema is applied to it
    if "book_meta" not in tables:
        raise NotABook(
            f"{path} is a DuckDB database but not a fundbook book (it has no book_meta table): "
            "check --db or $FUNDBOOK_DB"
        )
    version = scalar(con, sql("get_meta"), {"key": "schema_version"})
    if version != SCHEMA_VERSION:
        raise SchemaVersionMismatch(_version_advice(path, version))
    macros = [row[0] for row in con.execute(sql("book_macros")).fetchall()]
    if macros:
        raise NotABook(
            f"the book {path} defines SQL macros ({', '.join(macros)}), which fundbook never "
            "creates: one could change what its queries compute; the book may have been "
            "tampered with (nothing was read or written)"
        )


def _version_advice(path: Path, version: str | None) -> str:
    has = f"schema version {version}" if version else "no schema version"
    newer = bool(version and version.isdigit() and SCHEMA_VERSION.isdigit()) and int(
        str(version)
    ) > int(SCHEMA_VERSION)
    todo = (
        "it was written by a newer fundbook: use that version"
        if newer
        else "use the fundbook that wrote it, or rebuild the book with this one from its "
        "ledger folder (`fundbook import LEDGER_DIR --db NEW_BOOK`)"
    )
    return (
        f"the book {path} has {has} (table book_meta, row key=schema_version); this fundbook "
        f"reads schema version {SCHEMA_VERSION}: "
        f"{todo} (the book was left unchanged)"
    )


def os_cause(exc: BaseException) -> str | None:
    """The operating-system cause behind `exc` or the exceptions it was raised from
    (a failed rollback must not hide "No space left on device"), else None."""
    seen: set[int] = set()
    current: BaseException | None = exc
    while current is not None and id(current) not in seen:
        seen.add(id(current))
        if isinstance(current, OSError) and current.strerror:
            return current.strerror
        for cause in _OS_CAUSES:
            if cause in str(current):
                return cause
        current = current.__cause__ or current.__context__
    return None


def _elsewhere(exc: BaseException, path: str | os.PathLike[str]) -> bool:
    """An OSError about another file than the book (an output folder a command writes to)."""
    name = getattr(exc, "filename", None)
    return isinstance(exc, OSError) and bool(name) and not str(name).startswith(str(path))


@contextmanager
def storage_errors(path: str | os.PathLike[str]) -> Iterator[None]:
    """Errors of the file system under the book become one-line StorageErrors."""
    try:
        yield
    except FundbookError:
        raise
    except (OSError, duckdb.Error) as exc:
        cause = os_cause(exc)
        if cause is None or _elsewhere(exc, path):
            raise
        raise StorageError(
            f"cannot use the book {path}: {cause} (nothing was written; fix the cause and run "
            "the command again)"
        ) from exc


@contextmanager
def exclusive(path: str | os.PathLike[str]) -> Iterator[None]:
    """Hold `<db>.lock` for a writing command; a second writer fails at once (BookInUse)."""
    lock_path = Path(f"{path}.lock")
    with storage_errors(path):
        lock_path.parent.mkdir(parents=True, exist_ok=True)
        handle = open(lock_path, "a+")  # noqa: SIM115 (closed below, after the body)
    with handle:
        try:
            fcntl.flock(handle.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError as exc:
            raise BookInUse(
                f"the book {path} is in use by another fundbook process (lock {lock_path}); "
                "wait for it to finish and run the command again"
            ) from exc
        try:
            yield
        finally:
            fcntl.flock(handle.fileno(), fcntl.LOCK_UN)


@contextmanager
def open_book(
    path: str | os.PathLike[str], *, read_only: bool = False
) -> Iterator[duckdb.DuckDBPyConnection]:
    """Connection to the book for one command; writers also hold the exclusive lock.

    A failure of the file system (disk full, read-only folder) is a StorageError naming its
    cause; a book this command created is then removed, so nothing half-made stays behind."""
    if read_only:
        con = connect(path, read_only=True)
        try:
            with storage_errors(path):
                yield con
        finally:
            con.close()
        return
    with exclusive(path):
        created = not _exists(Path(path))
        try:
            with storage_errors(path):
                con = connect(path)
                try:
                    yield con
                finally:
                    con.close()
        except StorageError:
            if created:
                _remove_book(Path(path))
            raise


def _exists(path: Path) -> bool:
    with storage_errors(path):
        return path.exists()


def _remove_book(path: Path) -> None:
    for leftover in (path, Path(f"{path}.wal")):
        with suppress(OSError):
            leftover.unlink(missing_ok=True)


def rollback(con: duckdb.DuckDBPyConnection) -> None:
    """Roll back after a failure; a rollback that fails too (a commit that failed on a full
    disk has already ended the transaction) must not hide the failure's real cause."""
    with suppress(duckdb.Error):
        con.rollback()


def frame(
    con: duckdb.DuckDBPyConnection, query: str, params: list[Any] | dict[str, Any] | None = None
) -> pl.DataFrame:
    """A query result as a polars frame (DuckDB 2.x: `execute().pl()` is gone: use a relation),
    read through the Arrow C stream: `relation.pl()` would import pyarrow, and with it numpy."""
    import polars as pl  # noqa: F811 (here: commands that print rows never import it)

    return pl.DataFrame(con.sql(query, params=params))


# DuckDB's numeric types besides DECIMAL (the type ids of `cursor.description`).
_NUMBERS = frozenset(
    "tinyint smallint integer bigint hugeint utinyint usmallint uinteger ubigint uhugeint "
    "float double".split()
)


def rows(
    con: duckdb.DuckDBPyConnection, query: str, params: list[Any] | dict[str, Any] | None = None
) -> Rows:
    """A query result as `Rows`, without polars: DECIMAL is money, as a polars frame of the
    same query would have it (`core.table.frame_rows`)."""
    cur = con.execute(query, params or [])
    kinds = tuple(
        MONEY if t.id == "decimal" else NUMBER if t.id in _NUMBERS else OTHER
        for _, t, *_ in cur.description
    )
    return Rows(tuple(d[0] for d in cur.description), kinds, cur.fetchall())


def scalar(
    con: duckdb.DuckDBPyConnection, query: str, params: list[Any] | dict[str, Any] | None = None
) -> Any:
    """The single value of a query (DuckDB 2.x: relation.fetchone() is gone)."""
    rows = con.execute(query, params or []).fetchall()
    return rows[0][0] if rows else None
