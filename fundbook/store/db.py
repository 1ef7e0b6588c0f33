"""Opening the DuckDB book: path resolution, schema, the SQL files, and the book-in-use lock."""

from __future__ import annotations

import fcntl
import os
from collections.abc import Iterator
from contextlib import contextmanager
from functools import cache
from pathlib import Path
from typing import Any

import duckdb
import polars as pl

from fundbook.core.errors import BookInUse, FundbookError
from fundbook.core.resources import resource_dir

DEFAULT_DB = "fundbook.duckdb"
SCHEMA_VERSION = "1"


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


def connect(path: str | os.PathLike[str], *, read_only: bool = False) -> duckdb.DuckDBPyConnection:
    """Open (creating if needed) the book at `path` with the schema applied."""
    path = Path(path)
    if read_only and not path.exists():
        raise FundbookError(f"no book at {path}: run `fundbook init` and `fundbook import` first")
    if path.parent and not path.parent.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
    try:
        con = duckdb.connect(str(path), read_only=read_only)
    except duckdb.IOException as exc:
        if "lock" in str(exc).lower():
            raise BookInUse(f"the book {path} is in use by another fundbook process") from exc
        raise FundbookError(f"cannot open {path}: {exc}") from exc
    con.execute(sql("connection_settings"))
    if not read_only:
        apply_schema(con)
    return con


@contextmanager
def exclusive(path: str | os.PathLike[str]) -> Iterator[None]:
    """Hold `<db>.lock` for a writing command; a second writer fails at once (BookInUse)."""
    lock_path = Path(f"{path}.lock")
    lock_path.parent.mkdir(parents=True, exist_ok=True)
    with open(lock_path, "a+") as handle:
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
    """Connection to the book for one command; writers also hold the exclusive lock."""
    if read_only:
        con = connect(path, read_only=True)
        try:
            yield con
        finally:
            con.close()
        return
    with exclusive(path):
        con = connect(path)
        try:
            yield con
        finally:
            con.close()


def frame(
    con: duckdb.DuckDBPyConnection, query: str, params: list[Any] | dict[str, Any] | None = None
) -> pl.DataFrame:
    """A query result as a polars frame (DuckDB 2.x: `execute().pl()` is gone: use a relation)."""
    return con.sql(query, params=params).pl()


def scalar(
    con: duckdb.DuckDBPyConnection, query: str, params: list[Any] | dict[str, Any] | None = None
) -> Any:
    """The single value of a query (DuckDB 2.x: relation.fetchone() is gone)."""
    rows = con.execute(query, params or []).fetchall()
    return rows[0][0] if rows else None
